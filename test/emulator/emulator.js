// An SWR emulator for tests, the local demo and the benchmark. It behaves like the service as
// docs/swr-service.md describes, and listens on loopback only.
//
// - auth.js: accounts; SDK-HMAC-SHA256 signatures (checked with the official Node SDK's own
//   canonicalisation, so independent of src/http/signer.ts), security tokens, IAM tokens.
// - oidc.js: IAM's OpenID Connect token exchange and GitHub's OIDC token endpoint.
// - swr.js, retentions.js: the standard edition's routes, with the published statuses and codes.
//   Organizations are kept per account, their names unique across accounts.
// - sharing.js, sync.js: sharing a repository with other accounts; auto-sync rules to another
//   region, and the regions they may target.
// - regions.js: one SWR per region, chosen by the Host header (swr-api.{region}.{domain}, as
//   requests through the test CONNECT proxy carry it), else the default `region`. Accounts and
//   keys are global. `emulator.inRegion(name)` gives the same helpers for another region.
// - variants.js: every behaviour the notes leave unsettled, chosen per emulator (`variants`
//   option, or `emulator.variants` at any time); VARIANTS lists each value, the default first.
// - answers.js: error bodies in the live shape (default) or an older one (`errorShape`); the
//   API gateway's own errors (APIGW.0301 on bad credentials, APIGW.0101 for a path that is no API).
//   auth.js also locks an access key after five failed signatures in a row, for five minutes,
//   and refuses an expired IAM token as the expiredToken variant says.
// - faults.js: injected faults (status, html, empty, truncate, reset, hang, lose-answer,
//   overtaken, drip, delay), latency and a consistency lag; hostile.js: a hostile SWR's answers (text that
//   tries to start workflow commands or markup, oversized bodies, another record).
// - router.js: how a route module is written; a new service is one more entry in ROUTE_MODULES.
// - permissions.js: IAM users' grants on organizations and repositories (.../access), and IAM's
//   user list GET /v3/users?name=... (each account has its own user, named after it).
// - projects.js: IAM projects (one per account and region, with a stable id) and IAM's
//   GET /v3/projects?name={region}.
// - enterprise.js, enterprise-namespaces.js, enterprise-fixtures.js: SWR Enterprise Edition
//   instances in a project, their namespaces and pushed repositories, temporary docker logins;
//   enterprise-policies.js: their retention policies and immutable tag rules.
import http from 'node:http'
import https from 'node:https'
import { ANSWERED_CODE, gatewayError, noSuchApi, send } from './answers.js'
import { IAM_TOKEN_LIFETIME_MS, authenticate, createCredentials } from './auth.js'
import { enterpriseError, instanceOwnRoutes } from './enterprise.js'
import { enterpriseFixtures } from './enterprise-fixtures.js'
import { namespaceRoutes } from './enterprise-namespaces.js'
import { policyRoutes } from './enterprise-policies.js'
import { answerWithFault, createFaults } from './faults.js'
import { createOidc, oidcRoutes } from './oidc.js'
import { createProjects, projectRoutes } from './projects.js'
import { createRegions, regionFromHost } from './regions.js'
import { addNamespaceRecord, createState, newRepository, publicRepository } from './resources.js'
import { addPolicy, retentionRoutes } from './retentions.js'
import { createCall, createRouter } from './router.js'
import { addSharingRecord, sharingRoutes } from './sharing.js'
import { createIamUsers, grantsOf, permissionRoutes } from './permissions.js'
import { swrRoutes } from './swr.js'
import { addRuleRecord, syncRoutes } from './sync.js'
import {
  ACCESS_VARIANTS,
  AUTH_VARIANTS,
  ENTERPRISE_VARIANTS,
  ERROR_SHAPES,
  PERMISSION_VARIANTS,
  VARIANTS,
  createVariants
} from './variants.js'

export {
  ACCESS_VARIANTS,
  AUTH_VARIANTS,
  ENTERPRISE_VARIANTS,
  ERROR_SHAPES,
  PERMISSION_VARIANTS,
  VARIANTS
}
export { DEFAULT_REGIONS } from './regions.js'
export { FIELDS as HOSTILE_FIELDS, HOSTILE_HEADER, HOSTILE_TEXT } from './hostile.js'
export { INSTANCE_STATUSES } from './enterprise.js'

const ROUTE_MODULES = [
  oidcRoutes,
  projectRoutes,
  swrRoutes,
  retentionRoutes,
  sharingRoutes,
  syncRoutes,
  permissionRoutes,
  instanceOwnRoutes,
  namespaceRoutes,
  policyRoutes
]

