// The plan: what the inputs want, compared with what was read, as a list of changes. Pure
// functions of data (no I/O), so a dry run and a real run plan alike from the same state.
import { diffOrganization, type OrganizationState } from './resources/organization.js'
import { diffRepository } from './resources/repository.js'
import { diffRetention } from './resources/retention.js'
import type { Change, DriftItem, Wanted } from './resources/types.js'
import type { RepositoryRead, RetentionPolicy } from './swr/client.js'

/** What one repository's reads found; `error` when a read failed. */
export interface RepositoryObservation {
  read?: RepositoryRead
  /** Its retention policies, read only for an existing repository when retention is wanted. */
  policies?: RetentionPolicy[]
  error?: string
}

export interface Observed {
  organization: OrganizationState
  repositories: RepositoryObservation[]
}

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
}

export interface Plan {
  namespace: string
  organization?: Change
  repositories: RepositoryPlan[]
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
  const retention = wanted.retention
    ? diffRetention(name, wanted.retention, observation.policies)
    : {}
  return {
    ...base,
    changes: [repo.change, retention.change].filter((c): c is Change => c !== undefined),
    drift: repo.drift,
    warnings: [repo.warning, retention.warning].filter((w): w is string => w !== undefined)
  }
}

export function makePlan(wanted: Wanted, observed: Observed): Plan {
  const repositories = wanted.repositories.map((repository, i) =>
    planRepository(wanted, repository, observed.repositories[i] ?? {})
  )
  const creates = repositories.some(r =>
    r.changes.some(c => c.resource === 'repository' && c.action === 'create')
  )
  const organization = diffOrganization(wanted.namespace, observed.organization, creates)
  return { namespace: wanted.namespace, ...(organization ? { organization } : {}), repositories }
}

/** Every change of the plan in the order it applies: the organization first. */
export function changesOf(plan: Plan): Change[] {
  return [
    ...(plan.organization ? [plan.organization] : []),
    ...plan.repositories.flatMap(r => r.changes)
  ]
}
