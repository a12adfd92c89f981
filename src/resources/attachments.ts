// What hangs off a repository besides its own settings: retention, sharing, replication. Each
// kind has the same parts (read, diff, apply) and is listed once here; reading, planning and
// applying go through this list, so adding a kind is adding its module and one entry.
import type { SwrAccessClient } from '../swr/access-client.js'
import type { SwrClient } from '../swr/client.js'
import { applyGrant, diffGrants, readGrantEntries, type PermissionClient } from './permissions.js'
import { applyReplication, diffReplication, targetKey } from './replication.js'
import { applyRetention, diffRetention } from './retention.js'
import type { Waiting } from './waiting.js'
import type { AccessDiff } from './access-change.js'
import { applySharing, diffSharing } from './sharing.js'
import type { Change, Wanted } from './types.js'

export interface AttachmentClients {
  swr: Pick<SwrClient, 'listRetentions' | 'createRetention' | 'updateRetention' | 'deleteRetention'>
  access: Pick<
    SwrAccessClient,
    | 'listSharing'
    | 'createSharing'
    | 'updateSharing'
    | 'deleteSharing'
    | 'listSyncRules'
    | 'createSyncRule'
    | 'deleteSyncRule'
  >
  permissions: PermissionClient
}

interface AttachmentContext extends AttachmentClients {
  namespace: string
  waiting: Waiting
  /** Replication targets whose organization could not be created, with why. */
  failedTargets: Map<string, string>
}

/** Where each kind's current state is kept in a repository's observation. */
type AttachmentKey = 'policies' | 'sharing' | 'syncRules' | 'grants'

export interface Attachment {
  resource: 'retention' | 'sharing' | 'replication' | 'repository-permission'
  key: AttachmentKey
  /** Whether the inputs ask about it at all (if not, it is neither read nor changed). */
  wanted(wanted: Wanted): boolean
  read(clients: AttachmentClients, namespace: string, repository: string): Promise<unknown[]>
  /** `current` is undefined for a repository this run creates. */
  diff(wanted: Wanted, name: string, current: unknown[] | undefined): AccessDiff
  /** 'found done' when the change turned out made already (another run made it first). */
  apply(ctx: AttachmentContext, repository: string, change: Change): Promise<void | 'found done'>
}

const retention: Attachment = {
  resource: 'retention',
  key: 'policies',
  wanted: w => w.retention !== undefined,
  read: (c, ns, repo) => c.swr.listRetentions(ns, repo),
  diff: (w, name, current) => {
    const d = diffRetention(name, w.retention!, current as Parameters<typeof diffRetention>[2])
    return { changes: d.change ? [d.change] : [], ...(d.warning ? { warning: d.warning } : {}) }
  },
  apply: (ctx, repo, change) => applyRetention(ctx.swr, ctx.namespace, repo, change, ctx.waiting)
}

const sharing: Attachment = {
  resource: 'sharing',
  key: 'sharing',
  wanted: w => w.shareWith !== undefined,
  read: (c, ns, repo) => c.access.listSharing(ns, repo),
  diff: (w, name, current) =>
    diffSharing(name, w.shareWith!, current as Parameters<typeof diffSharing>[2], w.onDrift),
  apply: async (ctx, repo, change) =>
    (await applySharing(ctx.access, ctx.namespace, repo, change, ctx.waiting)) === 'found done'
      ? 'found done'
      : undefined
}

const replication: Attachment = {
  resource: 'replication',
  key: 'syncRules',
  wanted: w => w.replicateTo !== undefined,
  read: (c, ns, repo) => c.access.listSyncRules(ns, repo),
  diff: (w, name, current) =>
    diffReplication(
      name,
      w.replicateTo!,
      current as Parameters<typeof diffReplication>[2],
      w.replicateOverride ?? false,
      w.onDrift
    ),
  apply: async (ctx, repo, change) => {
    const target = change.after as { region: string; namespace: string } | null
    const failed = target && ctx.failedTargets.get(targetKey(target))
    if (failed) throw new Error(failed)
    await applyReplication(ctx.access, ctx.namespace, repo, change, ctx.waiting)
  }
}

const permissions: Attachment = {
  resource: 'repository-permission',
  key: 'grants',
  wanted: w => w.repositoryPermissions !== undefined,
  read: (c, namespace, repository) => readGrantEntries(c.permissions, { namespace, repository }),
  diff: (w, name, current) =>
    diffGrants(
      'repository-permission',
      name,
      `Repository "${name}"`,
      'repository_permissions',
      w.repositoryPermissions!,
      current as Parameters<typeof diffGrants>[5],
      w.onDrift
    ),
  apply: async (ctx, repository, change) => {
    const outcome = await applyGrant(
      ctx.permissions,
      { namespace: ctx.namespace, repository },
      change,
      ctx.waiting
    )
    return outcome === 'found done' ? outcome : undefined
  }
}

/** In the order their changes apply, after the repository's own. */
export const ATTACHMENTS: readonly Attachment[] = [retention, sharing, replication, permissions]

export function attachmentFor(resource: Change['resource']): Attachment | undefined {
  return ATTACHMENTS.find(a => a.resource === resource)
}