/**
 * One request as the emulator saw it.
 * @typedef {object} LogEntry
 * @property {string} method
 * @property {string} path decoded
 * @property {string} rawPath as sent, e.g. with "$" for "/" in a repository name
 * @property {string} query "" or "?..."
 * @property {number} connection which connection carried it (1, 2, ... since resetLog)
 * @property {string | undefined} host its Host header
 * @property {string} region the region whose SWR answered it (from host, else the default)
 * @property {number | string} status the status answered (or that a lost answer had), or
 *   'reset' | 'hang' | 'truncate' for those faults
 * @property {string | undefined} code the error code answered (SVCSTG.SWR.*, APIGW.*)
 * @property {string} auth 'none' | 'aksk' | 'sts' | 'token'
 * @property {string | undefined} account the account name it acted for
 * @property {number} at when it arrived (ms since the epoch)
 * @property {string} [fault] the kind of fault injected into it
 */

/**
 * Deliberately wrong behaviours, for the tests that show the convergence properties can fail
 * (test/fuzz/convergence.js): a retention policy create stored twice ('double-write') or not at
 * all although answered 201 ('drop-write'); a repository read that shows another category than
 * the one stored ('misreport'); an IAM user's grant created at another level than the one sent
 * ('grant-level'). Never the real service's behaviour.
 */
export const SABOTAGE = Object.freeze([
  'none',
  'double-write',
  'drop-write',
  'misreport',
  'grant-level'
])

function createSettings(options) {
  const settings = {
    latencyMs: options.latencyMs ?? 0,
    consistencyLagMs: options.consistencyLagMs ?? 0,
    namespaceQuota: 5,
    repositoryQuota: options.repositoryQuota ?? Infinity,
    errorShape: options.errorShape ?? 'live',
    /** How long an IAM token from the OpenID Connect exchange lasts (IAM documents 24 h). */
    iamTokenLifetimeMs: options.iamTokenLifetimeMs ?? IAM_TOKEN_LIFETIME_MS,
    /** How long a temporary docker login lasts (the docs say 24 h in one place, 6 h in another). */
    dockerLoginLifetimeMs: 24 * 3600_000,
    /** One of SABOTAGE; the convergence fuzzing sets it. */
    sabotage: 'none'
  }
  if (!ERROR_SHAPES.includes(settings.errorShape))
    throw new Error(`errorShape must be one of ${ERROR_SHAPES.join(', ')}`)
  return settings
}

/** Authenticates an SWR call, then answers it, unless the account may not write. */
async function serve(ctx, route, call, entry) {
  const who = authenticate(
    ctx.credentials,
    call.req,
    call.url,
    call.body,
    ctx.variants.expiredToken
  )
  if (who.swr) return call.error(401, who.code, who.error)
  if (who.error) return gatewayError(call.res, 401, who.code ?? 'APIGW.0301', who.error)
  if (who.project !== undefined && who.project !== entry.region) {
    const message = `Incorrect IAM authentication information: the token is scoped to project ${who.project}, not ${entry.region}`
    return gatewayError(call.res, 401, 'APIGW.0301', message)
  }
  entry.auth = who.kind
  entry.account = who.account.name
  call.account = who.account
  const write = call.method !== 'GET'
  if (write && who.account.readOnly) return call.error(403, 'SVCSTG.SWR.4030000')
  if (write && call.body && !/^application\/json/.test(call.req.headers['content-type'] ?? ''))
    return call.error(400, 'SVCSTG.SWR.4000014', 'Content-Type must be application/json')
  return route.handle(call)
}

/** The context as seen from one region: its name, registry and state replace the default's. */
const scopeOf = (ctx, region) => ({ ...ctx, ...ctx.regions.get(region) })

