// An SWR emulator for tests, the local demo and the benchmark. It behaves like the service as
// ../shared/swr-api-notes.md describes: it verifies SDK-HMAC-SHA256 signatures (with the
// official Node SDK's own canonicalisation, so it is independent of src/signer.ts), security
// tokens and IAM tokens; keeps organizations per account with names unique across accounts;
// answers with the documented statuses and error bodies; and can inject faults, latency and a
// consistency lag. It also plays IAM (OpenID Connect token exchange) and GitHub's OIDC token
// endpoint. It listens on loopback only.
import http from 'node:http'
import https from 'node:https'
import {
  createSign,
  createVerify,
  generateKeyPairSync,
  randomBytes,
  timingSafeEqual
} from 'node:crypto'
import sdkSigner from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js'

const { AKSKSigner } = sdkSigner

const CATEGORIES = [
  'app_server',
  'linux',
  'framework_app',
  'database',
  'lang',
  'other',
  'windows',
  'arm'
]
const ORGANIZATION = /^[a-z][a-z0-9]*(?:(?:\.|-|_{1,2})[a-z0-9]+)*$/
const REPOSITORY = /^[a-z0-9]+(?:(?:\.|\/|-|_{1,2})[a-z0-9]+)*$/
const MAX_SKEW_MS = 15 * 60 * 1000

const randomKey = (prefix, length) =>
  (prefix + randomBytes(32).toString('hex').toUpperCase()).slice(0, length)
const base64url = buffer => Buffer.from(buffer).toString('base64url')

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
 * Starts the emulator. Options: region, registry, host, port, httpsPort, tls ({ key, cert }),
 * latencyMs, consistencyLagMs, namespaceQuota, oidcAudience, errorShape ('object' | 'array'),
 * accounts ({ main: { accessKeyId, secretAccessKey } }).
 */
