// Auto-sync rules (.../repos/{repository}/sync_repo): images pushed to a repository are copied
// to the repository of the same name in an organization of another region, which must exist
// there and belong to the same account. A rule is known by its target (remoteRegionId,
// remoteNamespace): one per target, and DELETE names the target in its body. No image is
// copied here. GET /v2/manage/regions lists the regions a rule may target.
import { findRepository, variant } from './resources.js'
import { routesOf } from './router.js'
import { statusAndCode } from './variants.js'

const INVALID = 'SVCSTG.SWR.4000014'
// No code is published for a second rule to the same target: the emulator's own.
const DUPLICATE_RULE = 'SVCSTG.SWR.4090312'

const sameTarget = v => rule =>
  rule.remoteRegionId === v.remoteRegionId && rule.remoteNamespace === v.remoteNamespace

/** Answers 400 for a target that cannot be named and returns true. */
function refuseTarget(ctx, call, v) {
  let message
  if (typeof v.remoteRegionId !== 'string' || typeof v.remoteNamespace !== 'string')
    message = 'remoteRegionId and remoteNamespace are required'
  else if (!ctx.regions.known.has(v.remoteRegionId))
    message = `Images cannot be synchronized to region ${v.remoteRegionId}`
  else if (v.remoteRegionId === ctx.region)
    message = 'Images cannot be synchronized to the region they are in'
  if (message) call.error(400, INVALID, message)
  return message !== undefined
}

function refuseFlags(call, v) {
  const bad = ['syncAuto', 'override'].find(f => v[f] !== undefined && typeof v[f] !== 'boolean')
  if (bad) call.error(400, INVALID, `${bad} must be true or false`)
  return bad !== undefined
}

/** Stores a rule of the repository `record` (kept under `key`) and returns it. */
export function addRuleRecord(state, key, record, v) {
  const now = new Date().toISOString()
  const rule = {
    id: state.nextId++,
    namespace: record._namespace,
    repoName: record.name,
    domainID: record._owner.domainId,
    domainName: record._owner.name,
    remoteRegionId: v.remoteRegionId,
    remoteNamespace: v.remoteNamespace,
    syncAuto: v.syncAuto ?? false,
    override: v.override ?? false,
    createdAt: now,
    updatedAt: now
  }
  state.syncRules.set(key, [...(state.syncRules.get(key) ?? []), rule])
  return rule
}

function createRule(ctx, call) {
  const found = findRepository(ctx, call)
  if (!found) return
  const input = call.json()
  if (!input) return
  const v = input.value ?? {}
  if (refuseTarget(ctx, call, v) || refuseFlags(call, v)) return
  const target = ctx.regions.get(v.remoteRegionId).state.namespaces.get(v.remoteNamespace)
  if (target?.owner !== call.account) {
    const { status, code } = statusAndCode(variant(ctx, 'syncTargetMissingOrg'))
    const message = `Namespace ${v.remoteNamespace} does not exist in ${v.remoteRegionId}`
    return call.error(status, code, message)
  }
  const existing = (ctx.state.syncRules.get(found.key) ?? []).find(sameTarget(v))
  if (existing && variant(ctx, 'duplicateSyncRule') === 'refuse-409')
    return call.error(409, DUPLICATE_RULE, 'An auto-sync rule to this target exists already')
  if (existing) {
    existing.syncAuto = v.syncAuto ?? false
    existing.override = v.override ?? false
    existing.updatedAt = new Date().toISOString()
  } else {
    addRuleRecord(ctx.state, found.key, found.record, v)
  }
  return call.send(200, {})
}

/** A rule as GET .../sync_repo shows it, its auto-sync flag named as the variant says. */
function shown(ctx, rule) {
  const { syncAuto, ...rest } = rule
  return { ...rest, [variant(ctx, 'syncRuleAutoField')]: syncAuto }
}

function listRules(ctx, call) {
  const found = findRepository(ctx, call)
  if (found)
    return call.send(
      200,
      (ctx.state.syncRules.get(found.key) ?? []).map(r => shown(ctx, r))
    )
}

function deleteRule(ctx, call) {
  const found = findRepository(ctx, call)
  if (!found) return
  const input = call.json()
  if (!input) return
  const v = input.value ?? {}
  if (typeof v.remoteRegionId !== 'string' || typeof v.remoteNamespace !== 'string')
    return call.error(400, INVALID, 'remoteRegionId and remoteNamespace are required')
  const rules = ctx.state.syncRules.get(found.key) ?? []
  if (!rules.some(sameTarget(v)) && variant(ctx, 'deleteMissingSyncRule') !== '200') {
    const { status, code } = statusAndCode(variant(ctx, 'deleteMissingSyncRule'))
    return call.error(status, code, 'No auto-sync rule to this target')
  }
  ctx.state.syncRules.set(
    found.key,
    rules.filter(rule => !sameTarget(v)(rule))
  )
  return call.send(200, {})
}

/** The regions images can be synchronized to from this one: a bare array of { regionID }. */
function listRegions(ctx, call) {
  const regions = [...ctx.regions.known].filter(region => region !== ctx.region)
  return call.send(
    200,
    regions.map(regionID => ({ regionID }))
  )
}

const RULES = '/v2/manage/namespaces/{namespace}/repos/{repository}/sync_repo'

export const syncRoutes = ctx =>
  routesOf(ctx, [
    ['POST', RULES, createRule],
    ['GET', RULES, listRules],
    ['DELETE', RULES, deleteRule],
    ['GET', '/v2/manage/regions', listRegions]
  ])
