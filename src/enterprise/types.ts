// What an Enterprise Edition run wants, what its reads found and what its plan says, as plain
// data. The vocabulary of changes (Change, DriftItem) is the standard edition's.
import type { DriftPolicy, RetentionSpec } from '../github/inputs.js'
import type { Change, DriftItem } from '../resources/types.js'
import type {
  EnterpriseRepositoryRead,
  InstanceInfo,
  NamespaceInfo,
  StoredImmutableRule,
  StoredRetentionPolicy
} from '../swr/enterprise-client.js'
import type { ChangeRecord } from '../report.js'

export interface EnterpriseWanted {
  instanceId: string
  namespace: string
  repositories: string[]
  /** The namespace's visibility; undefined: a new one is private, an existing one not compared. */
  isPublic?: boolean
  /** '' means no opinion. */
  description: string
  onDrift: DriftPolicy
  retention?: RetentionSpec
  /** Undefined: immutable tag rules are neither read nor changed. */
  immutableTags?: string[]
  /** 'absent': the listed repositories are deleted; the namespace never is. */
  ensure?: 'present' | 'absent'
  /** Glob patterns: the namespace's repositories matching one and not listed are deleted. */
  prune?: string[]
}

/** One repository's read; `error` when it failed. */
export interface RepositoryObservation {
  read?: EnterpriseRepositoryRead
  error?: string
}

export interface EnterpriseObserved {
  /** Undefined when it was not read: registry was given and no answer left its state in doubt. */
  instance?: InstanceInfo
  namespace: NamespaceInfo | 'missing'
  repositories: RepositoryObservation[]
  /** With prune: the namespace's repositories to delete besides the listed ones, by name. */
  pruned?: { repository: string; pattern: string; read: EnterpriseRepositoryRead }[]
  /** What the reads found worth a warning (list items dropped for their names). */
  warnings?: string[]
  /** The namespace's retention policies, read when retention is wanted and it exists. */
  retention?: StoredRetentionPolicy[]
  /** The namespace's immutable tag rules, read when immutable_tags is set and it exists. */
  immutable?: StoredImmutableRule[]
  /**
   * The instance's feature gate enableCombinationRetention, read only when the plan would send
   * a retention policy of more than one rule; undefined when not read or not said.
   */
  combinationRetention?: boolean
}

export interface RepositoryPlan {
  repository: string
  /** "group/app" */
  name: string
  exists: boolean
  /** Its description as read, when it exists. */
  description?: string
  /** A description update, or the create the first push makes (never applied by a call). */
  change?: Change
  drift: DriftItem[]
  warning?: string
  failure?: string
  /** The plan takes it down (ensure: absent, or prune). */
  absent?: boolean
  /** Not listed: it matches this prune pattern. */
  prunedBy?: string
}

export interface EnterprisePlan {
  namespace: string
  namespaceChange?: Change
  /** The namespace's visibility drift, shown with every repository. */
  namespaceDrift: DriftItem[]
  repositories: RepositoryPlan[]
  /** Retention, then immutable tag rules: namespace policies scoped to the repositories. */
  policies: Change[]
  /** Policy changes the plan knows the instance refuses: failed, never sent. */
  refused: ChangeRecord[]
  /**
   * What the retention change was planned from when repositories leave its scope, so that
   * after the deletes it narrows the scope only for those actually gone (scope.ts).
   */
  retentionScope?: {
    policies?: StoredRetentionPolicy[]
    planned?: Change
    leaving: string[]
  }
  warnings: string[]
  /** Why nothing can be done at all (drift under on_drift: fail); every repository fails. */
  failure?: string
}

/**
 * Whether the plan deletes a repository: then the immutable tag rules apply before the deletes
 * (a rule scoped to a repository keeps it), and the retention policy after them.
 */
export function deletesAny(plan: Pick<EnterprisePlan, 'repositories'>): boolean {
  return plan.repositories.some(r => r.change?.action === 'delete')
}

/** The changes in the order they apply when the plan deletes: see deletesAny. */
export function aroundDeletes<T extends Pick<Change, 'resource'>>(
  policies: T[],
  repositories: T[]
): T[] {
  const retention = policies.filter(c => c.resource === 'retention')
  return [...policies.filter(c => c.resource !== 'retention'), ...repositories, ...retention]
}

/** Whether a repository's change is the create a push makes, which no call carries out. */
export function isPushCreate(change: Change): boolean {
  return change.resource === 'repository' && change.action === 'create'
}
