// Retention on an instance: the namespace's retention policy (Harbor's: one per namespace),
// whose rules the action owns when they are scoped to exactly the repositories of the run.
// Rules scoped otherwise (another workflow's) are kept as they are. Harbor deletes every tag
// that no rule retains, so an exception cannot be a mere exclusion: the count or age rule
// excludes the exceptions (they do not use up its N), and a second rule retains them. The
// API's templates (the SDK's RetentionRule lists four) have no "retain always", so that rule
// keeps what was pushed in the last EXCEPTIONS_DAYS days: for a tag, forever. An instance whose
// feature gate says one rule a policy is not sent one of several (oneRuleRefusal says why);
// one that refuses it without saying so is explained by enterprise-client.ts
// (docs/swr-enterprise.md).
import { SIGNATURE_TAGS, type RetentionSpec } from '../github/inputs.js'
import type { Change } from '../resources/types.js'
import type {
  RetentionPolicy,
  RetentionRule,
  RetentionTrigger,
  ScopeSelectors,
  StoredRetentionPolicy,
  SwrEnterpriseClient,
  TagSelector
} from '../swr/enterprise-client.js'
import { ApiError } from '../http/errors.js'

/** The doublestar globs that match the tags inputs.ts's SIGNATURE_TAGS expressions match. */
const SIGNATURE_PATTERNS = ['sha256-*', '*.sig', '*.att', '*.sbom']

/** How far back the exceptions' rule keeps tags: a hundred years. */
const EXCEPTIONS_DAYS = 36500

/** Daily at midnight UTC (the SDK's six-field cron): a manual policy would never run. */
const DAILY: RetentionTrigger = {
  type: 'scheduled',
  trigger_settings: { cron: '0 0 0 * * ?' }
}

/** One glob for several: "{a,b}", doublestar's alternation. */
export function anyOf(patterns: string[]): string {
  return patterns.length === 1 ? (patterns[0] as string) : `{${patterns.join(',')}}`
}

/**
 * The repositories a rule's scope names: a plain name, or a "{a,b}" alternation, as the action
 * writes them. A scope with wildcards names none (it is nobody's to converge).
 */
export function namesIn(
  scope: { repository?: { decoration: string; pattern: string }[] } | undefined
): string[] {
  const selectors = scope?.repository ?? []
  if (selectors.length !== 1 || selectors[0]?.decoration !== 'repoMatches') return []
  const pattern = selectors[0].pattern
  const alternation = /^\{([^{}*?[\]]*)\}$/.exec(pattern)
  if (alternation) return (alternation[1] as string).split(',')
  return /[*?[\]{}]/.test(pattern) ? [] : [pattern]
}

/** A rule the run owns: every repository its scope names is one of the run's. */
export function ownedBy(repositories: string[]) {
  const mine = new Set(repositories)
  return (rule: {
    scope_selectors?: { repository?: { decoration: string; pattern: string }[] }
  }) => {
    const names = namesIn(rule.scope_selectors)
    return names.length > 0 && names.every(n => mine.has(n))
  }
}

/** The scope of the run's rules: its repositories, sorted, as one glob. */
export function scopeOf(repositories: string[]): ScopeSelectors {
  const pattern = anyOf([...new Set(repositories)].sort())
  return { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern }] }
}

/** The exceptions as globs; the signature tags' expressions become their glob equivalents. */
export function exceptionPatterns(spec: RetentionSpec): string[] {
  const signatures = SIGNATURE_TAGS.every(s =>
    spec.exceptions.some(e => e.kind === s.kind && e.pattern === s.pattern)
  )
  const tags = spec.exceptions.filter(e => e.kind === 'label').map(e => e.pattern)
  return [...new Set([...tags, ...(signatures ? SIGNATURE_PATTERNS : [])])]
}

function rule(
  template: string,
  params: Record<string, number>,
  tags: TagSelector,
  scope: ScopeSelectors
): RetentionRule {
  return {
    priority: 0,
    disabled: false,
    action: 'retain',
    template,
    params,
    tag_selectors: [tags],
    scope_selectors: scope,
    repo_scope_mode: 'regular'
  }
}

