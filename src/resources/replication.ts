// Auto-sync rules that copy every pushed image to the same repository name in another region.
// A rule cannot be changed in place: a different `override` replaces it. Rules to targets not
// listed follow on_drift. The target organization must exist in the target region: it is
// planned like the run's own organization, in that region.
import { messageOf } from '../values.js'
import type { DriftPolicy } from '../github/inputs.js'
import type { SwrAccessClient, SyncRule } from '../swr/access-client.js'
import { accessChange, unlisted, type AccessDiff } from './access-change.js'
import type { Change, ReplicationTarget } from './types.js'
import { throughLag, untilVisible, type Waiting } from './waiting.js'

export const targetKey = (t: { region: string; namespace: string }) => `${t.region}/${t.namespace}`

/** The target a key names: neither a region nor an organization name holds a "/". */
export function targetOfKey(key: string): { region: string; namespace: string } {
  const [region, namespace] = key.split('/') as [string, string]
  return { region, namespace }
}

function ruleFor(target: ReplicationTarget, override: boolean): SyncRule {
  return { region: target.region, namespace: target.namespace, syncAuto: true, override }
}

/** `current` is undefined for a repository this run creates, which has no rule yet. */
export function diffReplication(
  name: string,
  targets: ReplicationTarget[],
  current: SyncRule[] | undefined,
  override: boolean,
  onDrift: DriftPolicy
): AccessDiff {
  const changes: Change[] = []
  for (const target of targets) {
    const after = ruleFor(target, override)
    const found = current?.find(r => targetKey(r) === targetKey(target))
    if (!found) {
      const reason = `no auto-sync to ${targetKey(target)}`
      changes.push(accessChange('replication', name, 'create', null, after, reason))
    } else if (found.override !== override || !found.syncAuto) {
      const reason = `the auto-sync to ${targetKey(target)} has override ${found.override} and syncAuto ${found.syncAuto}, wanted override ${override} and syncAuto true`
      changes.push(accessChange('replication', name, 'replace', found, after, reason))
    }
  }
  const extra = (current ?? [])
    .filter(r => !targets.some(t => targetKey(t) === targetKey(r)))
    .map(entry => ({ entry, label: targetKey(entry), resource: 'replication' as const }))
  return unlisted(name, 'replicate_to', 'has auto-sync to', extra, onDrift, changes)
}

/** Creates the rule, waiting while SWR does not show the repository or target organization yet. */
function createRule(
  client: Pick<SwrAccessClient, 'createSyncRule'>,
  namespace: string,
  repository: string,
  rule: SyncRule,
  waiting: Waiting
): Promise<void> {
  return untilVisible(
    waiting,
    async () =>
      (await client.createSyncRule(namespace, repository, rule, read =>
        throughLag(waiting, read)
      )) === 'created'
        ? 'done'
        : 'absent',
    tries =>
      `create the auto-sync of "${namespace}/${repository}" to ${targetKey(rule)} failed: the repository or the target organization still reads as missing (${tries} tries)`
  )
}

export async function applyReplication(
  client: Pick<SwrAccessClient, 'createSyncRule' | 'deleteSyncRule'>,
  namespace: string,
  repository: string,
  change: Change,
  waiting: Waiting
): Promise<void> {
  const before = change.before as unknown as SyncRule | null
  const after = change.after as unknown as SyncRule | null
  if (before) await client.deleteSyncRule(namespace, repository, before)
  if (!after) return
  try {
    await createRule(client, namespace, repository, after, waiting)
  } catch (err) {
    if (!before) throw err
    // Say what the half-done replacement left behind: no rule to that target.
    const reason = messageOf(err)
    throw new Error(
      `${reason} (the previous rule to ${targetKey(before)} was deleted first, so images are no longer copied there)`,
      { cause: err }
    )
  }
}
