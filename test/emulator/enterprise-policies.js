// An Enterprise Edition namespace's retention policy and immutable tag rules: Harbor's policies,
// as the official Go SDK's models describe them. What the SDK's field notes say is enforced:
// one tag selector per rule and one repository scope selector ("目前只支持长度为1"), doublestar
// selectors, algorithm "or", action retain / immutable. Choices of the emulator's own:
// - a namespace holds one retention policy (the EE console manual: "There can only be one
//   retention policy in a given namespace"): a second POST is 409 SWR.409003 (no source gives
//   the code); at most 15 rules a policy (the same manual; the variant eeRetentionRules allows
//   one on PUT, or on both, and the feature gate enableCombinationRetention says false for
//   one on both), and 15 immutable rules a namespace;
// - a missing retention policy is 400 SWR.400003 (the Terraform provider's code), a missing
//   immutable rule follows eeMissing;
// - the instance-wide lists ({retentions, total} and {immutable_rules, total}) want an offset
//   that is 0 or a multiple of the limit, at most 100 (the official SDK's request models; the
//   Terraform provider's readers page with limit=100 and offset += 100); PUT and DELETE answer
//   200 without a body.
import { answerMissing, instanceRoutes, pageOf, readBody } from './enterprise.js'
import { namespaceOf } from './enterprise-namespaces.js'
import { variant } from './resources.js'

const TEMPLATES = ['latestPushedK', 'latestPulledN', 'nDaysSinceLastPush', 'nDaysSinceLastPull']
const TAG_DECORATIONS = ['matches', 'excludes']
const SCOPE_DECORATIONS = ['repoMatches', 'repoExcludes']
const POLICY_NAME = /^[A-Za-z0-9_\-\u4e00-\u9fa5]{1,256}$/
const MAX_RULES = 15

const isObject = value => typeof value === 'object' && value !== null && !Array.isArray(value)
const isCount = value => Number.isInteger(value) && value >= 1

/** Whether a doublestar pattern's braces pair up (Harbor refuses it otherwise). */
function balanced(pattern) {
  let depth = 0
  for (const char of pattern) {
    depth += char === '{' ? 1 : char === '}' ? -1 : 0
    if (depth < 0) return false
  }
  return depth === 0
}

function selectorProblem(list, decorations, where) {
  if (!Array.isArray(list) || list.length !== 1) return `${where} must hold exactly one selector`
  const [selector] = list
  if (!isObject(selector) || selector.kind !== 'doublestar')
    return `${where}[0].kind must be "doublestar"`
  if (!decorations.includes(selector.decoration))
    return `${where}[0].decoration must be one of ${decorations.join(', ')}`
  const { pattern } = selector
  if (typeof pattern !== 'string' || pattern === '' || pattern.length > 512 || !balanced(pattern))
    return `${where}[0].pattern must be a doublestar pattern of 1 to 512 characters`
  return undefined
}

/** Tag and repository selectors, common to both kinds of rule. */
function selectorsProblem(rule, where) {
  const scope = rule.scope_selectors
  if (!isObject(scope) || Object.keys(scope).join() !== 'repository')
    return `${where}.scope_selectors must have the key repository only`
  return (
    selectorProblem(rule.tag_selectors, TAG_DECORATIONS, `${where}.tag_selectors`) ??
    selectorProblem(scope.repository, SCOPE_DECORATIONS, `${where}.scope_selectors.repository`)
  )
}

function retentionRuleProblem(rule, where) {
  if (!isObject(rule)) return `${where} must be an object`
  if (!Number.isInteger(rule.priority)) return `${where}.priority must be an integer`
  if (rule.disabled !== undefined && typeof rule.disabled !== 'boolean')
    return `${where}.disabled must be true or false`
  if (rule.action !== 'retain') return `${where}.action must be "retain"`
  if (!TEMPLATES.includes(rule.template))
    return `${where}.template must be one of ${TEMPLATES.join(', ')}`
  const params = rule.params
  if (
    !isObject(params) ||
    Object.keys(params).join() !== rule.template ||
    !isCount(params[rule.template])
  )
    return `${where}.params must be { "${rule.template}": a whole number from 1 }`
  if (!['regular', 'selection'].includes(rule.repo_scope_mode))
    return `${where}.repo_scope_mode must be regular or selection`
  return selectorsProblem(rule, where)
}

