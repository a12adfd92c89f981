// IAM users' grants on an organization (.../namespaces/{ns}/access) and on a repository
// (.../repos/{repo}/access), as evidence §5 describes them: bodies are bare JSON arrays of
// {user_id, user_name, auth} (a delete: of user ids); the read answers self_auth (the caller's
// own user, always manage) and others_auths (the caller listed among them too, under the
// default variant, as the API reference's example shows). And IAM's Keystone user list,
// GET /v3/users?name=..., signed like any call, refused with 403 under a variant.
import { randomBytes } from 'node:crypto'
import { send } from './answers.js'
import { authenticate } from './auth.js'
import { findRepository, refuseOrganization, variant } from './resources.js'
import { routesOf } from './router.js'

const AUTHS = [1, 3, 7]
// The codes of OTC's error table: organization / repository.
const CODES = {
  org: { exists: 'SVCSTG.SWR.4090076', missing: 'SVCSTG.SWR.4040078', created: 200 },
  repo: { exists: 'SVCSTG.SWR.4090089', missing: 'SVCSTG.SWR.4040091', created: 201 }
}
const INVALID = 'SVCSTG.SWR.4001065'
const BAD_USER = 'SVCSTG.SWR.4001067'

const newUserId = () => randomBytes(16).toString('hex')

/** IAM's users, global like IAM: each account has its own user (named after it) first. */
export function createIamUsers(accounts) {
  const users = new Map() // id -> { id, name, account }
  const selves = new Map() // account name -> id
  for (const account of Object.values(accounts)) {
    const id = newUserId()
    users.set(id, { id, name: account.name, account })
    selves.set(account.name, id)
  }
  return {
    users,
    /** The account's own user, whose grant is self_auth. */
    selfOf: account => users.get(selves.get(account.name)),
    add(account, name, id = newUserId()) {
      users.set(id, { id, name, account })
      return id
    },
    /** Forgets every user but the accounts' own (clearState). */
    clear() {
      const kept = new Set(selves.values())
      for (const id of [...users.keys()]) if (!kept.has(id)) users.delete(id)
    },
    /** The user of that id in the account, if any. */
    find: (account, id) => {
      const user = users.get(id)
      return user && user.account === account ? user : undefined
    }
  }
}

/** The grants of `key` ("ns" or "ns/repo"): user id -> { user_id, user_name, auth }. */
export function grantsOf(state, key) {
  let grants = state.grants.get(key)
  if (!grants) state.grants.set(key, (grants = new Map()))
  return grants
}

/** Where the call's grants live, or undefined once it has been answered (not found). */
function scopeOf(ctx, call) {
  if (call.params.repository === undefined) {
    const ns = call.params.namespace
    if (refuseOrganization(ctx, call, ns)) return undefined
    const record = ctx.state.namespaces.get(ns)
    return { key: ns, kind: 'org', head: { id: record.id, name: ns, creator_name: record.creator } }
  }
  const found = findRepository(ctx, call)
  if (!found) return undefined
  const { record } = found
  const head = { id: record.id, name: record.name, creator_name: record.creator_name }
  return { key: found.key, kind: 'repo', head }
}

function readGrants(ctx, call) {
  const scope = scopeOf(ctx, call)
  if (!scope) return
  const self = ctx.iamUsers.selfOf(call.account)
  const selfAuth = { user_id: self.id, user_name: self.name, auth: 7 }
  const others = [...grantsOf(ctx.state, scope.key).values()].map(g => ({ ...g }))
  const listed = variant(ctx, 'permissionSelfListed') === 'listed' ? [selfAuth, ...others] : others
  return call.send(200, { ...scope.head, self_auth: selfAuth, others_auths: listed })
}

/** The body's entries if it is a non-empty array of well-formed grants, else answers 400. */
function entriesOf(ctx, call) {
  const input = call.json()
  if (!input) return undefined
  const list = input.value
  const wellFormed = g =>
    g !== null &&
    typeof g === 'object' &&
    typeof g.user_id === 'string' &&
    typeof g.user_name === 'string' &&
    AUTHS.includes(g.auth)
  if (!Array.isArray(list) || list.length === 0 || !list.every(wellFormed)) {
    call.error(400, INVALID)
    return undefined
  }
  if (!list.every(g => ctx.iamUsers.find(call.account, g.user_id) && g.user_name !== '')) {
    call.error(400, BAD_USER)
    return undefined
  }
  return list
}

