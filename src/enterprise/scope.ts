// Repositories taken down leave the scope of the namespace's policies that name them: a
// retention rule or an immutable tag rule whose scope names repositories (as the action writes
// scopes: "app" or "{app,web}") loses the deleted ones, and a rule left naming none is removed
// (a retention policy left with no rule is deleted). Rules scoped by wildcards ("**", "app-*")
// are nobody's to narrow and stay as they are. The immutable tag rules' changes apply before the
// deletes, so that a rule the action made does not keep the repository it was made for; the
// retention policy's after them, for the repositories actually gone (apply.ts).
import type { Change } from '../resources/types.js'
import type {
  RetentionRule,
  ScopeSelectors,
  StoredImmutableRule,
  StoredRetentionPolicy,
  SwrEnterpriseClient
} from '../swr/enterprise-client.js'
import { anyOf, namesIn } from './retention.js'

function narrowed(scope: ScopeSelectors | undefined, leaving: Set<string>): string[] | undefined {
  const names = namesIn(scope)
  if (!names.some(n => leaving.has(n))) return undefined
  return names.filter(n => !leaving.has(n))
}

function scopeFor(names: string[]): ScopeSelectors {
  return { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: anyOf(names) }] }
}

/** The rules without the leaving repositories; undefined when no rule names one. */
function rulesWithout(rules: RetentionRule[], leaving: Set<string>): RetentionRule[] | undefined {
  let touched = false
  const kept = rules.flatMap(rule => {
    const names = narrowed(rule.scope_selectors, leaving)
    if (names === undefined) return [rule]
    touched = true
    return names.length === 0 ? [] : [{ ...rule, scope_selectors: scopeFor(names) }]
  })
  return touched ? kept : undefined
}

const listOf = (leaving: Set<string>) => [...leaving].sort().join(', ')

/**
 * The retention change that takes the leaving repositories out of the namespace's policy:
 * merged into the run's own retention change when there is one, else an update (or a delete,
 * when no rule is left) of the first policy.
 */
export function retentionLeaving(
  namespace: string,
  policies: StoredRetentionPolicy[] | undefined,
  planned: Change | undefined,
  leaving: Set<string>
): Change | undefined {
  if (leaving.size === 0) return planned
  const why = `repositories taken down leave its scope: ${listOf(leaving)}`
  if (planned?.after) {
    const after = planned.after as { rules: RetentionRule[] }
    const rules = rulesWithout(after.rules, leaving)
    if (!rules) return planned
    return { ...planned, after: { ...after, rules }, reason: `${planned.reason}; ${why}` }
  }
  const current = policies?.[0]
  if (!current) return undefined
  const rules = rulesWithout(current.rules, leaving)
  if (!rules) return undefined
  const base = { resource: 'retention' as const, name: namespace, before: { ...current } }
  if (rules.length === 0) {
    const reason = `the namespace's retention policy ${current.id} is left with no rule: ${why}`
    return { ...base, action: 'delete', after: null, reason }
  }
  const reason = `the namespace's retention policy ${current.id}: ${why}`
  return { ...base, action: 'update', after: { ...current, rules }, reason }
}

/** The immutable tag rules that name leaving repositories: narrowed, or removed when emptied. */
export function immutabilityLeaving(
  namespace: string,
  rules: StoredImmutableRule[] | undefined,
  leaving: Set<string>
): Change[] {
  return (rules ?? []).flatMap((rule): Change[] => {
    const names = narrowed(rule.scope_selectors, leaving)
    if (names === undefined) return []
    const before = { id: rule.id, repositories: anyOf(namesIn(rule.scope_selectors)) }
    const gone = namesIn(rule.scope_selectors).filter(n => leaving.has(n))
    const base = { resource: 'immutability' as const, name: namespace }
    if (names.length === 0) {
      const reason = `the immutable tag rule ${rule.id} is left with no repository: ${gone.join(', ')} taken down`
      return [
        { ...base, action: 'delete', before: { ...before, scopeOnly: true }, after: null, reason }
      ]
    }
    const after = { id: rule.id, repositories: anyOf(names), scopeOnly: true }
    const reason = `repositories taken down leave the scope of immutable tag rule ${rule.id}: ${gone.join(', ')}`
    return [{ ...base, action: 'update', before, after, reason }]
  })
}

/** Applies an immutable tag rule's narrowed scope: the rule as stored, with the new scope. */
export async function applyImmutabilityLeaving(
  client: Pick<
    SwrEnterpriseClient,
    'listImmutableRules' | 'updateImmutableRule' | 'deleteImmutableRule'
  >,
  namespace: string,
  change: Change
): Promise<void> {
  const { id } = change.before as { id: number }
  if (change.action === 'delete') {
    await client.deleteImmutableRule(namespace, id)
    return
  }
  const stored = (await client.listImmutableRules(namespace)).find(r => r.id === id)
  // Gone meanwhile: nothing is left to narrow.
  if (!stored) return
  const pattern = (change.after as { repositories: string }).repositories
  const scope: ScopeSelectors = {
    repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern }]
  }
  const { priority, disabled, action, template, tag_selectors } = stored
  const rule = { priority, disabled, action, template, tag_selectors, scope_selectors: scope }
  await client.updateImmutableRule(namespace, id, rule)
}
