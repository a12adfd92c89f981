// Retention policies of a repository (.../repos/{repository}/retentions). The user guide allows
// one policy per repository; whether the API refuses a second one is unsettled (variant
// secondRetention). No code is published for such a refusal: the codes below are the
// emulator's own, so the action must not depend on them.
import { findRepository, variant } from './resources.js'
import { routesOf } from './router.js'

const SECOND_POLICY = {
  'refuse-400': { status: 400, code: 'SVCSTG.SWR.4001048' },
  'refuse-409': { status: 409, code: 'SVCSTG.SWR.4090306' }
}
const SECOND_POLICY_MESSAGE = 'Only one retention policy is allowed per repository'

/** Answers 400 for a policy SWR refuses and returns true; false when it is acceptable. */
function refuseRules(call, input) {
  const fine =
    input?.algorithm === 'or' &&
    Array.isArray(input.rules) &&
    input.rules.length > 0 &&
    input.rules.every(
      rule =>
        ((rule.template === 'tag_rule' && /^\d+$/.test(rule.params?.num ?? '')) ||
          (rule.template === 'date_rule' && /^\d+$/.test(rule.params?.days ?? ''))) &&
        Array.isArray(rule.tag_selectors) &&
        rule.tag_selectors.every(
          s => ['label', 'regexp'].includes(s.kind) && typeof s.pattern === 'string'
        )
    )
  if (!fine) call.error(400, 'SVCSTG.SWR.4000014', 'Invalid retention policy')
  return !fine
}

function listPolicies(ctx, call) {
  const found = findRepository(ctx, call)
  if (found) return call.send(200, ctx.state.retentions.get(found.key) ?? [])
}

function createPolicy(ctx, call) {
  const found = findRepository(ctx, call)
  if (!found) return
  const input = call.json()
  if (!input || refuseRules(call, input.value)) return
  const policies = ctx.state.retentions.get(found.key) ?? []
  const refusal = SECOND_POLICY[variant(ctx, 'secondRetention')]
  if (policies.length > 0 && refusal)
    return call.error(refusal.status, refusal.code, SECOND_POLICY_MESSAGE)
  if (ctx.settings.sabotage === 'drop-write') return call.send(201, { id: ctx.state.nextId++ })
  const { id } = addPolicy(ctx.state, found.key, input.value.rules)
  if (ctx.settings.sabotage === 'double-write') addPolicy(ctx.state, found.key, input.value.rules)
  return call.send(201, { id })
}

/** { found, policy } for the {retention_id} of the path, or undefined once answered. */
function findPolicy(ctx, call) {
  const found = findRepository(ctx, call)
  if (!found) return undefined
  const id = Number(call.params.retention_id)
  const policy = (ctx.state.retentions.get(found.key) ?? []).find(p => p.id === id)
  if (!policy) {
    call.error(400, 'SVCSTG.SWR.4000306')
    return undefined
  }
  return { found, policy }
}

function getPolicy(ctx, call) {
  const hit = findPolicy(ctx, call)
  if (hit) return call.send(200, hit.policy)
}

function updatePolicy(ctx, call) {
  const hit = findPolicy(ctx, call)
  if (!hit) return
  const input = call.json()
  if (!input || refuseRules(call, input.value)) return
  const { policy } = hit
  if (input.value.rules.some((r, i) => policy.rules[i] && policy.rules[i].template !== r.template))
    return call.error(
      400,
      'SVCSTG.SWR.4000014',
      'The template of a retention rule cannot be changed'
    )
  policy.rules = input.value.rules
  return call.send(201, {})
}

function deletePolicy(ctx, call) {
  const hit = findPolicy(ctx, call)
  if (!hit) return
  const { found, policy } = hit
  const rest = ctx.state.retentions.get(found.key).filter(p => p !== policy)
  ctx.state.retentions.set(found.key, rest)
  return call.send(200, {})
}

/** Adds a policy as a test's starting point, whatever secondRetention says. */
export function addPolicy(state, key, rules) {
  const policy = { id: state.nextId++, algorithm: 'or', rules, scope: '' }
  state.retentions.set(key, [...(state.retentions.get(key) ?? []), policy])
  return policy
}

const LIST = '/v2/manage/namespaces/{namespace}/repos/{repository}/retentions'
const ONE = `${LIST}/{retention_id}`

export const retentionRoutes = ctx =>
  routesOf(ctx, [
    ['GET', LIST, listPolicies],
    ['POST', LIST, createPolicy],
    ['GET', ONE, getPolicy],
    ['PATCH', ONE, updatePolicy],
    ['DELETE', ONE, deletePolicy]
  ])
