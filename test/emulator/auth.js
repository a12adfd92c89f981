// The emulator's accounts and how a request proves which one it acts for: an SDK-HMAC-SHA256
// signature (checked with the official Node SDK's own canonicalisation, so it is independent of
// src/http/signer.ts), a temporary key with its security token, or an IAM token.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import sdkSigner from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js'

const { AKSKSigner } = sdkSigner
const MAX_SKEW_MS = 15 * 60 * 1000
const INCORRECT = 'Incorrect IAM authentication information'
/** The gateway locks an access key after this many failed signatures in a row, for LOCK_MS. */
export const LOCK_AFTER_FAILURES = 5
export const LOCK_MS = 5 * 60 * 1000
/** How long an IAM token lasts: 24 hours, as IAM documents. */
export const IAM_TOKEN_LIFETIME_MS = 24 * 3600_000

export const randomKey = (prefix, length) =>
  (prefix + randomBytes(32).toString('hex').toUpperCase()).slice(0, length)

function newAccount(name, overrides = {}) {
  return {
    name,
    domainId: randomBytes(16).toString('hex'),
    accessKeyId: overrides.accessKeyId ?? randomKey('AK', 20),
    secretAccessKey: overrides.secretAccessKey ?? randomBytes(20).toString('base64url'),
    readOnly: overrides.readOnly ?? false
  }
}

/**
 * Three accounts (main; other, which owns what main must not see; reader, which may only read),
 * a temporary key of main, and the IAM tokens handed out so far.
 */
export function createCredentials(options = {}) {
  const accounts = {
    main: newAccount('main', options.main),
    other: newAccount('other', options.other),
    reader: newAccount('reader', { readOnly: true, ...options.reader })
  }
  const keys = new Map(
    Object.values(accounts).map(a => [
      a.accessKeyId,
      { account: a, secretAccessKey: a.secretAccessKey }
    ])
  )
  const sts = {
    accessKeyId: randomKey('TMP', 20),
    secretAccessKey: randomBytes(20).toString('base64url'),
    securityToken: `gQpjbi1ub3J0aC00${randomBytes(48).toString('base64url')}`
  }
  keys.set(sts.accessKeyId, {
    account: accounts.main,
    secretAccessKey: sts.secretAccessKey,
    securityToken: sts.securityToken
  })
  // Per access key: failed signatures in a row, and until when the key is locked.
  return { accounts, keys, sts, iamTokens: new Map(), failures: new Map() }
}

/** Counts a failed signature of a known key; the fifth in a row locks it (the gateway's rule). */
function signatureFailed(credentials, accessKeyId) {
  const entry = credentials.failures.get(accessKeyId) ?? { count: 0, lockedUntil: 0 }
  entry.count++
  if (entry.count >= LOCK_AFTER_FAILURES) entry.lockedUntil = Date.now() + LOCK_MS
  credentials.failures.set(accessKeyId, entry)
}

const isLocked = (credentials, accessKeyId) =>
  (credentials.failures.get(accessKeyId)?.lockedUntil ?? 0) > Date.now()

function signedHeadersOf(req, signed) {
  const headers = {}
  for (const name of signed) {
    const value = req.headers[name]
    if (value === undefined) return { error: `${INCORRECT}: signed header ${name} missing` }
    headers[name] = Array.isArray(value) ? value.join(',') : value
  }
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(headers['x-sdk-date'])
  if (!date) return { error: `${INCORRECT}: bad x-sdk-date` }
  const time = Date.UTC(+date[1], +date[2] - 1, +date[3], +date[4], +date[5], +date[6])
  if (Math.abs(Date.now() - time) > MAX_SKEW_MS)
    return { error: `${INCORRECT}: the request has expired (check the clock)` }
  return { headers }
}

function checkSecurityToken(req, key, signed) {
  const sent = req.headers['x-security-token']
  if (key.securityToken !== undefined) {
    if (!signed.includes('x-security-token') || sent !== key.securityToken)
      return `${INCORRECT}: invalid security token`
  } else if (sent !== undefined) {
    return `${INCORRECT}: security token sent with a permanent key`
  }
  return undefined
}