function triggerProblem(trigger) {
  if (!isObject(trigger) || !['manual', 'scheduled'].includes(trigger.type))
    return 'trigger.type must be manual or scheduled'
  const cron = trigger.trigger_settings?.cron
  if (
    trigger.type === 'scheduled' &&
    (typeof cron !== 'string' || cron.trim().split(/\s+/).length !== 6)
  )
    return 'a scheduled trigger needs trigger_settings.cron with 6 fields'
  return undefined
}

/** What is wrong with a retention policy body of at most maxRules rules, or undefined. */
export function retentionProblem(body, maxRules = MAX_RULES) {
  if (typeof body.name !== 'string' || !POLICY_NAME.test(body.name))
    return 'name must be 1 to 256 letters, digits, _ or -'
  if (body.algorithm !== 'or') return 'algorithm must be "or"'
  if (typeof body.enabled !== 'boolean') return 'enabled must be true or false'
  if (!Array.isArray(body.rules) || body.rules.length < 1 || body.rules.length > maxRules)
    return maxRules === 1
      ? 'rules must hold exactly one rule'
      : `rules must hold 1 to ${maxRules} rules`
  for (const [i, rule] of body.rules.entries()) {
    const problem = retentionRuleProblem(rule, `rules[${i}]`)
    if (problem) return problem
  }
  return triggerProblem(body.trigger)
}

/** What is wrong with an immutable tag rule body, or undefined. */
export function immutableRuleProblem(body) {
  if (body.priority !== undefined && !Number.isInteger(body.priority))
    return 'priority must be an integer'
  if (body.disabled !== undefined && typeof body.disabled !== 'boolean')
    return 'disabled must be true or false'
  if (body.action !== undefined && body.action !== 'immutable') return 'action must be "immutable"'
  if (body.template !== undefined && body.template !== 'immutable_template')
    return 'template must be "immutable_template"'
  return selectorsProblem(body, 'rule')
}

const copy = value => JSON.parse(JSON.stringify(value))

/** Stores a checked retention policy of the namespace (new rule ids each time) and returns it. */
export function storeRetention(data, ns, body, id = data.nextId++) {
  const policy = {
    id,
    name: body.name,
    algorithm: body.algorithm,
    enabled: body.enabled,
    rules: body.rules.map(rule => ({ id: data.nextId++, disabled: false, ...copy(rule) })),
    trigger: copy(body.trigger),
    namespace_id: data.namespaces.get(ns).namespace_id,
    namespace_name: ns
  }
  data.retentions.set(id, policy)
  return policy
}

/** Stores a checked immutable tag rule of the namespace, defaults filled in, and returns it. */
export function storeImmutableRule(data, ns, body, id = data.nextId++) {
  const rule = {
    id,
    namespace_id: data.namespaces.get(ns).namespace_id,
    namespace_name: ns,
    priority: body.priority ?? 0,
    disabled: body.disabled ?? false,
    action: body.action ?? 'immutable',
    template: body.template ?? 'immutable_template',
    tag_selectors: copy(body.tag_selectors),
    scope_selectors: copy(body.scope_selectors)
  }
  data.immutableRules.set(id, rule)
  return rule
}

const policiesOf = (data, ns) => [...data.retentions.values()].filter(p => p.namespace_name === ns)
const rulesOf = (data, ns) => [...data.immutableRules.values()].filter(r => r.namespace_name === ns)

/** A checked body for the namespace, or undefined once a 400 has been answered. */
function checkedBody(call, problemOf) {
  const body = readBody(call)
  if (!body) return undefined
  const problem = problemOf(body)
  if (!problem) return body
  call.error(400, 'SWR.400001', problem)
  return undefined
}

/** The rules a policy may hold on POST or PUT, as the variant eeRetentionRules has it. */
function maxRules(ctx, method) {
  const allowed = variant(ctx, 'eeRetentionRules')
  return allowed === 'one' || (allowed === 'one-on-update' && method === 'PUT') ? 1 : MAX_RULES
}

function createRetention(ctx, call, data) {
  const ns = namespaceOf(ctx, call, data)
  if (!ns) return
  const body = checkedBody(call, b => retentionProblem(b, maxRules(ctx, 'POST')))
  if (!body) return
  if (policiesOf(data, ns).length > 0)
    return call.error(409, 'SWR.409003', `The namespace ${ns} has a retention policy already`)
  return call.send(201, { id: storeRetention(data, ns, body).id })
}

