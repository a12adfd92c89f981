// The SWR resources the emulator keeps, and the look-ups every route module shares: who may
// see an organization (names are unique per region across accounts), and which repository a
// path names, answered as the variants in force say when the caller may not see it.
import { checkVariant, statusAndCode } from './variants.js'

export function createState() {
  return {
    namespaces: new Map(), // name -> { id, owner, creator }
    repositories: new Map(), // "ns/repo" -> record (fields starting with _ are not shown)
    retentions: new Map(), // "ns/repo" -> [{ id, algorithm, rules, scope }]
    sharing: new Map(), // "ns/repo" -> Map(account name -> sharing record)
    syncRules: new Map(), // "ns/repo" -> [{ id, remoteRegionId, remoteNamespace, ... }]
    grants: new Map(), // "ns" or "ns/repo" -> Map(user id -> { user_id, user_name, auth })
    instances: new Map(), // Enterprise Edition instance id -> its data (enterprise.js)
    nextId: 1
  }
}

/** The value of a variant, checked again because tests change emulator.variants at will. */
export function variant(ctx, name) {
  const value = ctx.variants[name]
  checkVariant(name, value)
  return value
}

export function addNamespaceRecord(state, name, owner) {
  const record = { id: state.nextId++, owner, creator: owner.name }
  state.namespaces.set(name, record)
  return record
}

export function newRepository(ctx, ns, name, owner, input) {
  const { state, settings, registry } = ctx
  const created = new Date().toISOString()
  return {
    id: state.nextId++,
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
    _namespace: ns,
    _visibleAt: Date.now() + settings.consistencyLagMs,
    _owner: owner
  }
}

export const publicRepository = record =>
  Object.fromEntries(Object.entries(record).filter(([k]) => !k.startsWith('_')))

/** 'own', 'missing', or 'foreign' (another account owns it). */
export function organizationAccess(state, account, ns) {
  const record = state.namespaces.get(ns)
  return !record ? 'missing' : record.owner === account ? 'own' : 'foreign'
}

export const MISSING_ORGANIZATION = { status: 404, code: 'SVCSTG.SWR.4040058' }
export const MISSING_REPOSITORY = { status: 404, code: 'SVCSTG.SWR.4040010' }
const OTHER_ACCOUNT = { status: 401, code: 'SVCSTG.SWR.4011064' }

/** What a call on a repository answers when its organization does not exist. */
export const repositoryOfMissingOrganization = ctx =>
  variant(ctx, 'readRepoInMissingOrg') === 'org-code' ? MISSING_ORGANIZATION : MISSING_REPOSITORY

/** What creating a repository answers when its organization does not exist. */
export const createInMissingOrganization = ctx =>
  statusAndCode(variant(ctx, 'createRepoInMissingOrg'))

/**
 * Answers a call on an organization the caller does not own and returns true, or returns false
 * when the caller owns it. `missing` is the answer for an organization that does not exist;
 * another account's organization answers the same (foreignOrg '404') or 401 4011064 ('401').
 */
export function refuseOrganization(ctx, call, ns, missing = MISSING_ORGANIZATION) {
  const access = organizationAccess(ctx.state, call.account, ns)
  if (access === 'own') return false
  const answer =
    access === 'foreign' && variant(ctx, 'foreignOrg') === '401' ? OTHER_ACCOUNT : missing
  call.error(answer.status, answer.code)
  return true
}

/**
 * The repository that the path parameters {namespace} and {repository} (with "$" for "/") name,
 * as { key, record }; undefined once the call has been answered because it cannot be seen.
 */
export function findRepository(ctx, call) {
  const ns = call.params.namespace
  const name = call.params.repository.replace(/\$/g, '/')
  if (refuseOrganization(ctx, call, ns, repositoryOfMissingOrganization(ctx))) return undefined
  const key = `${ns}/${name}`
  const record = ctx.state.repositories.get(key)
  if (!record || record._visibleAt > Date.now()) {
    call.error(MISSING_REPOSITORY.status, MISSING_REPOSITORY.code)
    return undefined
  }
  return { key, record }
}
