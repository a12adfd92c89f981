// Stand-ins for keyless sign-in: GitHub's OpenID Connect token endpoint (which hands a workflow
// an ID token) and IAM's exchange of that ID token for an IAM token. Both are served without
// SWR authentication, on the emulator's own address.
import { createSign, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto'

const base64url = buffer => Buffer.from(buffer).toString('base64url')

function issueJwt(oidc, audience) {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'emulator' }))
  const now = Math.floor(Date.now() / 1000)
  const claims = {
    iss: 'https://token.actions.githubusercontent.com',
    aud: audience,
    sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
    repository: 'octo-org/octo-repo',
    iat: now,
    nbf: now,
    exp: now + 300
  }
  const payload = base64url(JSON.stringify(claims))
  const signature = createSign('RSA-SHA256')
    .update(`${header}.${payload}`)
    .sign(oidc.keys.privateKey)
  const jwt = `${header}.${payload}.${base64url(signature)}`
  oidc.issued.idTokens.push(jwt)
  return jwt
}

function verifyJwt(oidc, jwt) {
  const parts = String(jwt).split('.')
  if (parts.length !== 3) return undefined
  const ok = createVerify('RSA-SHA256')
    .update(`${parts[0]}.${parts[1]}`)
    .verify(oidc.keys.publicKey, Buffer.from(parts[2], 'base64url'))
  if (!ok) return undefined
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
  return claims.exp * 1000 > Date.now() ? claims : undefined
}

function exchangeIdToken(ctx, call) {
  const { oidc, credentials, regions } = ctx
  const iamError = (status, message) =>
    call.send(status, { error: { code: status, message, title: 'Unauthorized' } })
  const idp = call.req.headers['x-idp-id']
  if (idp !== oidc.idpId) return iamError(404, `identity provider ${idp} not found`)
  let input
  try {
    input = JSON.parse(call.body)
  } catch {
    return iamError(400, 'invalid request body')
  }
  const claims = verifyJwt(oidc, input?.auth?.id_token?.id)
  if (!claims) return iamError(401, 'The id_token is invalid or expired')
  if (claims.aud !== oidc.audience)
    return iamError(401, `The audience ${claims.aud} does not match the identity provider`)
  const project = input?.auth?.scope?.project?.name
  // A token is scoped to one region's project; SWR in another region refuses it.
  if (!regions.known.has(project)) return iamError(400, `project ${project} not found`)
  const token = `MII${randomBytes(96).toString('base64url')}`
  const expires = Date.now() + ctx.settings.iamTokenLifetimeMs
  const account = credentials.accounts.main
  credentials.iamTokens.set(token, { account, expires, project })
  oidc.issued.iamTokens.push(token)
  const body = {
    token: {
      expires_at: new Date(expires).toISOString(),
      methods: ['mapped'],
      // As IAM's answer: the project the token is scoped to, with its id and its account.
      project: {
        name: project,
        id: ctx.projects.idOf(account, project),
        domain: { name: account.name, id: account.domainId }
      }
    }
  }
  return call.send(201, body, { 'X-Subject-Token': token })
}

function githubToken(ctx, call) {
  const { oidc } = ctx
  if (call.req.headers.authorization !== `Bearer ${oidc.requestToken}`)
    return call.send(401, { message: 'bad token' })
  const audience = call.url.searchParams.get('audience') ?? oidc.audience
  return call.send(200, { value: issueJwt(oidc, audience) })
}

/** The identity provider IAM knows, the request token GitHub would give, and what was issued. */
export function createOidc() {
  let keys
  return {
    idpId: 'github-actions',
    audience: 'https://github.com/octo-org',
    requestToken: randomBytes(24).toString('hex'),
    // The issuer's signing key, made on first use: an RSA key takes a fifth of a second of CPU,
    // which most emulators (those no keyless run reaches) would pay for nothing.
    get keys() {
      keys ??= generateKeyPairSync('rsa', { modulusLength: 2048 })
      return keys
    },
    // Every ID token, IAM token and Enterprise Edition docker login token (auth_token)
    // handed out, so that tests can check none of them leaks.
    issued: { idTokens: [], iamTokens: [], instanceTokens: [] }
  }
}

export const oidcRoutes = ctx => [
  {
    method: 'POST',
    path: '/v3.0/OS-AUTH/id-token/tokens',
    auth: false,
    handle: call => exchangeIdToken(ctx, call)
  },
  { method: 'GET', path: '/_github/token', auth: false, handle: call => githubToken(ctx, call) }
]