function createGrants(ctx, call) {
  const scope = scopeOf(ctx, call)
  if (!scope) return
  const list = entriesOf(ctx, call)
  if (!list) return
  const grants = grantsOf(ctx.state, scope.key)
  const self = ctx.iamUsers.selfOf(call.account)
  if (list.some(g => grants.has(g.user_id) || g.user_id === self.id))
    return call.error(409, CODES[scope.kind].exists)
  // Sabotage (convergence tests only): stored one level off (read for write or manage, write for read).
  const stored = auth => (ctx.settings.sabotage === 'grant-level' ? (auth === 1 ? 3 : 1) : auth)
  for (const g of list)
    grants.set(g.user_id, { user_id: g.user_id, user_name: g.user_name, auth: stored(g.auth) })
  const documented = CODES[scope.kind].created
  const chosen = variant(ctx, 'permissionCreateStatus')
  return call.send(chosen === 'documented' ? documented : Number(chosen), {})
}

function updateGrants(ctx, call) {
  const scope = scopeOf(ctx, call)
  if (!scope) return
  const list = entriesOf(ctx, call)
  if (!list) return
  const grants = grantsOf(ctx.state, scope.key)
  if (!list.every(g => grants.has(g.user_id))) return call.error(404, CODES[scope.kind].missing)
  for (const g of list)
    Object.assign(grants.get(g.user_id), { user_name: g.user_name, auth: g.auth })
  return call.send(201, {})
}

function deleteGrants(ctx, call) {
  const scope = scopeOf(ctx, call)
  if (!scope) return
  const input = call.json()
  if (!input) return
  const ids = input.value
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every(id => typeof id === 'string'))
    return call.error(400, INVALID)
  const grants = grantsOf(ctx.state, scope.key)
  // The caller's own entry cannot be removed.
  if (ids.includes(ctx.iamUsers.selfOf(call.account).id)) return call.error(400, INVALID)
  if (!ids.every(id => grants.has(id))) return call.error(404, CODES[scope.kind].missing)
  for (const id of ids) grants.delete(id)
  return call.send(204, undefined)
}

const KEYSTONE_FORBIDDEN = {
  error: {
    code: 403,
    title: 'Forbidden',
    message: 'You are not authorized to perform the requested action: identity:list_users.'
  }
}

/** IAM's KeystoneListUsers: the caller's account's users, by name ("fuzzy": ignoring case, in part). */
function listUsers(ctx, call) {
  const who = authenticate(ctx.credentials, call.req, call.url, call.body)
  if (who.error)
    return send(call.res, 401, { error: { code: 401, title: 'Unauthorized', message: who.error } })
  if (variant(ctx, 'iamUserLookup') === 'refused') return send(call.res, 403, KEYSTONE_FORBIDDEN)
  const name = call.url.searchParams.get('name')
  const fuzzy = variant(ctx, 'iamNameMatch') === 'fuzzy'
  const matches = user =>
    name === null ||
    (fuzzy ? user.name.toLowerCase().includes(name.toLowerCase()) : user.name === name)
  const origin = `https://${call.req.headers.host ?? 'iam.myhuaweicloud.com'}`
  const users = [...ctx.iamUsers.users.values()]
    .filter(u => u.account === who.account && matches(u))
    .map(u => ({
      id: u.id,
      name: u.name,
      domain_id: u.account.domainId,
      enabled: true,
      description: '',
      password_expires_at: null,
      pwd_status: true,
      links: { self: `${origin}/v3/users/${u.id}` }
    }))
  return send(call.res, 200, {
    users,
    links: { self: `${origin}${call.url.pathname}${call.url.search}` }
  })
}

const ORG = '/v2/manage/namespaces/{namespace}/access'
const REPO = '/v2/manage/namespaces/{namespace}/repos/{repository}/access'

export const permissionRoutes = ctx => [
  ...routesOf(ctx, [
    ['GET', ORG, readGrants],
    ['POST', ORG, createGrants],
    ['PATCH', ORG, updateGrants],
    ['DELETE', ORG, deleteGrants],
    ['GET', REPO, readGrants],
    ['POST', REPO, createGrants],
    ['PATCH', REPO, updateGrants],
    ['DELETE', REPO, deleteGrants]
  ]),
  { method: 'GET', path: '/v3/users', auth: false, handle: call => listUsers(ctx, call) }
]
