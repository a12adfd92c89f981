import { SwrApiError, isTransientAnswer, parseServiceError, requestIdOf } from '../http/errors.js'
import {
  backoffDelay,
  parseRetryAfter,
  sleep as realSleep,
  type RetryPolicy
} from '../http/retry.js'
import { TransportError, type HttpResponse, type Transport } from '../http/transport.js'
import { repositoryPathSegment, type Category } from './names.js'
import type { Logger } from '../github/runner.js'

/** Adds authentication headers to a request about to be sent (signing needs the final bytes). */
export type Authorizer = (request: {
  method: string
  url: URL
  headers: Record<string, string>
  body: string
}) => Record<string, string>

export interface CallSpec {
  /** What the call does, in words, for logs and errors: 'create repository "group/app"'. */
  operation: string
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  path: string
  query?: Record<string, string>
  body?: unknown
  /** Statuses that mean success. */
  ok: number[]
  /** Statuses handed back to the caller as an answer (404 absent, 409 exists), not as errors. */
  expected?: number[]
  /** The IAM permission the call needs, for the 403 hint. */
  permission?: string
  /** Extra headers (signed like the others). */
  headers?: Record<string, string>
}

export interface CallResult {
  status: number
  response: HttpResponse
  /** The parsed JSON body of a successful answer, when it has one. */
  json: unknown
}

export interface ApiOptions {
  baseUrl: URL
  authorize?: Authorizer
  transport: Transport
  retry: RetryPolicy
  log: Logger
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

/** Sends calls with authentication, timeouts and retries of what is transient. */
export class Api {
  private readonly sleep: (ms: number) => Promise<void>
  private readonly random: () => number

  constructor(private readonly options: ApiOptions) {
    this.sleep = options.sleep ?? realSleep
    this.random = options.random ?? Math.random
  }

