// The plan's vocabulary, shared by every kind of resource: a change is a plain object that
// says what will be done to what, from which settings to which, and why.
import type { DriftPolicy, RetentionSpec } from '../github/inputs.js'
import type { Category } from '../swr/names.js'

type ResourceKind =
  | 'organization'
  | 'repository'
  | 'retention'
  | 'sharing'
  | 'replication'
  // IAM users' grants on the organization and on each repository.
  | 'organization-permission'
  | 'repository-permission'
  // An Enterprise Edition instance's namespace and its immutable tag rules.
  | 'namespace'
  | 'immutability'

type ChangeAction = 'create' | 'update' | 'replace' | 'delete'

export interface Change {
  resource: ResourceKind
  /** What it applies to: "group" for an organization, "group/app" for the rest. */
  name: string
  action: ChangeAction
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  reason: string
  /** The region it applies in, when not the run's own (a replication target's organization). */
  region?: string
  /** Why it cannot be made, found while planning (a grant whose IAM user could not be found). */
  blocked?: string
}

/**
 * What became of a change: done; found done (another run made it first); failed; skipped
 * because one it needs failed; only planned (a dry run); or left to the first docker push
 * (an Enterprise Edition repository, which no call creates).
 */
export type ChangeOutcome =
  'done' | 'found done' | 'failed' | 'skipped' | 'planned' | 'on first push'

/** Settings the workflow asked for; an absent key means "no opinion". */
export interface WantedSettings {
  is_public?: boolean
  category?: Category
  description?: string
}

/** The state the inputs ask for. */
export interface Wanted {
  namespace: string
  repositories: string[]
  settings: WantedSettings
  onDrift: DriftPolicy
  retention?: RetentionSpec
  /** The accounts that may pull; undefined: sharing is neither read nor changed. */
  shareWith?: WantedSharing[]
  /** Where pushed images are copied; undefined: auto-sync is neither read nor changed. */
  replicateTo?: ReplicationTarget[]
  /** Whether the copies replace tags that already exist in the target. */
  replicateOverride?: boolean
  /** IAM users' grants on the organization; undefined: neither read nor changed. */
  organizationPermissions?: WantedGrant[]
  /** IAM users' grants on every repository; undefined: neither read nor changed. */
  repositoryPermissions?: WantedGrant[]
  /** 'absent': the listed repositories are deleted (with replicate_to, their replicas too). */
  ensure?: 'present' | 'absent'
  /** Glob patterns: the organization's repositories matching one and not listed are deleted. */
  prune?: string[]
}

/** A grant as asked for, with the user's id once known (given, or found at IAM). */
export interface WantedGrant {
  user: string
  level: 'read' | 'write' | 'manage'
  id?: string
  /** Why IAM could not give the id (no such user, lookup refused). */
  lookupError?: string
}

export interface WantedSharing {
  account: string
  /** 'YYYY-MM-DD' (UTC midnight); absent: forever. */
  until?: string
}

export interface ReplicationTarget {
  region: string
  namespace: string
  /** The registry host of the target region, for the replicas' paths. */
  registry: string
}

export interface DriftItem {
  setting: 'is_public' | 'category' | 'description'
  actual: string | boolean
  wanted: string | boolean
}
