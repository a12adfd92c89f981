// A repository's retention policy: SWR allows one per repository, and a rule's template cannot
// change in place, so a new kind of rule replaces the policy (delete, then create).
import { messageOf } from '../values.js'
import type { RetentionSpec } from '../github/inputs.js'
import {
  sameRules,
  type RetentionPolicy,
  type RetentionRule,
  type SwrClient
} from '../swr/client.js'
import type { Change } from './types.js'
import { throughLag, untilVisible, type Waiting } from './waiting.js'

export function retentionRules(spec: RetentionSpec): RetentionRule[] {
  const rule: RetentionRule =
    spec.keepLast !== undefined
      ? { template: 'tag_rule', params: { num: String(spec.keepLast) }, tag_selectors: [] }
      : { template: 'date_rule', params: { days: String(spec.keepDays) }, tag_selectors: [] }
  rule.tag_selectors = spec.exceptions.map(e => ({ kind: e.kind, pattern: e.pattern }))
  return [rule]
}

/**
 * The policy the action manages when a repository holds several (the service may keep a second
 * one): found by what the action writes, not by its position, which a replacement changes. The
 * policy with exactly the wanted rules; else the first whose one rule has the wanted template
 * (changed in place); else the first (replaced). The others are never changed.
 */
function managedPolicy(
  policies: RetentionPolicy[],
  rules: RetentionRule[]
): RetentionPolicy | undefined {
  const template = rules[0]?.template
  return (
    policies.find(p => sameRules(p.rules, rules)) ??
    policies.find(p => p.rules.length === 1 && p.rules[0]?.template === template) ??
    policies[0]
  )
}

export interface RetentionDiff {
  change?: Change
  warning?: string
}

/**
 * The retention change of one repository. `policies` is undefined for a repository this run
 * creates, which has none to read.
 */
export function diffRetention(
  name: string,
  spec: RetentionSpec,
  policies: RetentionPolicy[] | undefined
): RetentionDiff {
  const rules = retentionRules(spec)
  const after = { rules }
  const current = policies && managedPolicy(policies, rules)
  const others = (policies ?? []).filter(p => p !== current).map(p => p.id)
  const warning =
    others.length > 0
      ? `Repository "${name}" has ${others.length + 1} retention policies; the action manages policy ${current?.id} and leaves ${others.length === 1 ? `policy ${others[0]} as it is` : `policies ${others.join(', ')} as they are`}.`
      : undefined
  const change = (action: Change['action'], reason: string): RetentionDiff => ({
    change: {
      resource: 'retention',
      name,
      action,
      before: current ? { id: current.id, rules: current.rules } : null,
      after,
      reason
    },
    ...(warning ? { warning } : {})
  })
  if (!current) {
    return change(
      'create',
      policies ? 'the repository has no retention policy' : 'the repository is new'
    )
  }
  if (sameRules(current.rules, rules)) return warning ? { warning } : {}
  if (current.rules.length === 1 && current.rules[0]?.template === rules[0]?.template) {
    return change('update', 'the policy differs from the inputs')
  }
  return change(
    'replace',
    `the policy's rule is ${current.rules.map(r => r.template).join(', ')}, wanted ${rules[0]?.template}: SWR cannot change a rule's template in place`
  )
}

/** Creates the policy, waiting while SWR does not show the repository created a moment ago. */
function createPolicy(
  client: Pick<SwrClient, 'createRetention'>,
  namespace: string,
  repository: string,
  rules: RetentionRule[],
  waiting: Waiting
): Promise<void> {
  return untilVisible(
    waiting,
    async () =>
      (await client.createRetention(namespace, repository, rules, read =>
        throughLag(waiting, read)
      )) === 'created'
        ? 'done'
        : 'absent',
    tries =>
      `create retention policy of "${namespace}/${repository}" failed: the repository still reads as missing (${tries} tries)`
  )
}

export async function applyRetention(
  client: Pick<SwrClient, 'createRetention' | 'updateRetention' | 'deleteRetention'>,
  namespace: string,
  repository: string,
  change: Change,
  waiting: Waiting
): Promise<void> {
  const rules = (change.after as { rules: RetentionRule[] }).rules
  const id = (change.before as { id?: number } | null)?.id
  if (change.action === 'update' && id !== undefined) {
    await client.updateRetention(namespace, repository, id, rules)
    return
  }
  if (change.action !== 'replace' || id === undefined) {
    await createPolicy(client, namespace, repository, rules, waiting)
    return
  }
  await client.deleteRetention(namespace, repository, id)
  try {
    await createPolicy(client, namespace, repository, rules, waiting)
  } catch (err) {
    // Say what the half-done replacement left behind: no policy at all.
    const reason = messageOf(err)
    throw new Error(
      `${reason} (policy ${id} was deleted first, so the repository now has no retention policy)`,
      { cause: err }
    )
  }
}