export function wantedRules(spec: RetentionSpec, repositories: string[]): RetentionRule[] {
  const scope = scopeOf(repositories)
  const [template, value] =
    spec.keepLast !== undefined
      ? ['latestPushedK', spec.keepLast]
      : ['nDaysSinceLastPush', spec.keepDays as number]
  const exceptions = exceptionPatterns(spec)
  const tags = (decoration: TagSelector['decoration'], pattern: string): TagSelector => ({
    kind: 'doublestar',
    decoration,
    pattern
  })
  if (exceptions.length === 0) {
    return [rule(template, { [template]: value }, tags('matches', '**'), scope)]
  }
  return [
    rule(template, { [template]: value }, tags('excludes', anyOf(exceptions)), scope),
    rule(
      'nDaysSinceLastPush',
      { nDaysSinceLastPush: EXCEPTIONS_DAYS },
      tags('matches', anyOf(exceptions)),
      scope
    )
  ]
}

/** A rule as compared: what it does, not its id or priority, numbers as numbers. */
function ruleKey(r: RetentionRule): string {
  const params = Object.entries(r.params ?? {})
    .map(([k, v]) => `${k}=${Number(v)}`)
    .sort()
  const selectors = (list: { decoration: string; pattern: string }[] | undefined) =>
    (list ?? []).map(s => `${s.decoration}:${s.pattern}`).sort()
  return JSON.stringify([
    r.template,
    r.action ?? 'retain',
    Boolean(r.disabled),
    params,
    selectors(r.tag_selectors),
    selectors(r.scope_selectors?.repository)
  ])
}

/** What a rule (retention or immutable tag) is scoped to, comparable as a string. */
export const scopeKey = (rule: { scope_selectors?: ScopeSelectors }) =>
  JSON.stringify((rule.scope_selectors?.repository ?? []).map(s => `${s.decoration}:${s.pattern}`))

function sameRules(a: RetentionRule[], b: RetentionRule[]): boolean {
  const keys = (rules: RetentionRule[]) => rules.map(ruleKey).sort().join('\n')
  return keys(a) === keys(b)
}

/** The policy to send: the rules of other scopes kept, the run's own replaced. */
function mergedPolicy(
  namespace: string,
  current: StoredRetentionPolicy | undefined,
  rules: RetentionRule[]
): RetentionPolicy {
  // Rules for these repositories, also under an earlier list of them, are the run's to replace.
  const repositories = rules[0] ? namesIn(rules[0].scope_selectors) : []
  const others = (current?.rules ?? []).filter(r => !ownedBy(repositories)(r))
  return {
    // Policy names allow letters, digits, "_" and "-"; a namespace may hold ".".
    name: current?.name || `${namespace.replace(/[^A-Za-z0-9_-]/g, '-')}-retention`,
    algorithm: 'or',
    enabled: true,
    rules: [...others, ...rules],
    trigger: current?.trigger?.type === 'scheduled' ? current.trigger : DAILY
  }
}

export interface RetentionDiff {
  change?: Change
  warning?: string
}

function reasonOf(current: StoredRetentionPolicy, rules: RetentionRule[], scope: string): string {
  const ours = current.rules.filter(r => scopeKey(r) === scope)
  const earlier = current.rules.filter(
    r => scopeKey(r) !== scope && ownedBy(namesIn(rules[0]?.scope_selectors))(r)
  )
  const parts = [
    ...(earlier.length > 0 ? ['it has rules for an earlier list of these repositories'] : []),
    ...(ours.length === 0 ? ['it has no rule for these repositories'] : []),
    ...(ours.length > 0 && !sameRules(ours, rules) ? ['its rules for them differ'] : []),
    ...(current.enabled ? [] : ['it is disabled']),
    ...(current.trigger?.type === 'scheduled' ? [] : ['it only runs by hand'])
  ]
  return `the namespace's retention policy ${current.id}: ${parts.join(', ')}`
}

/**
 * The namespace's retention change. `policies` is undefined when the namespace is to be
 * created (there is nothing to read yet); only the first policy is managed.
 */
