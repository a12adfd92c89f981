// Sharing a private repository with other accounts so that they may pull it. The calls live
// under .../repositories/{repository}/access-domains: "repositories", where every other
// repository call says "repos" (the official SDKs and the API reference agree). Only the owner
// may share (findRepository refuses anyone else as for any repository call); read is the only
// permission; a repository may be shared with at most 500 accounts.
import { findRepository, variant } from './resources.js'
import { routesOf } from './router.js'

export const MAX_SHARINGS = 500
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/
const INVALID = 'SVCSTG.SWR.4000014'
// The published table describes 4001090 for no such sharing (the Terraform provider treats it
// as "gone"), 4001091 for a wrong permission and 4001041 for an invalid domain (account).
const NO_SHARING = 'SVCSTG.SWR.4001090'
const BAD_PERMIT = 'SVCSTG.SWR.4001091'
const UNKNOWN_ACCOUNT = 'SVCSTG.SWR.4001041'
// 409 is documented for "already shared" without a code: this one is the emulator's choice,
// taken from the table's "the permission already exists", so the action must not rely on it.
const ALREADY_SHARED = 'SVCSTG.SWR.4090089'

const inFuture = deadline => DATE_TIME.test(deadline) && Date.parse(deadline) > Date.now()

/** Answers 400 for a permit, deadline or description SWR refuses and returns true. */
function refuseTerms(call, input) {
  if (input.permit !== 'read') {
    call.error(400, BAD_PERMIT, 'permit must be read')
    return true
  }
  if (
    typeof input.deadline !== 'string' ||
    !(input.deadline === 'forever' || inFuture(input.deadline))
  ) {
    call.error(400, INVALID, 'deadline must be forever or a UTC date-time in the future')
    return true
  }
  if (input.description !== undefined && typeof input.description !== 'string') {
    call.error(400, INVALID, 'description must be a string')
    return true
  }
  return false
}

/** Stores a sharing of the repository `record` (kept under `key`) and returns it. */
export function addSharingRecord(state, key, record, owner, input) {
  const now = new Date().toISOString()
  const sharing = {
    namespace: record._namespace,
    repository: record.name,
    access_domain: input.access_domain,
    permit: input.permit,
    deadline: input.deadline,
    description: input.description ?? '',
    creator_id: owner.domainId,
    creator_name: owner.name,
    created: now,
    updated: now
  }
  const sharings = state.sharing.get(key) ?? new Map()
  sharings.set(sharing.access_domain, sharing)
  state.sharing.set(key, sharings)
  return sharing
}

/** A sharing as the API shows it: `status` tells whether it is still valid. */
function shown(ctx, sharing) {
  const { deadline } = sharing
  const forever = deadline === 'forever'
  return {
    ...sharing,
    deadline:
      !forever && variant(ctx, 'sharingDeadline') === 'millis'
        ? new Date(deadline).toISOString()
        : deadline,
    status: forever || Date.parse(deadline) > Date.now()
  }
}

function createSharing(ctx, call) {
  const found = findRepository(ctx, call)
  if (!found) return
  const input = call.json()
  if (!input) return
  const v = input.value ?? {}
  if (typeof v.access_domain !== 'string' || v.access_domain === '')
    return call.error(400, INVALID, 'access_domain is required')
  if (refuseTerms(call, v)) return
  if (found.record.is_public && variant(ctx, 'sharePublicRepo') === 'refuse-400')
    return call.error(400, INVALID, 'Only private repositories can be shared')
  if (!ctx.knownAccounts.has(v.access_domain))
    return call.error(400, UNKNOWN_ACCOUNT, `The account ${v.access_domain} does not exist`)
  const sharings = ctx.state.sharing.get(found.key) ?? new Map()
  if (sharings.has(v.access_domain)) return call.error(409, ALREADY_SHARED)
  if (sharings.size >= MAX_SHARINGS)
    return call.error(400, INVALID, `A repository can be shared with ${MAX_SHARINGS} accounts`)
  addSharingRecord(ctx.state, found.key, found.record, call.account, v)
  return call.send(201, {})
}

function listSharings(ctx, call) {
  const found = findRepository(ctx, call)
  if (!found) return
  const sharings = [...(ctx.state.sharing.get(found.key)?.values() ?? [])]
  return call.send(
    200,
    sharings.map(s => shown(ctx, s))
  )
}

/** { key, sharing } for {access_domain} (sharing undefined when none), or undefined if answered. */
function lookUp(ctx, call) {
  const found = findRepository(ctx, call)
  if (!found) return undefined
  return {
    key: found.key,
    sharing: ctx.state.sharing.get(found.key)?.get(call.params.access_domain)
  }
}

function getSharing(ctx, call) {
  const hit = lookUp(ctx, call)
  if (!hit) return
  if (hit.sharing) return call.send(200, { exist: true, ...shown(ctx, hit.sharing) })
  if (variant(ctx, 'readMissingSharing') === 'exist-false') return call.send(200, { exist: false })
  return call.error(400, NO_SHARING)
}

function updateSharing(ctx, call) {
  const hit = lookUp(ctx, call)
  if (!hit) return
  if (!hit.sharing) return call.error(400, NO_SHARING)
  const input = call.json()
  if (!input) return
  const v = input.value ?? {}
  if (refuseTerms(call, v)) return
  // The description defaults to "" (the SDK's model says so): a PATCH without one clears it.
  Object.assign(hit.sharing, {
    permit: v.permit,
    deadline: v.deadline,
    description: v.description ?? '',
    updated: new Date().toISOString()
  })
  return call.send(201, {})
}

function deleteSharing(ctx, call) {
  const hit = lookUp(ctx, call)
  if (!hit) return
  if (!hit.sharing) return call.error(400, NO_SHARING)
  ctx.state.sharing.get(hit.key).delete(hit.sharing.access_domain)
  return call.send(204, undefined)
}

const LIST = '/v2/manage/namespaces/{namespace}/repositories/{repository}/access-domains'
const ONE = `${LIST}/{access_domain}`

export const sharingRoutes = ctx =>
  routesOf(ctx, [
    ['POST', LIST, createSharing],
    ['GET', LIST, listSharings],
    ['GET', ONE, getSharing],
    ['PATCH', ONE, updateSharing],
    ['DELETE', ONE, deleteSharing]
  ])
