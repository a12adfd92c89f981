// SWR and the API gateway answer errors in several shapes (../shared/swr-api-notes.md,
// "Errors"); every one of them is turned into a status, a code, a message and a request id.
import type { HttpResponse } from './transport.js'

export interface ServiceError {
  code?: string
  message?: string
}

function fromObject(value: unknown): ServiceError | undefined {
  if (Array.isArray(value)) return value.length > 0 ? fromObject(value[0]) : undefined
  if (typeof value !== 'object' || value === null) return undefined
  const o = value as Record<string, unknown>
  if (Array.isArray(o['errors'])) return fromObject(o['errors'])
  if (typeof o['error'] === 'object' && o['error'] !== null) return fromObject(o['error'])
  // IAM's {"error":{"code":401,…}} repeats the HTTP status as a number: not a code worth showing.
  const rawCode = o['errorCode'] ?? o['error_code'] ?? o['code']
  const code = typeof rawCode === 'number' ? undefined : rawCode
  const message = o['errorMessage'] ?? o['error_msg'] ?? o['message'] ?? o['errorMsg']
  if (code === undefined && message === undefined) return undefined
  return {
    ...(code !== undefined ? { code: String(code) } : {}),
    ...(message !== undefined ? { message: String(message) } : {})
  }
}

/** The service's own code and message, from any known body shape, else from the raw text. */
export function parseServiceError(body: string): ServiceError {
  const text = body.trim()
  if (!text) return {}
  try {
    const parsed = fromObject(JSON.parse(text))
    if (parsed) return parsed
  } catch {
    // not JSON: fall through to the text itself
  }
  if (/^<(!doctype|html)/i.test(text)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim()
    return { message: `an HTML page${title ? ` titled "${title}"` : ''} instead of an API answer` }
  }
  return { message: text.length > 300 ? `${text.slice(0, 300)}…` : text }
}

export function requestIdOf(response: HttpResponse): string | undefined {
  const id = response.headers['x-request-id'] ?? response.headers['x-openstack-request-id']
  return Array.isArray(id) ? id[0] : id
}

const BUSY = 'SVCSTG.SWR.4090023'
const THROTTLED = /throttl|rate ?limit|too many requests|flow control/i

/** Answers that may succeed when asked again a little later. */
export function isTransientAnswer(status: number, error: ServiceError): boolean {
  if ([429, 500, 502, 503, 504].includes(status)) return true
  if (status === 409 && error.code === BUSY) return true
  if (status === 403 && (error.code === 'APIGW.0308' || THROTTLED.test(error.message ?? '')))
    return true
  return false
}

function hintFor(
  status: number,
  error: ServiceError,
  permission: string | undefined
): string | undefined {
  if (status === 401) {
    return "Check the access key id and secret access key (or the security token, or the OpenID Connect set-up), and that the runner's clock is right: signatures more than 15 minutes off are rejected."
  }
  if (status === 403 && !isTransientAnswer(status, error)) {
    return `The IAM user or agency needs the SWR permission ${permission ?? 'for this call'} (see "IAM permissions" in the README).`
  }
  if (error.code === 'SVCSTG.SWR.4000097') {
    return 'The account has reached its quota of SWR organizations: reuse an existing organization or delete one.'
  }
  if (error.code === 'SVCSTG.SWR.5007019') {
    return 'The account has reached its quota of SWR repositories.'
  }
  return undefined
}

/** An answer the action cannot go on from. The message quotes the service, never our request. */
export class SwrApiError extends Error {
  override name = 'SwrApiError'
  readonly code: string | undefined
  readonly requestId: string | undefined

  constructor(
    readonly operation: string,
    readonly status: number,
    error: ServiceError,
    requestId: string | undefined,
    permission?: string
  ) {
    const hint = hintFor(status, error, permission)
    super(
      `${operation} failed: HTTP ${status}` +
        (error.code ? ` ${error.code}` : '') +
        (error.message ? `: ${error.message}` : '') +
        (requestId ? ` (request id ${requestId})` : '') +
        (hint ? `. ${hint}` : '')
    )
    this.code = error.code
    this.requestId = requestId
  }
}
