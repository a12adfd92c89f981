// The signed-request layer every service client uses (SWR, IAM): authentication, a run-wide
// deadline, retries of what is transient, and no blind repetition of a write whose answer
// was lost (docs/swr-service.md, "Retries and lost answers").
import { messageOf, oneLine } from '../values.js'
import {
  ApiError,
  CredentialsRefused,
  parseServiceError,
  requestIdOf,
  type ServiceError
} from './errors.js'
import { backoffDelay, parseRetryAfter, sleep as realSleep, type RetryPolicy } from './retry.js'
import { TransportError, type HttpResponse, type Transport } from './transport.js'

/**
 * Adds authentication headers to a request about to be sent (signing needs the final bytes);
 * it may first have to obtain a token.
 */
export type Authorizer = (request: {
  method: string
  url: URL
  headers: Record<string, string>
  body: string
}) => Record<string, string> | Promise<Record<string, string>>

/** What a service says about its own answers. */
export interface ServicePolicy {
  /** May the same request succeed when sent again a little later? */
  isTransient(status: number, error: ServiceError): boolean
  /** Was the request certainly not carried out (throttled, busy), although it failed? */
  isRefusedUnprocessed(status: number, error: ServiceError): boolean
  /** A sentence telling the user what to do about a final error answer. */
  hint(status: number, error: ServiceError, context: { baseUrl: URL }): string | undefined
  /** Does the answer refuse the credentials themselves, so that every other request would fail alike? */
  refusesCredentials?(status: number, error: ServiceError): boolean
}

/**
 * Shared by every client of a run: once an answer refuses the credentials, no request starts
 * any more, and every call fails with that one error.
 */
export interface RunStop {
  refused?: CredentialsRefused
}

export interface ApiRequest {
  /** What the call does, in words, for logs and errors: 'create repository "group/app"'. */
  operation: string
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  path: string
  query?: Record<string, string>
  body?: unknown
  headers?: Record<string, string>
}

export interface CallOptions {
  /** Statuses that mean success. */
  ok: number[]
  /** Error answers handed back to the caller (absent, exists) instead of thrown. */
  accept?: (answer: Answer) => boolean
  /**
   * For a write that must not be repeated blindly: before sending it again after an answer
   * that may hide a success (a reset, a timeout, a cut answer, a 5xx), asks whether it took
   * effect. True ends the call with `lost: true`.
   */
  readBack?: () => Promise<boolean>
  /** Extra hint for a final error answer, before the service's own (e.g. the IAM permission). */
  hint?: (answer: Answer) => string | undefined
}

export interface Answer {
  status: number
  response: HttpResponse
  /** The parsed JSON body of a successful answer, when it has one. */
  json: unknown
  error: ServiceError
  requestId: string | undefined
  /** The write took effect, as a read showed, but its own answer never arrived. */
  lost?: boolean
  /** For an error answer the caller accepted: the error it would have been, hint included. */
  asError?: ApiError
  /**
   * An earlier attempt may have been carried out (its answer was lost and a read did not show
   * it yet): a 409 now most likely answers this run's own earlier attempt.
   */
  afterLostAttempt?: boolean
}

export interface ApiOptions {
  baseUrl: URL
  authorize?: Authorizer
  transport: Transport
  retry: RetryPolicy
  /** Time (ms since the epoch) after which no request starts: the run's budget. */
  deadline: number
  policy: ServicePolicy
  debug: (message: string) => void
  /** The run's stop: shared by its clients, so that a refusal of the credentials stops them all. */
  stop?: RunStop
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

const INVALID = Symbol('invalid JSON')

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return INVALID
  }
}

/** One attempt's failure, and what it allows next. */
interface Failure {
  error: Error
  retryable: boolean
  /** The request may have been carried out although it failed. */
  maybeDone: boolean
  waitAtLeast: number
}

export class Api {
  private readonly sleep: (ms: number) => Promise<void>
  private readonly random: () => number

  constructor(private readonly options: ApiOptions) {
    this.sleep = options.sleep ?? realSleep
    this.random = options.random ?? Math.random
  }

  private urlFor(request: ApiRequest): URL {
    const base = this.options.baseUrl
    const path = `${base.pathname.replace(/\/+$/, '')}${request.path}`
    const url = new URL(`${base.origin}${path}`)
    // A URL resolves "." and ".." segments: a name that became one would send the request
    // elsewhere (a repository's DELETE to its organization's path). Such a request is not sent.
    if (url.pathname !== (path || '/')) {
      throw new Error(
        `${request.operation} failed: its path ${JSON.stringify(path)} would be sent as ${JSON.stringify(url.pathname)}, another path; the request was not sent`
      )
    }
    for (const [key, value] of Object.entries(request.query ?? {})) {
      url.searchParams.append(key, value)
    }
    return url
  }

