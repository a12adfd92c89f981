// What a run tells the user, whichever edition ran it: each change with what became of it, one
// result per repository, and the run's Report, which the outputs, the log and the job summary
// are written from (src/github/). Both editions build it (standard/report.ts,
// enterprise/report.ts). Pure.
import type { Change, ChangeOutcome, DriftItem } from './resources/types.js'
import type { RepositorySettings } from './swr/client.js'

/** A change of the plan with what became of it. */
export interface ChangeRecord extends Change {
  outcome: ChangeOutcome
  error?: string
  /** Something the user should know about how it went. */
  note?: string
}

export type RepositoryAction =
  | 'created'
  | 'unchanged'
  | 'updated'
  | 'would create'
  | 'would update'
  | 'failed'
  // An Enterprise Edition repository that does not exist yet: the first docker push creates it.
  | 'pending push'
  // ensure: absent and prune: taken down, to be taken down, or not there to begin with.
  | 'deleted'
  | 'would delete'
  | 'absent'

export interface RepositoryResult {
  repository: string
  /** Its image path; empty when it does not exist after the run (and would not, in a dry run). */
  path: string
  action: RepositoryAction
  created: boolean
  updated: boolean
  /** What the repository has after this run (or would have, in a dry run), when known. */
  settings?: RepositorySettings
  drift: DriftItem[]
  retention?: AccessAction
  /** With share_with: each account it is (or was, or would be) shared with. */
  sharing?: { account: string; deadline: string; action: AccessAction }[]
  /** With replicate_to: each target, with the replica's image path. */
  replication?: { region: string; namespace: string; path: string; action: AccessAction }[]
  /** With repository_permissions: each IAM user granted (or whose grant was found), and its level. */
  permissions?: GrantResult[]
  /** An Enterprise Edition repository's description after the run, when it exists. */
  description?: string
  /** With immutable_tags: what became of the namespace's immutable tag rules for it. */
  immutability?: AccessAction
  /** What the user should know, e.g. that the first push creates the repository. */
  note?: string
  error?: string
}

/**
 * What became of a retention policy, a sharing or an auto-sync rule. "kept": not listed, left
 * as it is; "skipped": not tried, because a change it needs failed.
 */
export type AccessAction =
  | 'created'
  | 'updated'
  | 'replaced'
  | 'removed'
  | 'unchanged'
  | 'kept'
  | 'would create'
  | 'would update'
  | 'would replace'
  | 'would remove'
  | 'failed'
  | 'skipped'
  // A replica that is not there to delete.
  | 'absent'

/** One IAM user's grant after the run: the level it has (or would have, or was asked for). */
export interface GrantResult {
  user: string
  level: string
  action: AccessAction
}

export type OrganizationOutcome = 'created' | 'exists' | 'would create' | 'failed' | 'not reached'

export interface Report {
  namespace: string
  dryRun: boolean
  organization: OrganizationOutcome
  /** Every change, the organization's first, with what became of it. */
  changes: ChangeRecord[]
  repositories: RepositoryResult[]
  /** Every replica's image path: repository order, then target order. */
  replicaPaths: string[]
  /** Per repository, in the order given: drift left alone, extra policies. */
  warnings: string[]
  /** With organization_permissions: each IAM user's grant on the organization. */
  organizationPermissions?: GrantResult[]
  /** What failed of the organization's grants (a grant, or the whole input under on_drift: fail). */
  organizationErrors?: string[]
  /** The image paths of the repositories (replicas included) this run deleted. */
  deleted: string[]
  /**
   * Enterprise Edition: a namespace policy change that failed and no repository's result
   * carries (a scope narrowed for repositories taken down, which have their own outcome).
   */
  namespaceErrors?: string[]
}

export interface PathRules {
  /** The registry input: it replaces the host of every path, the service's too. */
  registryOverride?: string
  /** The registry host derived from the endpoint, for paths the service does not return. */
  knownHost?: string
}

/** The `plan` output: the changes alone, as plain objects. */
export function planOutput(changes: Change[]): Change[] {
  return changes.map(({ resource, name, action, before, after, reason, region }) => ({
    resource,
    name,
    ...(region ? { region } : {}),
    action,
    before,
    after,
    reason
  }))
}

const DONE = {
  create: 'created',
  update: 'updated',
  replace: 'replaced',
  delete: 'removed'
} as const

export function accessAction(record: ChangeRecord | undefined): AccessAction {
  if (!record) return 'unchanged'
  if (record.outcome === 'planned')
    return `would ${record.action === 'delete' ? 'remove' : record.action}`
  if (record.outcome === 'skipped') return 'skipped'
  return record.outcome === 'done' || record.outcome === 'found done'
    ? DONE[record.action]
    : 'failed'
}