function expectedSignature(req, url, body, headers, signedList, secretAccessKey) {
  const queryParams = {}
  for (const [k, v] of url.searchParams) {
    queryParams[k] = k in queryParams ? [].concat(queryParams[k], v) : v
  }
  const decodedPath = url.pathname
    .split('/')
    .map(s => {
      try {
        return decodeURIComponent(s)
      } catch {
        return s
      }
    })
    .join('/')
  const canonicalRequest = AKSKSigner.buildCanonicalRequest(
    req.method,
    AKSKSigner.CanonicalURI(decodedPath),
    AKSKSigner.CanonicalQueryString({ queryParams }),
    AKSKSigner.buildCanonicalHeaders(headers),
    signedList,
    AKSKSigner.Hex(body)
  )
  const stringToSign = AKSKSigner.getStringToSign(
    'SDK-HMAC-SHA256',
    headers['x-sdk-date'],
    AKSKSigner.Hex(canonicalRequest)
  )
  return Buffer.from(AKSKSigner.hmacSHA256(secretAccessKey, stringToSign))
}

function verifySignature(credentials, req, url, body) {
  const match =
    /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
      req.headers.authorization ?? ''
    )
  if (!match) return { error: `${INCORRECT}: unsupported Authorization header` }
  const [, accessKeyId, signedList, signature] = match
  const signed = signedList.split(';')
  if (!signed.includes('x-sdk-date')) return { error: `${INCORRECT}: x-sdk-date not signed` }
  const { headers, error } = signedHeadersOf(req, signed)
  if (error) return { error }
  const key = credentials.keys.get(accessKeyId)
  if (!key) return { error: `${INCORRECT}: ak ${accessKeyId} not exist` }
  // A locked key is refused whatever it signs, until the lock ends.
  if (isLocked(credentials, accessKeyId))
    return { error: `${INCORRECT}: AK access failed to reach the limit,forbidden.` }
  const tokenError = checkSecurityToken(req, key, signed)
  if (tokenError) return { error: tokenError }
  const expected = expectedSignature(req, url, body, headers, signedList, key.secretAccessKey)
  if (!timingSafeEqual(expected, Buffer.from(signature))) {
    signatureFailed(credentials, accessKeyId)
    return { error: `${INCORRECT}: verify aksk signature fail` }
  }
  credentials.failures.delete(accessKeyId)
  return { account: key.account, kind: key.securityToken ? 'sts' : 'aksk' }
}

/**
 * An expired IAM token, as the `expiredToken` variant answers it: the gateway's 401 APIGW.0301
 * "token expires" (quoted in Huawei Cloud's FAQs), its 401 APIGW.0307 "The token must be
 * updated." (likewise), or SWR's own 401 4010000 (its error-code table: token expired).
 */
function expiredToken(variant, expires) {
  if (variant === 'APIGW.0307') return { error: 'The token must be updated.', code: 'APIGW.0307' }
  if (variant === 'SVCSTG.SWR.4010000') return { error: 'Token expired', code: variant, swr: true }
  return { error: `${INCORRECT}: token expires, expires_at: ${new Date(expires).toISOString()}` }
}

/**
 * { account, kind: 'aksk' | 'sts' | 'token' } or { error, code?, swr? }: the API gateway's 401
 * message (its code APIGW.0301 unless `code` says otherwise; `swr`: SWR answers it, not the
 * gateway). `expiredTokenVariant` is the variant that says how an expired token is refused.
 */
export function authenticate(credentials, req, url, body, expiredTokenVariant = 'APIGW.0301') {
  const token = req.headers['x-auth-token']
  if (token !== undefined) {
    const entry = credentials.iamTokens.get(token)
    if (!entry) return { error: `${INCORRECT}: decrypt token fail` }
    if (entry.expires <= Date.now()) return expiredToken(expiredTokenVariant, entry.expires)
    return { account: entry.account, kind: 'token', project: entry.project }
  }
  if (req.headers.authorization) return verifySignature(credentials, req, url, body)
  return { error: `${INCORRECT}: no authentication information` }
}