  async call(request: ApiRequest, options: CallOptions): Promise<Answer> {
    const { retry, deadline } = this.options
    const started = Date.now()
    let lostBefore = false
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(request, options)
      if (!('retryable' in outcome))
        return lostBefore ? { ...outcome, afterLostAttempt: true } : outcome
      const failure = outcome
      if (!failure.retryable) throw failure.error
      if (
        failure.maybeDone &&
        options.readBack &&
        (await this.tookEffect(options.readBack, failure))
      ) {
        this.options.debug(`${request.operation}: the answer was lost, but it took effect`)
        return { ...LOST_ANSWER, lost: true }
      }
      lostBefore ||= failure.maybeDone && options.readBack !== undefined
      const delay = Math.max(failure.waitAtLeast, backoffDelay(attempt, retry, this.random))
      if (attempt >= retry.maxAttempts || Date.now() + delay >= deadline) {
        const elapsed = Math.round((Date.now() - started) / 100) / 10
        failure.error.message += ` (gave up after ${attempt} attempt${attempt === 1 ? '' : 's'} in ${elapsed} s)`
        throw failure.error
      }
      this.options.debug(
        `${request.operation}: retrying in ${delay} ms (attempt ${attempt + 1} of ${retry.maxAttempts})`
      )
      await this.sleep(delay)
    }
  }

  /** Whether a write whose answer was lost took effect; if that cannot be read, the write's own failure stands. */
  private async tookEffect(readBack: () => Promise<boolean>, failure: Failure): Promise<boolean> {
    try {
      return await readBack()
    } catch (err) {
      const reason = messageOf(err)
      failure.error.message += ` (whether it took effect could not be read: ${reason})`
      throw failure.error
    }
  }

  /** Sends the request once: the answer, or why it failed and whether to try again. */
  private async attempt(request: ApiRequest, options: CallOptions): Promise<Answer | Failure> {
    const { transport, authorize, deadline, debug, stop } = this.options
    if (stop?.refused)
      return { error: stop.refused, retryable: false, maybeDone: false, waitAtLeast: 0 }
    const url = this.urlFor(request)
    const body = request.body === undefined ? '' : JSON.stringify(request.body)
    const headers = { 'Content-Type': 'application/json;charset=utf-8', ...request.headers }
    const signed = authorize
      ? await authorize({ method: request.method, url, headers, body })
      : headers
    const line = `${request.method} ${url.pathname}${url.search}`
    const sentAt = Date.now()
    const remaining = deadline - sentAt
    if (remaining <= 0) {
      const error = new Error(`${request.operation} failed: the run's time budget is spent`)
      return { error, retryable: false, maybeDone: false, waitAtLeast: 0 }
    }
    let response: HttpResponse
    try {
      // The transport's own timeout, cut to what is left of the run's budget.
      response = await transport.request(request.method, url, signed, body, {
        budgetMs: remaining
      })
    } catch (err) {
      if (!(err instanceof TransportError)) throw err
      debug(`${line} -> ${err.code} after ${Date.now() - sentAt} ms`)
      const error = new Error(`${request.operation} failed: ${err.message}`, { cause: err })
      return { error, retryable: err.retryable, maybeDone: err.sent, waitAtLeast: 0 }
    }
    debug(`${line} -> ${response.status} in ${Date.now() - sentAt} ms`)
    return this.judge(request, options, response)
  }

  private judge(
    request: ApiRequest,
    options: CallOptions,
    response: HttpResponse
  ): Answer | Failure {
    const { policy, baseUrl } = this.options
    const { status } = response
    const requestId = requestIdOf(response)
    if (options.ok.includes(status)) {
      const json = parseJson(response.body)
      // Every read answers with JSON: an empty or cut body (a proxy's page, a dropped
      // connection) is worth asking again. Writes may answer with nothing.
      if (request.method !== 'GET' || (json !== INVALID && json !== undefined)) {
        return { status, response, json: json === INVALID ? undefined : json, error: {}, requestId }
      }
      const message = `the answer is not valid JSON: ${describeBody(response.body)}`
      const error = new ApiError(request.operation, status, { message }, requestId)
      return { error, retryable: true, maybeDone: false, waitAtLeast: 0 }
    }
    const serviceError = parseServiceError(response.body)
    const answer: Answer = { status, response, json: undefined, error: serviceError, requestId }
    if (policy.refusesCredentials?.(status, serviceError)) return this.refused(request, answer)
    const hint = [options.hint?.(answer), policy.hint(status, serviceError, { baseUrl })]
      .filter(Boolean)
      .join(' ')
    const error = new ApiError(request.operation, status, serviceError, requestId, hint)
    const transient = policy.isTransient(status, serviceError)
    if (!transient && options.accept?.(answer)) return { ...answer, asError: error }
    if (!transient) return { error, retryable: false, maybeDone: false, waitAtLeast: 0 }
    return {
      error,
      retryable: true,
      maybeDone: !policy.isRefusedUnprocessed(status, serviceError),
      waitAtLeast: parseRetryAfter(response.headers['retry-after']) ?? 0
    }
  }

  /** The run's one refusal: the first; an answer to a request already in flight joins it. */
  private refused(request: ApiRequest, answer: Answer): Failure {
    const { policy, baseUrl, stop } = this.options
    const { status, error, requestId } = answer
    const hint = policy.hint(status, error, { baseUrl })
    const refusal =
      stop?.refused ?? new CredentialsRefused(request.operation, status, error, requestId, hint)
    if (stop) stop.refused = refusal
    return { error: refusal, retryable: false, maybeDone: false, waitAtLeast: 0 }
  }
}

const LOST_ANSWER: Answer = {
  status: 0,
  response: { status: 0, headers: {}, body: '' },
  json: undefined,
  error: {},
  requestId: undefined
}

function describeBody(body: string): string {
  const text = body.trim()
  if (!text) return 'an empty body'
  return parseServiceError(text).message ?? oneLine(text.slice(0, 120))
}
