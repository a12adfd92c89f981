// Auto-sync rules that copy every pushed image to the same repository name in another region.
// A rule cannot be changed in place: a different `override` replaces it. Rules to targets not
// listed follow on_drift. The target organization must exist in the target region: it is
// planned like the run's own organization, in that region.
import type { DriftPolicy } from '../github/inputs.js'
import type { SwrAccessClient, SyncRule } from '../swr/access-client.js'
import type { AccessDiff } from './sharing.js'
import type { Change, ReplicationTarget } from './types.js'

export const targetKey = (t: { region: string; namespace: string }) => `${t.region}/${t.namespace}`

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
  const change = (
    action: Change['action'],
    before: SyncRule | null,
    after: SyncRule | null,
    reason: string
  ): Change => ({
    resource: 'replication',
    name,
    action,
    before: before ? { ...before } : null,
    after: after ? { ...after } : null,
    reason
  })
  const changes: Change[] = []
  for (const target of targets) {
    const after = ruleFor(target, override)
    const found = current?.find(r => targetKey(r) === targetKey(target))
    if (!found) changes.push(change('create', null, after, `no auto-sync to ${targetKey(target)}`))
    else if (found.override !== override || !found.syncAuto) {
      changes.push(
        change(
          'replace',
          found,
          after,
          `the auto-sync to ${targetKey(target)} has override ${found.override} and syncAuto ${found.syncAuto}, wanted override ${override} and syncAuto true`
        )
      )
    }
  }
  const extra = (current ?? []).filter(r => !targets.some(t => targetKey(t) === targetKey(r)))
  if (extra.length === 0) return { changes }
  const listed = extra.map(targetKey).join(', ')
  if (onDrift === 'fail') {
    return {
      changes: [],
      failure: `Repository "${name}" has auto-sync to ${listed}, not listed in replicate_to (on_drift: fail).`
    }
  }
  if (onDrift === 'warn') {
    return {
      changes,
      warning: `Repository "${name}" has auto-sync to ${listed}, not listed in replicate_to; left as it is (on_drift: warn).`
    }
  }
  for (const r of extra)
    changes.push(
      change(
        'delete',
        r,
        null,
        `on_drift: update, and ${targetKey(r)} is not listed in replicate_to`
      )
    )
  return { changes }
}

export async function applyReplication(
  client: Pick<SwrAccessClient, 'createSyncRule' | 'deleteSyncRule'>,
  namespace: string,
  repository: string,
  change: Change
): Promise<void> {
  if (change.before)
    await client.deleteSyncRule(namespace, repository, change.before as unknown as SyncRule)
  if (change.after)
    await client.createSyncRule(namespace, repository, change.after as unknown as SyncRule)
}
