// The plan: what the inputs want, compared with what was read, as a list of changes. Pure
// functions of data (no I/O), so a dry run and a real run plan alike from the same state.
import { diffOrganization, type OrganizationState } from '../resources/organization.js'
import { diffRepository } from '../resources/repository.js'
import type { Change, DriftItem, Wanted } from '../resources/types.js'
import { ATTACHMENTS } from '../resources/attachments.js'
import { targetKey, targetOfKey } from '../resources/replication.js'
import type { Sharing, SyncRule } from '../swr/access-client.js'
import type { RepositoryRead, RepositorySettings, RetentionPolicy } from '../swr/client.js'
import { createOrganizationChange } from '../resources/organization.js'
import { deleteRepositoryChange, settingsOf } from '../resources/repository.js'
import { diffGrants, type GrantEntry } from '../resources/permissions.js'
import { accessChange, type AccessDiff } from '../resources/access-change.js'

/** What one repository's reads found; `error` when a read failed. */
export interface RepositoryObservation {
  read?: RepositoryRead
  /** Its retention policies, read only for an existing repository when retention is wanted. */
  policies?: RetentionPolicy[]
  /** Its sharing, read only for an existing repository when share_with is set. */
  sharing?: Sharing[]
  /** Its auto-sync rules, read only for an existing repository when replicate_to is set. */
  syncRules?: SyncRule[]
  /** Its IAM user grants, read only for an existing repository when repository_permissions is set. */
  grants?: GrantEntry[]
  /** To take it down with replicate_to: its replica in each target ("region/namespace"). */
  replicas?: Record<string, RepositoryRead>
  error?: string
}

/** A repository of the organization that matches a prune pattern and is not listed. */
export interface PrunedObservation {
  repository: string
  /** The pattern it matches. */
  pattern: string
  observation: RepositoryObservation
}

export interface Observed {
  organization: OrganizationState
  repositories: RepositoryObservation[]
  /** Replication targets' organizations ("region/namespace"), read when a rule is to be made. */
  targets?: Map<string, TargetState>
  /** The organization's IAM user grants, read when organization_permissions is set. */
  organizationGrants?: GrantEntry[] | { error: string }
  /** With prune: the repositories to delete besides the listed ones, in name order. */
  pruned?: PrunedObservation[]
  /** What the reads found worth a warning (list items dropped for their names). */
  warnings?: string[]
}

/** A replication target's organization: there, missing, or why it could not be read. */
export type TargetState = 'exists' | 'missing' | { error: string }

export interface RepositoryPlan {
  repository: string
  /** The full name, organization included: "group/app". */
  name: string
  observation: RepositoryObservation
  /** The repository's own changes, in the order they apply: the repository, then retention. */
  changes: Change[]
  drift: DriftItem[]
  warnings: string[]
  /** Why nothing can be done for it (a failed read, drift under on_drift: fail). */
  failure?: string
  /** The plan takes it down (ensure: absent, or prune), its replicas too. */
  absent?: boolean
  /** Not listed: it matches this prune pattern. */
  prunedBy?: string
}

export interface Plan {
  namespace: string
  organization?: Change
  /** The replication targets' organizations to create, each in its own region. */
  targetOrganizations: Change[]
  /** Targets ("region/namespace") whose organization could not be read, with why. */
  targetErrors: Record<string, string>
  repositories: RepositoryPlan[]
  /** The organization's grants, when organization_permissions is set: applied after the repositories. */
  organizationPermissions?: AccessDiff & { found?: GrantEntry[] }
}

/** The settings a repository will have once its planned change is made. */
function settingsAfter(
  read: RepositoryRead,
  change: Change | undefined
): RepositorySettings | undefined {
  if (change?.after) return change.after as unknown as RepositorySettings
  return read.state === 'exists' ? settingsOf(read.info) : undefined
}

export function planRepository(
  wanted: Wanted,
  repository: string,
  observation: RepositoryObservation
): RepositoryPlan {
  const name = `${wanted.namespace}/${repository}`
  const base = { repository, name, observation, changes: [], drift: [], warnings: [] }
  if (observation.error !== undefined || !observation.read) {
    return { ...base, failure: observation.error ?? `${name} was not read` }
  }
  const repo = diffRepository(name, observation.read, wanted)
  if (repo.failure) return { ...base, drift: repo.drift, failure: repo.failure }
  if (wanted.shareWith && settingsAfter(observation.read, repo.change)?.is_public) {
    const failure = `Repository "${name}" is public, and SWR shares only private repositories: drop share_with, or make it private (is_public: false with on_drift: update).`
    return { ...base, drift: repo.drift, failure }
  }
  const exists = observation.read.state === 'exists'
  const diffs = ATTACHMENTS.filter(a => a.wanted(wanted)).map(a =>
    a.diff(wanted, name, exists ? (observation[a.key] ?? []) : undefined)
  )
  const failure = diffs.find(d => d.failure !== undefined)?.failure
  if (failure) return { ...base, drift: repo.drift, failure }
  const changes = [...(repo.change ? [repo.change] : []), ...diffs.flatMap(d => d.changes)]
  const warnings = [repo.warning, ...diffs.map(d => d.warning)]
  return {
    ...base,
    changes,
    drift: repo.drift,
    warnings: warnings.filter((w): w is string => w !== undefined)
  }
}