/** Carries a request out, answering on `res` (real, or a stand-in that keeps the answer). */
async function carryOut(ctx, request, res, entry) {
  const { req, url, body } = request
  const found = ctx.router.match(req.method, url.pathname)
  if (!found) {
    noSuchApi(res)
  } else {
    const { params } = found
    const scope = scopeOf(ctx, request.region)
    const call = createCall({ req, res, url, body, params, settings: ctx.settings, scope })
    // Enterprise Edition errors have their own shape, the gateway's checks in serve() included.
    if (found.route.enterprise) call.error = (...args) => enterpriseError(res, ...args)
    if (found.route.auth === false) await found.route.handle(call)
    else await serve(ctx, found.route, call, entry)
  }
  return { status: res.statusCode, code: res[ANSWERED_CODE] }
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

async function handle(ctx, req, res) {
  const chunks = []
  for await (const chunk of req) chunks.push(chunk)
  const request = {
    req,
    url: new URL(req.url, 'http://emulator'),
    body: Buffer.concat(chunks).toString('utf8'),
    region: regionFromHost(req.headers.host) ?? ctx.region
  }
  /** @type {LogEntry} */
  const entry = {
    method: req.method,
    path: request.url.pathname,
    rawPath: req.url.split('?')[0],
    query: request.url.search,
    connection: req.socket._emulatorId,
    host: req.headers.host,
    region: request.region,
    status: 0,
    code: undefined,
    auth: 'none',
    account: undefined,
    at: Date.now()
  }
  ctx.log.push(entry)
  if (ctx.settings.latencyMs > 0) await sleep(ctx.settings.latencyMs)
  const fault = ctx.faults.take(req.method, request.url.pathname, request.url.search)
  if (fault?.delayMs) await sleep(fault.delayMs)
  const run = target => carryOut(ctx, request, target, entry)
  const faulty = fault !== undefined && fault.kind !== 'delay'
  const outcome = faulty ? await answerWithFault(fault, req, res, run) : await run(res)
  entry.status = outcome.status
  entry.code = outcome.code
  if (faulty) entry.fault = fault.kind
}

async function listen(options, host, onRequest) {
  const sockets = new Set()
  const counter = { connections: 0 }
  const open = (server, port) =>
    new Promise((resolve, reject) => {
      server.on('connection', socket => {
        socket._emulatorId = ++counter.connections
        sockets.add(socket)
        socket.on('close', () => sockets.delete(socket))
      })
      server.on('secureConnection', socket => {
        socket._emulatorId = socket._parent?._emulatorId ?? socket._emulatorId
      })
      server.once('error', reject)
      server.listen(port ?? 0, host, () => resolve(server.address().port))
    })
  const httpServer = http.createServer({ keepAliveTimeout: 5000 }, onRequest)
  const httpsServer = options.tls
    ? https.createServer({ ...options.tls, keepAliveTimeout: 5000 }, onRequest)
    : undefined
  const port = await open(httpServer, options.port)
  const httpsPort = httpsServer ? await open(httpsServer, options.httpsPort) : undefined
  const close = () => {
    for (const socket of sockets) socket.destroy()
    return Promise.all(
      [httpServer, httpsServer]
        .filter(Boolean)
        .map(s => new Promise(resolve => s.close(() => resolve())))
    )
  }
  return { port, httpsPort, counter, close }
}

/** A repository of a region's state, for the helpers; throws when there is none. */
function repositoryFor(helper, state, ns, name) {
  const record = state.repositories.get(`${ns}/${name}`)
  if (!record) throw new Error(`${helper}: no repository ${ns}/${name}`)
  return record
}

/** The helpers for sharing and auto-sync rules; each takes a last { region } option. */
function replicationFixtures(ctx, scope) {
  // The state of the region a { region } option names, or of this helper's own region.
  const stateOf = (options = {}) => (options.region ? scopeOf(ctx, options.region) : scope).state
  return {
    /** Shares a repository with an account (read, forever unless said otherwise). */
    addSharing(ns, name, sharing, options = {}) {
      const state = stateOf(options)
      const record = repositoryFor('addSharing', state, ns, name)
      const input = { permit: 'read', deadline: 'forever', ...sharing }
      return addSharingRecord(state, `${ns}/${name}`, record, record._owner, input)
    },
    /** The repository's sharings as stored (deadline as sent), without `status`. */
    sharing(ns, name, options = {}) {
      const sharings = stateOf(options).sharing.get(`${ns}/${name}`)
      return [...(sharings?.values() ?? [])].map(sharing => ({ ...sharing }))
    },
    /** Adds an auto-sync rule ({ remoteRegionId, remoteNamespace, syncAuto, override }). */
    addSyncRule(ns, name, rule, options = {}) {
      const state = stateOf(options)
      const record = repositoryFor('addSyncRule', state, ns, name)
      return addRuleRecord(state, `${ns}/${name}`, record, { syncAuto: true, ...rule })
    },
    /** The repository's auto-sync rules as stored (the flag always named syncAuto). */
    syncRules(ns, name, options = {}) {
      return (stateOf(options).syncRules.get(`${ns}/${name}`) ?? []).map(rule => ({ ...rule }))
    }
  }
}

/** The helpers tests use to set the scene and to look at the result, in one region. */
function fixtures(ctx, scope) {
  const { state } = scope
  const accounts = ctx.credentials.accounts
  return {
    addNamespace(name, owner = 'main') {
      addNamespaceRecord(state, name, accounts[owner])
    },
    /** { id, name, owner (an account name), creator_name } of an organization, or undefined. */
    namespace(name) {
      const record = state.namespaces.get(name)
      if (!record) return undefined
      return { id: record.id, name, owner: record.owner.name, creator_name: record.creator }
    },
    addRepository(ns, name, input = {}, owner = 'main') {
      if (!state.namespaces.has(ns)) addNamespaceRecord(state, ns, accounts[owner])
      const record = newRepository(scope, ns, name, accounts[owner], {
        is_public: false,
        category: 'other',
        ...input
      })
      record._visibleAt = 0
      // Images pushed to it (no call of the action pushes; the count is what reads show).
      if (input.num_images !== undefined) record.num_images = input.num_images
      // A repository SWR refuses to delete: "status-code", e.g. "406-4060012" or "403-4030170".
      if (input.refuseDelete !== undefined) record._refuseDelete = input.refuseDelete
      state.repositories.set(`${ns}/${name}`, record)
    },
    repository(ns, name) {
      const record = state.repositories.get(`${ns}/${name}`)
      return record ? publicRepository(record) : undefined
    },
    /** Adds a retention policy (whatever secondRetention says) and returns it. */
    addRetention(ns, name, rules) {
      repositoryFor('addRetention', state, ns, name)
      return addPolicy(state, `${ns}/${name}`, rules)
    },
    retentions(ns, name) {
      return state.retentions.get(`${ns}/${name}`) ?? []
    },
    ...replicationFixtures(ctx, scope),
    ...permissionFixtures(ctx, scope)
  }
}

/** IAM users and their grants: `repository` undefined means the organization's. */
function permissionFixtures(ctx, scope) {
  const accounts = ctx.credentials.accounts
  const keyOf = (ns, repository) => (repository === undefined ? ns : `${ns}/${repository}`)
  return {
    /** Adds an IAM user to the account and returns its id. */
    addIamUser(name, owner = 'main', id) {
      return ctx.iamUsers.add(accounts[owner], name, id)
    },
    /** Renames an IAM user; its id stays. */
    renameIamUser(id, name) {
      ctx.iamUsers.users.get(id).name = name
    },
    /** The account's own IAM user: { id, name }. */
    selfUser(owner = 'main') {
      const { id, name } = ctx.iamUsers.selfOf(accounts[owner])
      return { id, name }
    },
    /** Grants a user (by id, with the name given) a level: auth 1, 3 or 7. */
    addGrant(ns, repository, grant) {
      const { user_id, user_name, auth } = grant
      grantsOf(scope.state, keyOf(ns, repository)).set(user_id, { user_id, user_name, auth })
    },
    /** The grants stored, sorted by user name: [{ user_id, user_name, auth }]. */
    grants(ns, repository) {
      const stored = scope.state.grants.get(keyOf(ns, repository))
      return [...(stored?.values() ?? [])]
        .map(g => ({ ...g }))
        .sort((a, b) => a.user_name.localeCompare(b.user_name))
    }
  }
}

/** The same helpers for another region, with that region's name, registry and state. */
function regionView(ctx, region) {
  const scope = scopeOf(ctx, region)
  return { region, registry: scope.registry, state: scope.state, ...fixtures(ctx, scope) }
}

/**
 * Empties every region's SWR (the objects stay, so `emulator.state` still is the default's);
 * each account keeps its first project of each region, with its id. Locked keys are unlocked.
 */
function clearState(ctx) {
  ctx.credentials.failures.clear()
  for (const { state } of ctx.regions.all()) Object.assign(state, createState())
  ctx.projects.clearExtras()
  ctx.iamUsers.clear()
}

/** Faults and the request log, for tests (spread: so no getters here). */
function controls(ctx, server) {
  return {
    /**
     * Injects a fault for the next `times` matching requests (method, path string or RegExp):
     * kind 'status' (status, body, headers), 'html', 'empty', 'truncate', 'reset', 'hang',
     * 'lose-answer' (carried out, then the connection drops without a byte of the answer),
     * 'overtaken' (carried out twice, the second answered: a concurrent run's DELETE first),
     * 'drip' (headers at once, then the body a byte every intervalMs, 1000 by default) or
     * 'delay' (delayMs, then answered normally). Any kind may also have a delayMs. A hostile
     * SWR (hostile.js): 'inject' (HOSTILE_TEXT appended to the answer's text fields, headers
     * set to HOSTILE_HEADER), 'rewrite' (a patch merged into the answer: another record) and
     * 'oversize' (a body of `bytes`, streamed; with or without Content-Length).
     */
    inject(fault) {
      ctx.faults.inject(fault)
    },
    clearFaults() {
      ctx.faults.clear()
    },
    resetLog() {
      ctx.log.length = 0
      server.counter.connections = 0
    }
  }
}

function createContext(options) {
  const region = options.region ?? 'cn-north-4'
  const regions = createRegions(options, region)
  const credentials = createCredentials(options.accounts)
  const { registry, state } = regions.get(region)
  const ctx = {
    region,
    registry,
    state,
    regions,
    credentials,
    // The account names sharing accepts: the emulator's own accounts and any a test adds.
    knownAccounts: new Set([
      ...Object.values(credentials.accounts).map(account => account.name),
      ...(options.knownAccounts ?? [])
    ]),
    oidc: createOidc(),
    projects: createProjects(),
    iamUsers: createIamUsers(credentials.accounts),
    settings: createSettings(options),
    variants: createVariants(options.variants),
    router: createRouter(),
    faults: createFaults(),
    log: /** @type {LogEntry[]} */ ([])
  }
  for (const routes of ROUTE_MODULES) ctx.router.add(routes(ctx))
  return ctx
}

/**
 * Starts the emulator. Options: region (the default region, cn-north-4), registry (the default
 * region's), regions (those auto-sync may target: DEFAULT_REGIONS), knownAccounts (account names
 * sharing accepts besides main, other and reader), host, port, httpsPort, tls ({ key, cert }),
 * latencyMs, consistencyLagMs, repositoryQuota (unlimited), iamTokenLifetimeMs (24 h),
 * errorShape ('live' | 'object' | 'array' | 'errors'), variants ({ name: value } of VARIANTS),
 * accounts ({ main: { accessKeyId, secretAccessKey } }). `settings` and `variants` on the
 * returned object can be changed while it runs; namespaceQuota (5), dockerLoginLifetimeMs (24 h)
 * and sabotage (one of SABOTAGE) are settings only. The helpers act on the default region;
 * `inRegion(name)` has the same ones for another region. The Enterprise Edition helpers
 * (enterprise-fixtures.js: projectId, addProject, addInstance, addInstanceNamespace, push,
 * addInstanceRetention, addImmutableRule, instanceState) name their region themselves.
 */
export async function startEmulator(options = {}) {
  const host = options.host ?? '127.0.0.1'
  if (!/^(127\.|localhost$|::1$)/.test(host))
    throw new Error('the emulator listens on loopback only')
  const ctx = createContext(options)
  const { region } = ctx

  const onRequest = (req, res) => {
    handle(ctx, req, res).catch(err => {
      if (!res.headersSent)
        send(res, 500, { errorCode: 'SVCSTG.SWR.5000000', errorMessage: String(err) })
    })
  }
  const server = await listen(options, host, onRequest)
  const hostPart = host.includes(':') ? `[${host}]` : host
  const url = `http://${hostPart}:${server.port}`
  const { accounts, sts } = ctx.credentials
  const { oidc } = ctx

  return {
    url,
    httpsUrl: server.httpsPort ? `https://${hostPart}:${server.httpsPort}` : undefined,
    port: server.port,
    httpsPort: server.httpsPort,
    region,
    registry: ctx.registry,
    accounts,
    sts,
    oidc: {
      idpId: oidc.idpId,
      audience: oidc.audience,
      requestUrl: `${url}/_github/token?api-version=2.0`,
      requestToken: oidc.requestToken
    },
    state: ctx.state,
    regions: ctx.regions.known,
    knownAccounts: ctx.knownAccounts,
    settings: ctx.settings,
    variants: ctx.variants,
    log: ctx.log,
    issued: oidc.issued,
    get connections() {
      return server.counter.connections
    },
    ...controls(ctx, server),
    ...fixtures(ctx, scopeOf(ctx, region)),
    ...enterpriseFixtures(ctx),
    inRegion: name => regionView(ctx, name),
    clearState: () => clearState(ctx),
    close: server.close
  }
}