  private urlFor(spec: CallSpec): URL {
    const base = this.options.baseUrl
    const url = new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}${spec.path}`)
    for (const [key, value] of Object.entries(spec.query ?? {})) url.searchParams.append(key, value)
    return url
  }

  async call(spec: CallSpec): Promise<CallResult> {
    const { retry, log, transport } = this.options
    const url = this.urlFor(spec)
    const body = spec.body === undefined ? '' : JSON.stringify(spec.body)
    const started = Date.now()
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = {
        'Content-Type': 'application/json;charset=utf-8',
        ...spec.headers
      }
      const signed = this.options.authorize
        ? this.options.authorize({ method: spec.method, url, headers, body })
        : headers
      const sentAt = Date.now()
      let failure: Error
      let waitAtLeast = 0
      try {
        const response = await transport.request(spec.method, url, signed, body)
        const status = response.status
        log.debug(
          `${spec.method} ${url.pathname}${url.search} -> ${status} in ${Date.now() - sentAt} ms`
        )
        if (spec.ok.includes(status)) {
          const json = parseJson(response.body)
          // Every read answers with JSON: an empty or cut body (a proxy's page, a dropped
          // connection) is worth asking again. Writes may answer with nothing.
          if (spec.method !== 'GET' || (json !== INVALID && json !== undefined)) {
            return { status, response, json: json === INVALID ? undefined : json }
          }
          failure = new SwrApiError(
            spec.operation,
            status,
            {
              message: `the answer is not valid JSON: ${describeBody(response.body)}`
            },
            requestIdOf(response)
          )
        } else {
          const error = parseServiceError(response.body)
          const apiError = new SwrApiError(
            spec.operation,
            status,
            error,
            requestIdOf(response),
            spec.permission
          )
          if (!isTransientAnswer(status, error)) {
            if (spec.expected?.includes(status)) return { status, response, json: undefined }
            throw apiError
          }
          failure = apiError
          waitAtLeast = parseRetryAfter(response.headers['retry-after']) ?? 0
        }
      } catch (err) {
        if (!(err instanceof TransportError)) throw err
        log.debug(
          `${spec.method} ${url.pathname}${url.search} -> ${err.code} after ${Date.now() - sentAt} ms`
        )
        failure = new Error(`${spec.operation} failed: ${err.message}`, { cause: err })
        if (!err.retryable) throw failure
      }

      const delay = Math.max(waitAtLeast, backoffDelay(attempt, retry, this.random))
      const elapsed = Date.now() - started
      if (attempt >= retry.maxAttempts || elapsed + delay > retry.budgetMs) {
        failure.message += ` (gave up after ${attempt} attempt${attempt === 1 ? '' : 's'} in ${Math.round(elapsed / 100) / 10} s)`
        throw failure
      }
      log.debug(
        `${spec.operation}: retrying in ${delay} ms (attempt ${attempt + 1} of ${retry.maxAttempts})`
      )
      await this.sleep(delay)
    }
  }
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

function describeBody(body: string): string {
  const text = body.trim()
  if (!text) return 'an empty body'
  const error = parseServiceError(text)
  return error.message ?? `${text.slice(0, 120)}`
}

export interface RepositoryInfo {
  name: string
  category: string
  description: string
  is_public: boolean
  path?: string
}

export interface NamespaceInfo {
  name: string
  auth?: number
}

export interface RepositorySettings {
  is_public: boolean
  category: Category | string
  description: string
}

export interface RetentionRule {
  template: 'date_rule' | 'tag_rule'
  params: Record<string, string>
  tag_selectors: { kind: 'label' | 'regexp'; pattern: string }[]
}

export interface RetentionPolicy {
  id: number
  algorithm: string
  rules: RetentionRule[]
}

export type CreateOutcome = 'created' | 'exists' | 'namespace-missing'

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The SWR management API calls this action uses (../shared/swr-api-notes.md). */
export class SwrClient {
  constructor(private readonly api: Api) {}

  private repoPath(namespace: string, repository: string): string {
    return `/v2/manage/namespaces/${encodeURIComponent(namespace)}/repos/${encodeURIComponent(repositoryPathSegment(repository)).replace(/%24/g, '$')}`
  }

  async getNamespace(namespace: string): Promise<NamespaceInfo | null> {
    const { status, json } = await this.api.call({
      operation: `read organization "${namespace}"`,
      method: 'GET',
      path: `/v2/manage/namespaces/${encodeURIComponent(namespace)}`,
      ok: [200],
      expected: [404],
      permission: 'swr:namespace:getNamespace'
    })
    if (status === 404) return null
    if (!isObject(json))
      throw new Error(`read organization "${namespace}" failed: the answer has no organization`)
    return {
      name: String(json['name'] ?? namespace),
      ...(typeof json['auth'] === 'number' ? { auth: json['auth'] } : {})
    }
  }

  async createNamespace(namespace: string): Promise<'created' | 'exists'> {
    const { status } = await this.api.call({
      operation: `create organization "${namespace}"`,
      method: 'POST',
      path: '/v2/manage/namespaces',
      body: { namespace },
      ok: [200, 201, 202],
      expected: [409],
      permission: 'swr:namespace:createNamespace'
    })
    return status === 409 ? 'exists' : 'created'
  }

  async getRepository(namespace: string, repository: string): Promise<RepositoryInfo | null> {
    const operation = `read repository "${namespace}/${repository}"`
    const { status, json } = await this.api.call({
      operation,
      method: 'GET',
      path: this.repoPath(namespace, repository),
      ok: [200],
      expected: [404],
      permission: 'swr:repo:getRepo'
    })
    if (status === 404) return null
    if (!isObject(json) || typeof json['is_public'] !== 'boolean') {
      throw new Error(`${operation} failed: the answer is not a repository (no is_public field)`)
    }
    return {
      name: String(json['name'] ?? repository),
      category: String(json['category'] ?? ''),
      description: String(json['description'] ?? ''),
      is_public: json['is_public'],
      ...(typeof json['path'] === 'string' && json['path'] ? { path: json['path'] } : {})
    }
  }

  async createRepository(
    namespace: string,
    repository: string,
    settings: RepositorySettings
  ): Promise<CreateOutcome> {
    const { status } = await this.api.call({
      operation: `create repository "${namespace}/${repository}"`,
      method: 'POST',
      path: `/v2/manage/namespaces/${encodeURIComponent(namespace)}/repos`,
      body: { repository, ...settings },
      ok: [200, 201, 202],
      expected: [404, 409],
      permission: 'swr:repo:createRepo'
    })
    return status === 404 ? 'namespace-missing' : status === 409 ? 'exists' : 'created'
  }

  async updateRepository(
    namespace: string,
    repository: string,
    settings: RepositorySettings
  ): Promise<void> {
    await this.api.call({
      operation: `update repository "${namespace}/${repository}"`,
      method: 'PATCH',
      path: this.repoPath(namespace, repository),
      body: settings,
      ok: [200, 201, 204],
      permission: 'swr:repo:updateRepo'
    })
  }

  async listRetentions(namespace: string, repository: string): Promise<RetentionPolicy[]> {
    const operation = `read retention policies of "${namespace}/${repository}"`
    const { json } = await this.api.call({
      operation,
      method: 'GET',
      path: `${this.repoPath(namespace, repository)}/retentions`,
      ok: [200]
    })
    if (json === undefined) return []
    if (!Array.isArray(json)) throw new Error(`${operation} failed: the answer is not a list`)
    return json.filter(isObject).map(policy => ({
      id: Number(policy['id']),
      algorithm: String(policy['algorithm'] ?? 'or'),
      rules: Array.isArray(policy['rules']) ? (policy['rules'] as RetentionRule[]) : []
    }))
  }

  async createRetention(
    namespace: string,
    repository: string,
    rules: RetentionRule[]
  ): Promise<void> {
    await this.api.call({
      operation: `create retention policy of "${namespace}/${repository}"`,
      method: 'POST',
      path: `${this.repoPath(namespace, repository)}/retentions`,
      body: { algorithm: 'or', rules },
      ok: [200, 201]
    })
  }

  async updateRetention(
    namespace: string,
    repository: string,
    id: number,
    rules: RetentionRule[]
  ): Promise<void> {
    await this.api.call({
      operation: `update retention policy ${id} of "${namespace}/${repository}"`,
      method: 'PATCH',
      path: `${this.repoPath(namespace, repository)}/retentions/${id}`,
      body: { algorithm: 'or', rules },
      ok: [200, 201, 204]
    })
  }

  async deleteRetention(namespace: string, repository: string, id: number): Promise<void> {
    await this.api.call({
      operation: `delete retention policy ${id} of "${namespace}/${repository}"`,
      method: 'DELETE',
      path: `${this.repoPath(namespace, repository)}/retentions/${id}`,
      ok: [200, 204],
      expected: [404]
    })
  }

  /** The temporary (6 h) docker login the service issues for the caller's credentials. */
  async temporaryLogin(
    region: string
  ): Promise<{ registry: string; username: string; password: string }> {
    const operation = 'get a temporary docker login'
    const { json } = await this.api.call({
      operation,
      method: 'POST',
      path: '/v2/manage/utils/secret',
      query: { projectname: region },
      ok: [200, 201]
    })
    const auths = isObject(json) && isObject(json['auths']) ? json['auths'] : undefined
    const [registry, entry] = Object.entries(auths ?? {})[0] ?? []
    const auth = isObject(entry) && typeof entry['auth'] === 'string' ? entry['auth'] : undefined
    const decoded = auth ? Buffer.from(auth, 'base64').toString('utf8') : ''
    const colon = decoded.indexOf(':')
    if (!registry || colon < 1)
      throw new Error(`${operation} failed: the answer has no auths entry`)
    return { registry, username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
  }
}
