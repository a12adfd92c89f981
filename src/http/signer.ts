// SDK-HMAC-SHA256 request signing, as the official Huawei Cloud SDKs do it
// (docs/swr-service.md, "Calls"). Tests check it against the official test
// vectors and against the official Node signer.
import { createHash, createHmac } from 'node:crypto'

const ALGORITHM = 'SDK-HMAC-SHA256'

export interface KeyCredentials {
  accessKeyId: string
  secretAccessKey: string
  securityToken?: string
}

export interface SignableRequest {
  method: string
  url: URL
  /** Headers to send; every one of them is signed. */
  headers: Record<string, string>
  body: string
}

/** Percent-encodes everything but A-Z a-z 0-9 - _ . ~, with uppercase hex (RFC 3986). */
function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** Each path segment encoded (from its decoded form, so "%24" and "$" agree), ending in "/". */
export function canonicalUri(pathname: string): string {
  const uri = pathname
    .split('/')
    .map(segment => encodeRfc3986(decodeSegment(segment)))
    .join('/')
  return uri.endsWith('/') ? uri : `${uri}/`
}

export function canonicalQuery(params: URLSearchParams): string {
  const byKey = new Map<string, string[]>()
  for (const [key, value] of params) byKey.set(key, [...(byKey.get(key) ?? []), value])
  return [...byKey.keys()]
    .sort()
    .flatMap(key =>
      (byKey.get(key) ?? []).sort().map(v => `${encodeRfc3986(key)}=${encodeRfc3986(v)}`)
    )
    .join('&')
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex')
}

/** "20060102T150405Z" */
export function sdkDate(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

/** The signature over exactly the given headers; the date is read from their X-Sdk-Date. */
export function computeSignature(
  method: string,
  url: URL,
  headersToSign: Record<string, string>,
  body: string,
  secretAccessKey: string
): { signedHeaders: string; signature: string } {
  const entries = Object.entries(headersToSign)
    .map(([name, value]) => [name.toLowerCase(), value.trim()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const date = entries.find(([name]) => name === 'x-sdk-date')?.[1]
  if (!date) throw new Error('X-Sdk-Date must be among the signed headers')
  const signedHeaders = entries.map(([name]) => name).join(';')
  const canonicalRequest = [
    method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQuery(url.searchParams),
    entries.map(([name, value]) => `${name}:${value}\n`).join(''),
    signedHeaders,
    sha256Hex(body)
  ].join('\n')
  const stringToSign = `${ALGORITHM}\n${date}\n${sha256Hex(canonicalRequest)}`
  const signature = createHmac('sha256', secretAccessKey).update(stringToSign).digest('hex')
  return { signedHeaders, signature }
}

/**
 * Returns the headers to send: the given ones plus Host, X-Sdk-Date, X-Security-Token (for
 * temporary credentials) and Authorization. Every header sent is signed, like the Node SDK.
 */
export function signRequest(
  request: SignableRequest,
  credentials: KeyCredentials,
  now: Date = new Date()
): Record<string, string> {
  const headers: Record<string, string> = {
    ...request.headers,
    Host: request.url.host,
    'X-Sdk-Date': sdkDate(now)
  }
  if (credentials.securityToken) headers['X-Security-Token'] = credentials.securityToken
  const { signedHeaders, signature } = computeSignature(
    request.method,
    request.url,
    headers,
    request.body,
    credentials.secretAccessKey
  )
  headers['Authorization'] =
    `${ALGORITHM} Access=${credentials.accessKeyId}, SignedHeaders=${signedHeaders}, Signature=${signature}`
  return headers
}
