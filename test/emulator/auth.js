// The emulator's accounts and how a request proves which one it acts for: an SDK-HMAC-SHA256
// signature (checked with the official Node SDK's own canonicalisation, so it is independent of
// src/http/signer.ts), a temporary key with its security token, or an IAM token.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import sdkSigner from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js'

const { AKSKSigner } = sdkSigner
const MAX_SKEW_MS = 15 * 60 * 1000
const INCORRECT = 'Incorrect IAM authentication information'

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
  return { accounts, keys, sts, iamTokens: new Map() }
}

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
  const tokenError = checkSecurityToken(req, key, signed)
  if (tokenError) return { error: tokenError }
  const expected = expectedSignature(req, url, body, headers, signedList, key.secretAccessKey)
  if (!timingSafeEqual(expected, Buffer.from(signature)))
    return { error: `${INCORRECT}: verify aksk signature fail` }
  return { account: key.account, kind: key.securityToken ? 'sts' : 'aksk' }
}

/** { account, kind: 'aksk' | 'sts' | 'token' } or { error } (the API gateway's 401 message). */
export function authenticate(credentials, req, url, body) {
  const token = req.headers['x-auth-token']
  if (token !== undefined) {
    const entry = credentials.iamTokens.get(token)
    if (!entry || entry.expires < Date.now()) return { error: `${INCORRECT}: decrypt token fail` }
    return { account: entry.account, kind: 'token', project: entry.project }
  }
  if (req.headers.authorization) return verifySignature(credentials, req, url, body)
  return { error: `${INCORRECT}: no authentication information` }
}
