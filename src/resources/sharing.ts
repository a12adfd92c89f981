// Sharing a private repository with other accounts (read permission, SWR's only one): missing
// sharing is created, a different deadline changed, and sharing with accounts that are not
// listed follows on_drift, as any other setting the workflow did not ask for.
import type { DriftPolicy } from '../github/inputs.js'
import { sameAccount, type Sharing, type SwrAccessClient } from '../swr/access-client.js'
import { accessChange, unlisted, type AccessDiff } from './access-change.js'
import type { Change, WantedSharing } from './types.js'
import { throughLag, untilVisible, type Waiting } from './waiting.js'

/** SWR's deadline for a sharing: "forever", or UTC midnight of the date given. */
export function deadlineOf(wanted: WantedSharing): string {
  return wanted.until ? `${wanted.until}T00:00:00Z` : 'forever'
}

function sameDeadline(a: string, b: string): boolean {
  if (a === 'forever' || b === 'forever') return a === b
  return Date.parse(a) === Date.parse(b)
}

/** `current` is undefined for a repository this run creates, which shares with nobody yet. */
export function diffSharing(
  name: string,
  wanted: WantedSharing[],
  current: Sharing[] | undefined,
  onDrift: DriftPolicy
): AccessDiff {
  const changes: Change[] = []
  for (const w of wanted) {
    const after = { account: w.account, deadline: deadlineOf(w) }
    const found = current?.find(s => sameAccount(s.account, w.account))
    if (!found) {
      const reason = `the repository is not shared with "${w.account}"`
      changes.push(accessChange('sharing', name, 'create', null, after, reason))
    } else if (!sameDeadline(found.deadline, after.deadline)) {
      const reason = `the sharing with "${w.account}" ends ${found.deadline}, wanted ${after.deadline}`
      changes.push(accessChange('sharing', name, 'update', found, after, reason))
    }
  }
  const extra = (current ?? [])
    .filter(s => !wanted.some(w => sameAccount(w.account, s.account)))
    .map(entry => ({ entry, label: `"${entry.account}"`, resource: 'sharing' as const }))
  return unlisted(name, 'share_with', 'is shared with', extra, onDrift, changes)
}

/**
 * Applies one change. 'found done' when a create met sharing made already, on the terms wanted,
 * by another run; sharing made by this run's attempt whose answer was lost is 'done'.
 */
export async function applySharing(
  client: Pick<
    SwrAccessClient,
    'createSharing' | 'updateSharing' | 'deleteSharing' | 'listSharing'
  >,
  namespace: string,
  repository: string,
  change: Change,
  waiting: Waiting
): Promise<'done' | 'found done'> {
  if (change.action === 'delete') {
    await client.deleteSharing(namespace, repository, (change.before as unknown as Sharing).account)
  } else if (change.action === 'update') {
    await client.updateSharing(namespace, repository, change.after as unknown as Sharing)
  } else {
    const sharing = change.after as unknown as Sharing
    let outcome = 'absent' as Awaited<ReturnType<SwrAccessClient['createSharing']>>
    await untilVisible(
      waiting,
      async () => {
        outcome = await client.createSharing(namespace, repository, sharing, read =>
          throughLag(waiting, read)
        )
        return outcome === 'absent' ? 'absent' : 'done'
      },
      tries =>
        `share "${namespace}/${repository}" with account "${sharing.account}" failed: the repository still reads as missing (${tries} tries)`
    )
    if (outcome !== 'created') {
      const converged = await converge(client, namespace, repository, sharing)
      // A 409 after this run's own lost attempt: that attempt shared it, this run's change.
      return outcome === 'exists, ours' ? 'done' : converged
    }
  }
  return 'done'
}

/**
 * SWR answered 409: the account has access already (another run shared it since the read).
 * Its terms are read back, and its deadline changed when it is not the one wanted.
 */
async function converge(
  client: Pick<SwrAccessClient, 'listSharing' | 'updateSharing'>,
  namespace: string,
  repository: string,
  sharing: Sharing
): Promise<'done' | 'found done'> {
  const found = (await client.listSharing(namespace, repository)).find(s =>
    sameAccount(s.account, sharing.account)
  )
  if (!found) {
    throw new Error(
      `share "${namespace}/${repository}" with account "${sharing.account}" failed: SWR answered 409 (already shared), but its list of the repository's sharing does not show that account`
    )
  }
  if (sameDeadline(found.deadline, sharing.deadline)) return 'found done'
  await client.updateSharing(namespace, repository, sharing)
  return 'done'
}