export async function startEmulator(options = {}) {
  const region = options.region ?? 'cn-north-4'
  const registry = options.registry ?? `swr.${region}.myhuaweicloud.com`
  const host = options.host ?? '127.0.0.1'
  if (!/^(127\.|localhost$|::1$)/.test(host))
    throw new Error('the emulator listens on loopback only')

  const accounts = {
    main: newAccount('main', options.accounts?.main),
    other: newAccount('other', options.accounts?.other),
    reader: newAccount('reader', { readOnly: true, ...options.accounts?.reader })
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

  const oidc = {
    idpId: 'github-actions',
    audience: options.oidcAudience ?? 'https://github.com/octo-org',
    requestToken: randomBytes(24).toString('hex'),
    keys: generateKeyPairSync('rsa', { modulusLength: 2048 })
  }
  const iamTokens = new Map()
  // Every ID token and IAM token handed out, so that tests can check none of them leaks.
  const issued = { idTokens: [], iamTokens: [] }

  const state = {
    namespaces: new Map(), // name -> { id, owner, creator }
    repositories: new Map(), // "ns/repo" -> record
    retentions: new Map(), // "ns/repo" -> [{ id, algorithm, rules }]
    nextId: 1
  }
  const settings = {
    latencyMs: options.latencyMs ?? 0,
    consistencyLagMs: options.consistencyLagMs ?? 0,
    namespaceQuota: options.namespaceQuota ?? 5,
    errorShape: options.errorShape ?? 'object'
  }
  const faults = []
  const log = []
  const sockets = new Set()
  let connections = 0

  // ---------- answers ----------
  const send = (res, status, body, headers = {}) => {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)
    res.writeHead(status, {
      'Content-Type': 'application/json;charset=utf-8',
      'X-Request-Id': randomBytes(16).toString('hex'),
      'Content-Length': Buffer.byteLength(text),
      ...headers
    })
    res.end(text)
    return status
  }
  const swrError = (res, status, errorCode, errorMessage) =>
    send(
      res,
      status,
      settings.errorShape === 'array'
        ? [{ errorCode, errorMessage, detail: '' }]
        : { errorCode, errorMessage }
    )
  const gatewayError = (res, status, code, message) =>
    send(res, status, {
      error_code: code,
      error_msg: message,
      request_id: randomBytes(16).toString('hex')
    })

  // ---------- authentication ----------
  function verifySignature(req, url, body) {
    const match =
      /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
        req.headers.authorization ?? ''
      )
    if (!match)
      return { error: 'Incorrect IAM authentication information: unsupported Authorization header' }
    const [, accessKeyId, signedList, signature] = match
    const signed = signedList.split(';')
    if (!signed.includes('x-sdk-date'))
      return { error: 'Incorrect IAM authentication information: x-sdk-date not signed' }
    const headers = {}
    for (const name of signed) {
      const value = req.headers[name]
      if (value === undefined)
        return { error: `Incorrect IAM authentication information: signed header ${name} missing` }
      headers[name] = Array.isArray(value) ? value.join(',') : value
    }
    const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(headers['x-sdk-date'])
    if (!date) return { error: 'Incorrect IAM authentication information: bad x-sdk-date' }
    const time = Date.UTC(+date[1], +date[2] - 1, +date[3], +date[4], +date[5], +date[6])
    if (Math.abs(Date.now() - time) > MAX_SKEW_MS) {
      return {
        error: 'Incorrect IAM authentication information: the request has expired (check the clock)'
      }
    }
    const key = keys.get(accessKeyId)
    if (!key)
      return { error: `Incorrect IAM authentication information: ak ${accessKeyId} not exist` }
    const sentToken = req.headers['x-security-token']
    if (key.securityToken !== undefined) {
      if (!signed.includes('x-security-token') || sentToken !== key.securityToken) {
        return { error: 'Incorrect IAM authentication information: invalid security token' }
      }
    } else if (sentToken !== undefined) {
      return {
        error: 'Incorrect IAM authentication information: security token sent with a permanent key'
      }
    }
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
    const expected = Buffer.from(AKSKSigner.hmacSHA256(key.secretAccessKey, stringToSign))
    if (!timingSafeEqual(expected, Buffer.from(signature))) {
      return { error: 'Incorrect IAM authentication information: verify aksk signature fail' }
    }
    return { account: key.account, kind: key.securityToken ? 'sts' : 'aksk' }
  }

  function authenticate(req, url, body) {
    const token = req.headers['x-auth-token']
    if (token !== undefined) {
      const entry = iamTokens.get(token)
      if (!entry || entry.expires < Date.now())
        return { error: 'Incorrect IAM authentication information: decrypt token fail' }
      return { account: entry.account, kind: 'token' }
    }
    if (req.headers.authorization) return verifySignature(req, url, body)
    return { error: 'Incorrect IAM authentication information: no authentication information' }
  }

  // ---------- JWT for the OIDC stand-ins ----------
  function issueJwt(audience) {
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
    issued.idTokens.push(jwt)
    return jwt
  }
  function verifyJwt(jwt) {
    const parts = String(jwt).split('.')
    if (parts.length !== 3) return undefined
    const ok = createVerify('RSA-SHA256')
      .update(`${parts[0]}.${parts[1]}`)
      .verify(oidc.keys.publicKey, Buffer.from(parts[2], 'base64url'))
    if (!ok) return undefined
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
    return claims.exp * 1000 > Date.now() ? claims : undefined
  }

  // ---------- the service ----------
  const repoRecord = (ns, name, owner, input) => {
    const id = state.nextId++
    const created = new Date().toISOString()
    return {
      id,
      ns_id: state.namespaces.get(ns).id,
      name,
      category: input.category ?? 'other',
      description: input.description ?? '',
      creator_id: owner.domainId,
      creator_name: owner.name,
      size: 0,
      is_public: input.is_public,
      num_images: 0,
      num_download: 0,
      url: '',
      path: `${registry}/${ns}/${name}`,
      internal_path: `${registry.replace(/^swr\./, 'swr-internal.')}/${ns}/${name}`,
      created,
      updated: created,
      domain_id: owner.domainId,
      priority: 0,
      _visibleAt: Date.now() + settings.consistencyLagMs,
      _owner: owner
    }
  }
  const publicRepo = record =>
    Object.fromEntries(Object.entries(record).filter(([k]) => !k.startsWith('_')))
  const ownsNamespace = (account, ns) => state.namespaces.get(ns)?.owner === account

  function parseBody(res, body) {
    try {
      return { value: JSON.parse(body) }
    } catch {
      swrError(res, 400, 'SVCSTG.SWR.4001001', 'Invalid request body: not JSON')
      return undefined
    }
  }

  function checkRepoSettings(res, input, { requirePublic }) {
    if (requirePublic && typeof input.is_public !== 'boolean') {
      return swrError(res, 400, 'SVCSTG.SWR.4001048', 'is_public is required and must be a boolean')
    }
    if (input.is_public !== undefined && typeof input.is_public !== 'boolean') {
      return swrError(res, 400, 'SVCSTG.SWR.4001048', 'is_public must be a boolean')
    }
    if (input.category !== undefined && !CATEGORIES.includes(input.category)) {
      return swrError(res, 400, 'SVCSTG.SWR.4001048', `invalid category ${input.category}`)
    }
    return undefined
  }

  function checkRules(res, input) {
    if (
      !input ||
      input.algorithm !== 'or' ||
      !Array.isArray(input.rules) ||
      input.rules.length === 0
    ) {
      return swrError(
        res,
        400,
        'SVCSTG.SWR.4001048',
        'retention policy must have algorithm "or" and rules'
      )
    }
    for (const rule of input.rules) {
      const okTemplate =
        (rule.template === 'tag_rule' && /^\d+$/.test(rule.params?.num ?? '')) ||
        (rule.template === 'date_rule' && /^\d+$/.test(rule.params?.days ?? ''))
      const okSelectors =
        Array.isArray(rule.tag_selectors) &&
        rule.tag_selectors.every(
          s => ['label', 'regexp'].includes(s.kind) && typeof s.pattern === 'string'
        )
      if (!okTemplate || !okSelectors)
        return swrError(res, 400, 'SVCSTG.SWR.4001048', 'invalid retention rule')
    }
    return undefined
  }

  function route(req, res, url, body, who) {
    const method = req.method
    const path = url.pathname
    const account = who.account
    const write = method !== 'GET'
    if (write && account.readOnly) {
      return swrError(
        res,
        403,
        'SVCSTG.SWR.4030000',
        "Policy doesn't allow swr:*:* to be performed."
      )
    }
    if (write && body && !/^application\/json/.test(req.headers['content-type'] ?? '')) {
      return swrError(res, 400, 'SVCSTG.SWR.4001001', 'Content-Type must be application/json')
    }
    let m
    if (path === '/v2/manage/namespaces' && method === 'POST') {
      const input = parseBody(res, body)
      if (!input) return 400
      const name = input.value?.namespace
      if (typeof name !== 'string' || name.length > 64 || !ORGANIZATION.test(name)) {
        return swrError(res, 400, 'SVCSTG.SWR.4001020', 'Invalid namespace name')
      }
      if (state.namespaces.has(name))
        return swrError(res, 409, 'SVCSTG.SWR.4090060', 'Namespace already exists')
      const owned = [...state.namespaces.values()].filter(n => n.owner === account).length
      if (owned >= settings.namespaceQuota) {
        return swrError(
          res,
          400,
          'SVCSTG.SWR.4000097',
          'The number of namespaces has reached the maximum'
        )
      }
      state.namespaces.set(name, { id: state.nextId++, owner: account, creator: account.name })
      return send(res, 201, {})
    }
    if (path === '/v2/manage/namespaces' && method === 'GET') {
      const filter = /^namespace::(.*)$/.exec(url.searchParams.get('filter') ?? '')?.[1]
      const namespaces = [...state.namespaces.entries()]
        .filter(([name, n]) => n.owner === account && (filter === undefined || name === filter))
        .map(([name, n]) => ({ id: n.id, name, creator_name: n.creator, auth: 7 }))
      return send(res, 200, { namespaces })
    }
    if ((m = /^\/v2\/manage\/namespaces\/([^/]+)$/.exec(path)) && method === 'GET') {
      const ns = decodeURIComponent(m[1])
      if (!ownsNamespace(account, ns))
        return swrError(res, 404, 'SVCSTG.SWR.4040058', 'Namespace not found')
      const n = state.namespaces.get(ns)
      return send(res, 200, { id: n.id, name: ns, creator_name: n.creator, auth: 7 })
    }
    if ((m = /^\/v2\/manage\/namespaces\/([^/]+)\/repos$/.exec(path)) && method === 'POST') {
      const ns = decodeURIComponent(m[1])
      const input = parseBody(res, body)
      if (!input) return 400
      const v = input.value ?? {}
      if (
        typeof v.repository !== 'string' ||
        v.repository.length > 128 ||
        !REPOSITORY.test(v.repository)
      ) {
        return swrError(res, 400, 'SVCSTG.SWR.4001048', 'Invalid repository name')
      }
      const bad = checkRepoSettings(res, v, { requirePublic: true })
      if (bad) return bad
      if (!ownsNamespace(account, ns))
        return swrError(res, 404, 'SVCSTG.SWR.4040058', 'Namespace not found')
      const key = `${ns}/${v.repository}`
      if (state.repositories.has(key))
        return swrError(res, 409, 'SVCSTG.SWR.4090006', 'Repository already exists')
      state.repositories.set(key, repoRecord(ns, v.repository, account, v))
      return send(res, 201, {})
    }
    if (
      (m = /^\/v2\/manage\/namespaces\/([^/]+)\/repos\/([^/]+)(\/retentions(?:\/(\d+))?)?$/.exec(
        path
      ))
    ) {
      const ns = decodeURIComponent(m[1])
      const name = decodeURIComponent(m[2]).replace(/\$/g, '/')
      const key = `${ns}/${name}`
      const record = ownsNamespace(account, ns) ? state.repositories.get(key) : undefined
      if (!record || record._visibleAt > Date.now()) {
        return swrError(res, 404, 'SVCSTG.SWR.4040055', 'Repository not found')
      }
      if (!m[3]) {
        if (method === 'GET') return send(res, 200, publicRepo(record))
        if (method === 'PATCH') {
          const input = parseBody(res, body)
          if (!input) return 400
          const bad = checkRepoSettings(res, input.value ?? {}, { requirePublic: true })
          if (bad) return bad
          for (const field of ['is_public', 'category', 'description']) {
            if (input.value[field] !== undefined) record[field] = input.value[field]
          }
          record.updated = new Date().toISOString()
          return send(res, 201, {})
        }
        if (method === 'DELETE') {
          state.repositories.delete(key)
          state.retentions.delete(key)
          return send(res, 204, undefined)
        }
      } else {
        const policies = state.retentions.get(key) ?? []
        const id = m[4] === undefined ? undefined : Number(m[4])
        if (id === undefined && method === 'GET') return send(res, 200, policies)
        if (id === undefined && method === 'POST') {
          const input = parseBody(res, body)
          if (!input) return 400
          const bad = checkRules(res, input.value)
          if (bad) return bad
          const policy = {
            id: state.nextId++,
            algorithm: 'or',
            rules: input.value.rules,
            scope: ''
          }
          state.retentions.set(key, [...policies, policy])
          return send(res, 201, { id: policy.id })
        }
        const policy = policies.find(p => p.id === id)
        if (id !== undefined && !policy)
          return swrError(res, 404, 'SVCSTG.SWR.4040080', 'Retention policy not found')
        if (policy && method === 'PATCH') {
          const input = parseBody(res, body)
          if (!input) return 400
          const bad = checkRules(res, input.value)
          if (bad) return bad
          if (
            input.value.rules.some(
              (r, i) => policy.rules[i] && policy.rules[i].template !== r.template
            )
          ) {
            return swrError(
              res,
              400,
              'SVCSTG.SWR.4001048',
              'The template of a retention rule cannot be changed'
            )
          }
          policy.rules = input.value.rules
          return send(res, 201, {})
        }
        if (policy && method === 'DELETE') {
          state.retentions.set(
            key,
            policies.filter(p => p !== policy)
          )
          return send(res, 200, {})
        }
      }
    }
    if (path === '/v2/manage/repos' && method === 'GET') {
      const ns = url.searchParams.get('namespace') ?? ''
      const name = url.searchParams.get('name') ?? ''
      const list = [...state.repositories.entries()]
        .filter(
          ([key, r]) =>
            r._owner === account && key.split('/')[0].includes(ns) && r.name.includes(name)
        )
        .map(([, r]) => publicRepo(r))
      return send(res, 200, list)
    }
    if (path === '/v2/manage/utils/secret' && method === 'POST') {
      const project = url.searchParams.get('projectname')
      if (project !== region)
        return swrError(res, 400, 'SVCSTG.SWR.4001048', `unknown projectname ${project}`)
      const auth = Buffer.from(
        `${region}@${randomKey('TMPLOGIN', 20)}:${randomBytes(32).toString('hex')}`
      ).toString('base64')
      return send(res, 200, { auths: { [registry]: { auth } } })
    }
    return swrError(res, 404, 'SVCSTG.SWR.4040000', `No route for ${method} ${path}`)
  }

  function iam(req, res, url, body) {
    if (url.pathname !== '/v3.0/OS-AUTH/id-token/tokens' || req.method !== 'POST') return undefined
    const iamError = (status, message) =>
      send(res, status, { error: { code: status, message, title: 'Unauthorized' } })
    if (req.headers['x-idp-id'] !== oidc.idpId)
      return iamError(404, `identity provider ${req.headers['x-idp-id']} not found`)
    let input
    try {
      input = JSON.parse(body)
    } catch {
      return iamError(400, 'invalid request body')
    }
    const claims = verifyJwt(input?.auth?.id_token?.id)
    if (!claims) return iamError(401, 'The id_token is invalid or expired')
    if (claims.aud !== oidc.audience)
      return iamError(401, `The audience ${claims.aud} does not match the identity provider`)
    const project = input?.auth?.scope?.project?.name
    if (project !== region) return iamError(400, `project ${project} not found`)
    const token = `MII${randomBytes(96).toString('base64url')}`
    iamTokens.set(token, { account: accounts.main, expires: Date.now() + 3600_000 })
    issued.iamTokens.push(token)
    return send(
      res,
      201,
      {
        token: {
          expires_at: new Date(Date.now() + 3600_000).toISOString(),
          methods: ['mapped'],
          project: { name: region }
        }
      },
      { 'X-Subject-Token': token }
    )
  }

  function githubOidc(req, res, url) {
    if (url.pathname !== '/_github/token' || req.method !== 'GET') return undefined
    if (req.headers.authorization !== `Bearer ${oidc.requestToken}`)
      return send(res, 401, { message: 'bad token' })
    return send(res, 200, { value: issueJwt(url.searchParams.get('audience') ?? oidc.audience) })
  }

  // ---------- faults ----------
  function takeFault(req, url) {
    const index = faults.findIndex(
      f =>
        (f.method === undefined || f.method === req.method) &&
        (f.path === undefined ||
          (f.path instanceof RegExp ? f.path.test(url.pathname) : f.path === url.pathname))
    )
    if (index < 0) return undefined
    const fault = faults[index]
    fault.times = (fault.times ?? 1) - 1
    if (fault.times <= 0) faults.splice(index, 1)
    return fault
  }

  function applyFault(fault, req, res) {
    switch (fault.kind) {
      case 'reset':
        req.socket.destroy()
        return 'reset'
      case 'hang':
        return 'hang'
      case 'truncate': {
        const text =
          fault.body ?? '{"name":"app","is_public":false,"category":"other","path":"swr.example/x"}'
        res.writeHead(fault.status ?? 200, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(text)
        })
        res.write(text.slice(0, Math.floor(text.length / 2)))
        setImmediate(() => req.socket.destroy())
        return 'truncate'
      }
      case 'html':
        return send(
          res,
          fault.status ?? 502,
          fault.body ??
            '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>',
          { 'Content-Type': 'text/html' }
        )
      case 'empty':
        return send(res, fault.status ?? 200, '')
      case 'status':
        return send(res, fault.status ?? 500, fault.body ?? {}, fault.headers ?? {})
      default:
        throw new Error(`unknown fault kind ${fault.kind}`)
    }
  }

  // ---------- the server ----------
  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))
  async function handle(req, res) {
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const body = Buffer.concat(chunks).toString('utf8')
    const url = new URL(req.url, 'http://emulator')
    const entry = {
      method: req.method,
      path: url.pathname,
      rawPath: req.url.split('?')[0],
      query: url.search,
      connection: req.socket._emulatorId,
      status: 0,
      auth: 'none',
      account: undefined,
      at: Date.now()
    }
    log.push(entry)
    if (settings.latencyMs > 0) await sleep(settings.latencyMs)
    const fault = takeFault(req, url)
    if (fault?.delayMs) await sleep(fault.delayMs)
    if (fault?.kind === 'lose-answer') {
      // The request is carried out, but the connection drops before the answer leaves.
      const who = authenticate(req, url, body)
      const discard = { writeHead() {}, end() {}, headersSent: false }
      entry.status = who.error ? 401 : route(req, discard, url, body, who)
      entry.fault = fault.kind
      req.socket.destroy()
      return
    }
    if (fault && fault.kind !== 'delay') {
      entry.status = applyFault(fault, req, res)
      entry.fault = fault.kind
      return
    }
    const special = githubOidc(req, res, url) ?? iam(req, res, url, body)
    if (special !== undefined) {
      entry.status = special
      return
    }
    const who = authenticate(req, url, body)
    if (who.error) {
      entry.status = gatewayError(res, 401, 'APIGW.0301', who.error)
      return
    }
    entry.auth = who.kind
    entry.account = who.account.name
    entry.status = route(req, res, url, body, who)
  }

  const onRequest = (req, res) => {
    handle(req, res).catch(err => {
      if (!res.headersSent)
        send(res, 500, { errorCode: 'SVCSTG.SWR.5000000', errorMessage: String(err) })
    })
  }
  const track = socket => {
    socket._emulatorId = ++connections
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  }
  const listen = server =>
    new Promise((resolve, reject) => {
      server.on('connection', track)
      server.on('secureConnection', socket => {
        socket._emulatorId = socket._parent?._emulatorId ?? socket._emulatorId
      })
      server.once('error', reject)
      server.listen(
        server === httpsServer ? (options.httpsPort ?? 0) : (options.port ?? 0),
        host,
        () => resolve(server.address().port)
      )
    })

  const httpServer = http.createServer({ keepAliveTimeout: 5000 }, onRequest)
  const httpsServer = options.tls
    ? https.createServer({ ...options.tls, keepAliveTimeout: 5000 }, onRequest)
    : undefined
  const port = await listen(httpServer)
  const httpsPort = httpsServer ? await listen(httpsServer) : undefined
  const hostPart = host.includes(':') ? `[${host}]` : host
  const url = `http://${hostPart}:${port}`

  return {
    url,
    httpsUrl: httpsPort ? `https://${hostPart}:${httpsPort}` : undefined,
    port,
    httpsPort,
    region,
    registry,
    accounts,
    sts,
    oidc: {
      idpId: oidc.idpId,
      audience: oidc.audience,
      requestUrl: `${url}/_github/token?api-version=2.0`,
      requestToken: oidc.requestToken
    },
    state,
    settings,
    log,
    issued,
    get connections() {
      return connections
    },
    /**
     * Injects a fault for the next `times` matching requests (method, path string or RegExp):
     * kind 'status' (status, body, headers), 'html', 'empty', 'truncate', 'reset', 'hang',
     * 'lose-answer' (carried out, answer lost) or 'delay' (delayMs, then answered normally).
     */
    inject(fault) {
      faults.push({ times: 1, ...fault })
    },
    clearFaults() {
      faults.length = 0
    },
    resetLog() {
      log.length = 0
      connections = 0
    },
    addNamespace(name, owner = 'main') {
      state.namespaces.set(name, { id: state.nextId++, owner: accounts[owner], creator: owner })
    },
    addRepository(ns, name, input = {}, owner = 'main') {
      if (!state.namespaces.has(ns)) this.addNamespace(ns, owner)
      const record = repoRecord(ns, name, accounts[owner], {
        is_public: false,
        category: 'other',
        ...input
      })
      record._visibleAt = 0
      state.repositories.set(`${ns}/${name}`, record)
    },
    repository(ns, name) {
      const record = state.repositories.get(`${ns}/${name}`)
      return record ? publicRepo(record) : undefined
    },
    retentions(ns, name) {
      return state.retentions.get(`${ns}/${name}`) ?? []
    },
    close() {
      for (const socket of sockets) socket.destroy()
      return Promise.all(
        [httpServer, httpsServer]
          .filter(Boolean)
          .map(s => new Promise(resolve => s.close(() => resolve())))
      )
    }
  }
}
