// Turns an error answer of any Huawei Cloud service into a code, a message and a request id.
// The bodies come in several shapes (docs/swr-service.md, "Error answers"); the live SWR shape
// carries the same code twice, at the top (`error_code`) and in `errors[0]`, so the top is
// read first.
import { oneLine } from '../values.js'
import type { HttpResponse } from './transport.js'

export interface ServiceError {
  code?: string
  message?: string
}

// What an error answer contributes to a message is the service's text: one line, and short,
// since it is quoted in the log, an annotation, the summary and the result output.
const CODE_MAX = 100
const MESSAGE_MAX = 500

function clip(text: string, max: number): string {
  const line = oneLine(text)
  return line.length > max ? `${line.slice(0, max)}…` : line
}

function pick(o: Record<string, unknown>, codeKeys: string[], messageKeys: string[]) {
  const rawCode = codeKeys.map(k => o[k]).find(v => v !== undefined && v !== '')
  const rawMessage = messageKeys.map(k => o[k]).find(v => v !== undefined && v !== '')
  // IAM's {"error":{"code":401,…}} repeats the HTTP status as a number: not a code worth showing.
  const code = typeof rawCode === 'string' ? clip(rawCode, CODE_MAX) : undefined
  const message = rawMessage === undefined ? undefined : clip(String(rawMessage), MESSAGE_MAX)
  if (code === undefined && message === undefined) return undefined
  return { ...(code !== undefined ? { code } : {}), ...(message !== undefined ? { message } : {}) }
}

function fromValue(value: unknown): ServiceError | undefined {
  if (Array.isArray(value)) return value.length > 0 ? fromValue(value[0]) : undefined
  if (typeof value !== 'object' || value === null) return undefined
  const o = value as Record<string, unknown>
  return (
    pick(o, ['error_code'], ['error_msg']) ??
    (Array.isArray(o['errors']) ? fromValue(o['errors']) : undefined) ??
    (typeof o['error'] === 'object' ? fromValue(o['error']) : undefined) ??
    pick(o, ['errorCode', 'code'], ['errorMessage', 'errorMsg', 'message'])
  )
}

/** The service's own code and message, from any known body shape, else from the raw text. */
export function parseServiceError(body: string): ServiceError {
  const text = body.trim()
  if (!text) return {}
  try {
    const parsed = fromValue(JSON.parse(text))
    if (parsed) return parsed
  } catch {
    // not JSON: fall through to the text itself
  }
  if (/^<(!doctype|html)/i.test(text)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim()
    return {
      message: `an HTML page${title ? ` titled "${clip(title, 120)}"` : ''} instead of an API answer`
    }
  }
  return { message: clip(text, 300) }
}

export function requestIdOf(response: HttpResponse): string | undefined {
  const id = response.headers['x-request-id'] ?? response.headers['x-openstack-request-id']
  const first = Array.isArray(id) ? id[0] : id
  return first === undefined ? undefined : clip(first, CODE_MAX)
}

/** An answer a call cannot go on from. The message quotes the service, never our request. */
export class ApiError extends Error {
  override name = 'ApiError'

  constructor(
    readonly operation: string,
    readonly status: number,
    readonly error: ServiceError,
    readonly requestId: string | undefined,
    hint?: string
  ) {
    super(
      `${operation} failed: HTTP ${status}` +
        (error.code ? ` ${error.code}` : '') +
        (error.message ? `: ${error.message}` : '') +
        (requestId ? ` (request id ${requestId})` : '') +
        (hint ? `. ${hint}` : '')
    )
  }
}

/**
 * An answer that refuses the credentials themselves (a bad signature, an unknown or locked key,
 * an expired token), not a permission on one resource: every other request of the run would be
 * refused alike, so the run stops at the first one (docs/swr-service.md, "Refused credentials").
 */
export class CredentialsRefused extends ApiError {
  override name = 'CredentialsRefused'

  constructor(...args: ConstructorParameters<typeof ApiError>) {
    super(...args)
    this.message += ' The run stopped at this answer: no further request was sent.'
  }
}

/**
 * A repository's or a change's failure as the result and the summary show it: the credentials'
 * refusal is the step's one error, so each thing it stopped names it without repeating it.
 */
export function failureOf(err: unknown): string {
  if (err instanceof CredentialsRefused) {
    return "not done: SWR refused the credentials, and the run stopped there (the step's error says why)"
  }
  return err instanceof Error ? err.message : String(err)
}
