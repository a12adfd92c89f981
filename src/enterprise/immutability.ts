// Immutable tags on an instance: one immutable tag rule of the namespace per pattern of
// immutable_tags, scoped to exactly the repositories of the run. Rules with that scope for
// patterns not listed follow on_drift; rules scoped otherwise are another workflow's.
import type { DriftPolicy } from '../github/inputs.js'
import type { Change } from '../resources/types.js'
import type {
  ImmutableRule,
  StoredImmutableRule,
  SwrEnterpriseClient
} from '../swr/enterprise-client.js'
import { anyOf, namesIn, ownedBy, scopeKey, scopeOf } from './retention.js'

/** A rule as the plan shows it. */
interface RuleView {
  id?: number
  pattern: string
  repositories: string
  disabled: boolean
}

export function immutableRule(pattern: string, repositories: string[]): ImmutableRule {
  return {
    priority: 0,
    disabled: false,
    action: 'immutable',
    template: 'immutable_template',
    tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern }],
    scope_selectors: scopeOf(repositories)
  }
}

/** The single "matches" pattern of a rule the action could have made, else undefined. */
function patternOf(rule: StoredImmutableRule): string | undefined {
  const [only, ...more] = rule.tag_selectors ?? []
  return only && more.length === 0 && only.decoration === 'matches' ? only.pattern : undefined
}

function viewOf(rule: StoredImmutableRule, scope: string): RuleView {
  return {
    id: rule.id,
    pattern: patternOf(rule) ?? '',
    repositories: scope,
    disabled: rule.disabled
  }
}

export interface ImmutabilityDiff {
  changes: Change[]
  warning?: string
  failure?: string
}

function change(
  namespace: string,
  action: Change['action'],
  before: RuleView | null,
  after: RuleView | null,
  reason: string
): Change {
  const plain = (v: RuleView | null) => (v ? { ...v } : null)
  return {
    resource: 'immutability',
    name: namespace,
    action,
    before: plain(before),
    after: plain(after),
    reason
  }
}

/**
 * The namespace's immutable tag rule changes. `rules` is undefined when the namespace is to be
 * created, and holds the namespace's rules otherwise.
 */
export function diffImmutability(
  namespace: string,
  patterns: string[],
  repositories: string[],
  rules: StoredImmutableRule[] | undefined,
  onDrift: DriftPolicy
): ImmutabilityDiff {
  const scope = scopeOf(repositories).repository[0]?.pattern ?? ''
  const key = scopeKey({ scope_selectors: scopeOf(repositories) })
  // The run's rules: those scoped to these repositories, also under an earlier list of them.
  const owned = (rules ?? []).filter(r => ownedBy(repositories)(r) && patternOf(r) !== undefined)
  const ours = owned.filter(r => scopeKey(r) === key)
  const changes: Change[] = []
  for (const pattern of patterns) {
    const existing = ours.find(r => patternOf(r) === pattern)
    const after = { pattern, repositories: scope, disabled: false }
    if (!existing) {
      changes.push(
        change(
          namespace,
          'create',
          null,
          after,
          `no rule keeps tags ${pattern} of ${scope} immutable`
        )
      )
    } else if (existing.disabled) {
      const before = viewOf(existing, scope)
      changes.push(
        change(
          namespace,
          'update',
          before,
          { ...after, id: existing.id },
          `the rule for ${pattern} is disabled`
        )
      )
    }
  }
  const extra = owned.filter(r => scopeKey(r) !== key || !patterns.includes(patternOf(r) as string))
  if (extra.length === 0) return { changes }
  const listed = extra
    .map(
      r =>
        `${patternOf(r)}${scopeKey(r) === key ? '' : ` (for ${namesIn(r.scope_selectors).join(', ')})`}`
    )
    .join(', ')
  const found = `Namespace "${namespace}" has immutable tag rules for ${scope} that immutable_tags does not list: ${listed}`
  if (onDrift === 'fail') return { changes: [], failure: `${found} (on_drift: fail).` }
  if (onDrift === 'warn')
    return { changes, warning: `${found}; left as they are (on_drift: warn).` }
  const deletes = extra.map(r =>
    change(
      namespace,
      'delete',
      viewOf(r, anyOf(namesIn(r.scope_selectors))),
      null,
      `on_drift: update, and ${patternOf(r)} for ${anyOf(namesIn(r.scope_selectors))} is not listed in immutable_tags`
    )
  )
  return { changes: [...changes, ...deletes] }
}

export async function applyImmutability(
  client: Pick<
    SwrEnterpriseClient,
    'createImmutableRule' | 'updateImmutableRule' | 'deleteImmutableRule'
  >,
  namespace: string,
  repositories: string[],
  change: Change
): Promise<void> {
  const before = change.before as RuleView | null
  const after = change.after as RuleView | null
  if (change.action === 'delete' && before?.id !== undefined) {
    await client.deleteImmutableRule(namespace, before.id)
    return
  }
  const pattern = (after as RuleView).pattern
  const rule = immutableRule(pattern, repositories)
  if (change.action === 'update' && before?.id !== undefined) {
    await client.updateImmutableRule(namespace, before.id, rule)
    return
  }
  const key = scopeKey(rule)
  await client.createImmutableRule(
    namespace,
    rule,
    stored => scopeKey(stored) === key && patternOf(stored) === pattern && !stored.disabled
  )
}