/** The policy of the path, in the path's namespace; undefined once answered. */
function policyOf(ctx, call, data) {
  const ns = namespaceOf(ctx, call, data)
  if (!ns) return undefined
  const policy = data.retentions.get(Number(call.params.policy_id))
  if (policy?.namespace_name === ns) return policy
  call.error(400, 'SWR.400003', `The retention policy ${call.params.policy_id} does not exist`)
  return undefined
}

function showRetention(ctx, call, data) {
  const policy = policyOf(ctx, call, data)
  if (policy) call.send(200, policy)
}

function updateRetention(ctx, call, data) {
  const policy = policyOf(ctx, call, data)
  if (!policy) return
  const body = checkedBody(call, b => retentionProblem(b, maxRules(ctx, 'PUT')))
  if (!body) return
  storeRetention(data, policy.namespace_name, body, policy.id)
  return call.send(200, undefined)
}

function deleteRetention(ctx, call, data) {
  const policy = policyOf(ctx, call, data)
  if (!policy) return
  data.retentions.delete(policy.id)
  return call.send(200, undefined)
}

/** Keeps the items whose namespace_id is the one the query names, if it names one. */
function byNamespaceId(call, items) {
  const wanted = call.url.searchParams.get('namespace_id')
  return wanted === null ? items : items.filter(item => String(item.namespace_id) === wanted)
}

function listRetentions(ctx, call, data) {
  const name = call.url.searchParams.get('name')
  const all = byNamespaceId(call, [...data.retentions.values()]).filter(
    policy => name === null || policy.name.includes(name)
  )
  const page = pageOf(call, all, { limitMultiple: true })
  if (page) call.send(200, { total: all.length, retentions: page })
}

function createImmutableRule(ctx, call, data) {
  const ns = namespaceOf(ctx, call, data)
  if (!ns) return
  const body = checkedBody(call, immutableRuleProblem)
  if (!body) return
  if (rulesOf(data, ns).length >= MAX_RULES)
    return call.error(400, 'SWR.400001', `A namespace has at most ${MAX_RULES} immutable rules`)
  return call.send(201, { id: storeImmutableRule(data, ns, body).id })
}

/** The immutable rule of the path, in the path's namespace; undefined once answered. */
function immutableRuleOf(ctx, call, data) {
  const ns = namespaceOf(ctx, call, data)
  if (!ns) return undefined
  const id = call.params.immutable_rule_id
  const rule = data.immutableRules.get(Number(id))
  if (rule?.namespace_name === ns) return rule
  answerMissing(ctx, call, 'immutableRule', id)
  return undefined
}

function updateImmutableRule(ctx, call, data) {
  const rule = immutableRuleOf(ctx, call, data)
  if (!rule) return
  const body = checkedBody(call, immutableRuleProblem)
  if (!body) return
  storeImmutableRule(data, rule.namespace_name, body, rule.id)
  return call.send(200, undefined)
}

function deleteImmutableRule(ctx, call, data) {
  const rule = immutableRuleOf(ctx, call, data)
  if (!rule) return
  data.immutableRules.delete(rule.id)
  return call.send(200, undefined)
}

function listImmutableRules(ctx, call, data) {
  const all = byNamespaceId(call, [...data.immutableRules.values()])
  const page = pageOf(call, all, { limitMultiple: true })
  if (page) call.send(200, { immutable_rules: page, total: all.length })
}

const RETENTION = '/namespaces/{namespace}/retention/policies'
const IMMUTABLE = '/namespaces/{namespace}/immutabletagrules'

export const policyRoutes = ctx =>
  instanceRoutes(ctx, [
    ['POST', RETENTION, createRetention],
    ['GET', `${RETENTION}/{policy_id}`, showRetention],
    ['PUT', `${RETENTION}/{policy_id}`, updateRetention],
    ['DELETE', `${RETENTION}/{policy_id}`, deleteRetention],
    ['GET', '/retention/policies', listRetentions],
    ['POST', IMMUTABLE, createImmutableRule],
    ['PUT', `${IMMUTABLE}/{immutable_rule_id}`, updateImmutableRule],
    ['DELETE', `${IMMUTABLE}/{immutable_rule_id}`, deleteImmutableRule],
    ['GET', '/immutabletagrules', listImmutableRules]
  ])