export function diffRetention(
  namespace: string,
  spec: RetentionSpec,
  repositories: string[],
  policies: StoredRetentionPolicy[] | undefined
): RetentionDiff {
  const rules = wantedRules(spec, repositories)
  const current = policies?.[0]
  const warning =
    policies && policies.length > 1
      ? `Namespace "${namespace}" has ${policies.length} retention policies; only the first (id ${current?.id}) is managed.`
      : undefined
  const after = mergedPolicy(namespace, current, rules)
  const scoped = `for ${repositories.length === 1 ? 'repository' : 'repositories'} ${repositories.join(', ')}`
  const base = { resource: 'retention' as const, name: namespace }
  if (!current) {
    const reason = `the namespace has no retention policy: one is created ${scoped}`
    const change = { ...base, action: 'create' as const, before: null, after: { ...after }, reason }
    return { change, ...(warning ? { warning } : {}) }
  }
  const scope = scopeKey(rules[0] as RetentionRule)
  const same =
    sameRules(current.rules, after.rules) &&
    current.enabled &&
    current.trigger?.type === 'scheduled'
  if (same) return warning ? { warning } : {}
  const change: Change = {
    ...base,
    action: 'update',
    before: { ...current },
    after: { ...after },
    reason: `${reasonOf(current, rules, scope)} (${scoped})`
  }
  return { change, ...(warning ? { warning } : {}) }
}

/**
 * Why an instance that takes one rule a policy (its feature gate enableCombinationRetention is
 * false) cannot be sent this change, and what the user can do; undefined when it holds one
 * rule. The run's own rules are already the fewest that express the inputs (one, unless
 * exceptions are kept), and the rules of other scopes are other workflows' to keep.
 */
export function oneRuleRefusal(change: Change, repositories: string[]): string | undefined {
  const rules = (change.after as unknown as RetentionPolicy).rules
  if (rules.length <= 1) return undefined
  const ours = rules.filter(ownedBy(repositories)).length
  const others = rules.length - ours
  const why = [
    ...(ours > 1
      ? [
          'keeping the tags of retention_exceptions and the signature tags (retention_keep_signatures, on by default) takes a rule of its own'
        ]
      : []),
    ...(others > 0
      ? [
          `the namespace's policy holds ${others} rule${others === 1 ? '' : 's'} for other repositories, and a namespace has one policy`
        ]
      : [])
  ]
  const ways = [
    ...(ours > 1
      ? [
          'drop retention_exceptions and set retention_keep_signatures to false, only if those tags may be deleted'
        ]
      : []),
    ...(others > 0 ? ["leave this namespace's retention to one workflow or to the console"] : []),
    'use an instance whose feature gates allow combination retention'
  ]
  return `The retention policy of namespace "${change.name}" would hold ${rules.length} rules, and the instance takes one rule a policy (its feature gate enableCombinationRetention is false): ${why.join('; ')}. The policy was not sent. To go on: ${ways.join('; or ')}.`
}

/** Whether a stored policy holds every rule of `policy`: how a lost create is recognised. */
function holds(policy: RetentionPolicy) {
  return (stored: StoredRetentionPolicy) =>
    policy.rules.every(r => stored.rules.some(s => ruleKey(s) === ruleKey(r)))
}

export async function applyRetention(
  client: Pick<
    SwrEnterpriseClient,
    | 'createRetentionPolicy'
    | 'updateRetentionPolicy'
    | 'listRetentionPolicies'
    | 'deleteRetentionPolicy'
  >,
  namespace: string,
  change: Change
): Promise<void> {
  if (change.action === 'delete') {
    // Only a policy left with no rule by repositories taken down (scope.ts) is deleted.
    await client.deleteRetentionPolicy(namespace, (change.before as { id: number }).id)
    return
  }
  const policy = change.after as unknown as RetentionPolicy
  const id = (change.before as { id?: number } | null)?.id
  if (id !== undefined) {
    await client.updateRetentionPolicy(namespace, id, policy)
    return
  }
  try {
    await client.createRetentionPolicy(namespace, policy, holds(policy))
  } catch (err) {
    // A namespace holds one policy: another run made it first. Ours goes into that one.
    if (!(err instanceof ApiError) || err.status !== 409) throw err
    const [current] = await client.listRetentionPolicies(namespace)
    if (!current) throw err
    // A create was planned on a namespace without a policy: every rule in it is the run's.
    const merged = mergedPolicy(namespace, current, policy.rules)
    await client.updateRetentionPolicy(namespace, current.id, merged)
  }
}