/**
 * Taking a repository down: its auto-sync rules first (so that nothing copies an image to a
 * replica again), then the repository, then its replica in each target of replicate_to. What
 * does not exist needs no change; organizations are never deleted.
 */
function planRemoval(
  wanted: Wanted,
  repository: string,
  observation: RepositoryObservation,
  why: string,
  prunedBy?: string
): RepositoryPlan {
  const name = `${wanted.namespace}/${repository}`
  const base = {
    repository,
    name,
    observation,
    changes: [],
    drift: [],
    warnings: [],
    absent: true,
    ...(prunedBy !== undefined ? { prunedBy } : {})
  }
  if (observation.error !== undefined || !observation.read) {
    return { ...base, failure: observation.error ?? `${name} was not read` }
  }
  const changes: Change[] = []
  if (observation.read.state === 'exists') {
    for (const rule of observation.syncRules ?? []) {
      const reason = `${why}; its auto-sync to ${targetKey(rule)} goes first, so that no image is copied there again`
      changes.push(accessChange('replication', name, 'delete', rule, null, reason))
    }
    changes.push(deleteRepositoryChange(name, observation.read.info, why))
  }
  for (const target of wanted.replicateTo ?? []) {
    const replica = observation.replicas?.[targetKey(target)]
    if (replica?.state !== 'exists') continue
    const reason = `${why}; the replica auto-sync made of ${name}`
    const replicaName = `${target.namespace}/${repository}`
    changes.push(deleteRepositoryChange(replicaName, replica.info, reason, target.region))
  }
  return { ...base, changes }
}

/**
 * Each repository's plan, in the order given, then the pruned ones; none depends on the
 * targets' organizations.
 */
export function planRepositories(wanted: Wanted, observed: Observed): RepositoryPlan[] {
  const listed = wanted.repositories.map((repository, i) => {
    const observation = observed.repositories[i] ?? {}
    return wanted.ensure === 'absent'
      ? planRemoval(wanted, repository, observation, 'ensure: absent')
      : planRepository(wanted, repository, observation)
  })
  const pruned = (observed.pruned ?? []).map(p =>
    planRemoval(
      wanted,
      p.repository,
      p.observation,
      `it matches prune pattern "${p.pattern}" and is not listed in repository`,
      p.pattern
    )
  )
  return [...listed, ...pruned]
}

/** The repositories the plan deletes ("group/app", a replica's with its region). */
export function deletionsOf(plans: RepositoryPlan[]): string[] {
  return plans.flatMap(p =>
    p.changes
      .filter(c => c.resource === 'repository' && c.action === 'delete')
      .map(c => (c.region ? `${c.name} (${c.region})` : c.name))
  )
}

/** The targets some repository will need a new auto-sync rule to: their organizations are read. */
export function targetsNeeded(plans: RepositoryPlan[]): string[] {
  const keys = plans.flatMap(p =>
    p.changes
      // A replacement makes its rule anew: its target organization may be gone meanwhile.
      .filter(
        c => c.resource === 'replication' && (c.action === 'create' || c.action === 'replace')
      )
      .map(c => targetKey(c.after as { region: string; namespace: string }))
  )
  return [...new Set(keys)]
}

/** The whole plan; `repositories` when they were planned already, to find the targets. */
export function makePlan(
  wanted: Wanted,
  observed: Observed,
  repositories: RepositoryPlan[] = planRepositories(wanted, observed)
): Plan {
  const creates = repositories.some(r =>
    r.changes.some(c => c.resource === 'repository' && c.action === 'create')
  )
  const organization = diffOrganization(wanted.namespace, observed.organization, creates)
  const targetOrganizations = [...(observed.targets ?? [])]
    .filter(([, state]) => state === 'missing')
    .map(([key]) => {
      const { region, namespace } = targetOfKey(key)
      return {
        ...createOrganizationChange(namespace),
        region,
        reason: `auto-sync copies images to ${key}, and the organization does not exist there`
      }
    })
  const targetErrors = Object.fromEntries(
    [...(observed.targets ?? [])].flatMap(([key, state]) =>
      typeof state === 'object' ? [[key, state.error]] : []
    )
  )
  const organizationPermissions = planOrganizationGrants(wanted, observed)
  return {
    namespace: wanted.namespace,
    ...(organization ? { organization } : {}),
    targetOrganizations,
    targetErrors,
    repositories,
    ...(organizationPermissions ? { organizationPermissions } : {})
  }
}

function planOrganizationGrants(
  wanted: Wanted,
  observed: Observed
): (AccessDiff & { found?: GrantEntry[] }) | undefined {
  if (!wanted.organizationPermissions) return undefined
  const read = observed.organizationGrants
  if (read && !Array.isArray(read)) return { changes: [], failure: read.error }
  const diff = diffGrants(
    'organization-permission',
    wanted.namespace,
    `Organization "${wanted.namespace}"`,
    'organization_permissions',
    wanted.organizationPermissions,
    read,
    wanted.onDrift
  )
  return { ...diff, found: read ?? [] }
}

/** Every change of the plan in the order it applies: the organization first. */
export function changesOf(plan: Plan): Change[] {
  return [
    ...(plan.organization ? [plan.organization] : []),
    ...plan.targetOrganizations,
    ...plan.repositories.flatMap(r => r.changes),
    ...(plan.organizationPermissions?.changes ?? [])
  ]
}
