// The instance's plan: what the inputs want compared with what was read, as a list of changes
// in the order they apply (the namespace, the repositories, then the namespace policies).
// Pure, so a dry run and a real run plan alike from the same state.
import type { Change } from '../resources/types.js'
import { diffImmutability } from './immutability.js'
import { diffNamespace } from './namespace.js'
import { diffRepository } from './repository.js'
import { diffRetention, oneRuleRefusal } from './retention.js'
import { immutabilityLeaving, retentionLeaving } from './scope.js'
import { aroundDeletes, deletesAny } from './types.js'
import type {
  EnterpriseObserved,
  EnterprisePlan,
  EnterpriseWanted,
  RepositoryObservation,
  RepositoryPlan
} from './types.js'
import type { ChangeRecord } from '../report.js'

/** Taking a repository down: a delete when it exists (with its artifact count), else nothing. */
function planRemoval(
  wanted: EnterpriseWanted,
  repository: string,
  observation: RepositoryObservation,
  why: string,
  prunedBy?: string
): RepositoryPlan {
  const name = `${wanted.namespace}/${repository}`
  const read = observation.read
  const base = {
    repository,
    name,
    exists: read?.state === 'exists',
    drift: [],
    absent: true,
    ...(prunedBy !== undefined ? { prunedBy } : {})
  }
  if (observation.error !== undefined || !read) {
    return { ...base, failure: observation.error ?? `${name} was not read` }
  }
  if (read.state !== 'exists') return base
  const { artifacts } = read.info
  const count =
    artifacts === undefined
      ? ''
      : `; it holds ${artifacts} artifact${artifacts === 1 ? '' : 's'}, deleted with it`
  const change: Change = {
    resource: 'repository',
    name,
    action: 'delete',
    before: {
      description: read.info.description,
      ...(artifacts !== undefined ? { images: artifacts } : {})
    },
    after: null,
    reason: `${why}${count}`
  }
  return { ...base, change }
}

function planRepository(
  wanted: EnterpriseWanted,
  repository: string,
  observation: RepositoryObservation
): RepositoryPlan {
  const name = `${wanted.namespace}/${repository}`
  const read = observation.read
  const base = {
    repository,
    name,
    exists: read?.state === 'exists',
    ...(read?.state === 'exists' ? { description: read.info.description } : {}),
    drift: []
  }
  if (observation.error !== undefined || !read) {
    return { ...base, failure: observation.error ?? `${name} was not read` }
  }
  const diff = diffRepository(wanted, name, read)
  return {
    ...base,
    drift: diff.drift,
    ...(diff.change ? { change: diff.change } : {}),
    ...(diff.warning ? { warning: diff.warning } : {}),
    ...(diff.failure ? { failure: diff.failure } : {})
  }
}

/** The namespace policies' changes; `failure` under on_drift: fail. */
function planPolicies(
  wanted: EnterpriseWanted,
  observed: EnterpriseObserved,
  leaving: Set<string>
) {
  const { namespace, repositories, retention, immutableTags, onDrift } = wanted
  const exists = observed.namespace !== 'missing'
  const kept = retention
    ? diffRetention(namespace, retention, repositories, exists ? observed.retention : undefined)
    : {}
  const immutable = immutableTags
    ? diffImmutability(
        namespace,
        immutableTags,
        repositories,
        exists ? observed.immutable : undefined,
        onDrift
      )
    : { changes: [] }
  // An instance whose gate says one rule a policy is not sent a policy of several.
  const refusal =
    kept.change && observed.combinationRetention === false
      ? oneRuleRefusal(kept.change, repositories)
      : undefined
  const refused: ChangeRecord[] =
    kept.change && refusal ? [{ ...kept.change, outcome: 'failed', error: refusal }] : []
  const retentionChange = refusal
    ? undefined
    : retentionLeaving(namespace, exists ? observed.retention : undefined, kept.change, leaving)
  const narrowed = exists ? immutabilityLeaving(namespace, observed.immutable, leaving) : []
  // Under a one-rule refusal the retention policy is not written at all, so the scope of the
  // repositories leaving is not narrowed either (docs/swr-enterprise.md).
  const retentionScope =
    leaving.size > 0 && !refusal
      ? {
          ...(exists && observed.retention ? { policies: observed.retention } : {}),
          ...(kept.change ? { planned: kept.change } : {}),
          leaving: [...leaving]
        }
      : undefined
  return {
    changes: [...(retentionChange ? [retentionChange] : []), ...immutable.changes, ...narrowed],
    ...(retentionScope ? { retentionScope } : {}),
    refused,
    warnings: [kept.warning, immutable.warning].filter((w): w is string => w !== undefined),
    ...(immutable.failure ? { failure: immutable.failure } : {})
  }
}

export function makeEnterprisePlan(
  wanted: EnterpriseWanted,
  observed: EnterpriseObserved
): EnterprisePlan {
  const removing = wanted.ensure === 'absent'
  // A namespace is never created to delete what it cannot hold, and never deleted.
  const ns = removing ? { drift: [] } : diffNamespace(wanted, observed.namespace)
  const listed = wanted.repositories.map((repository, i) =>
    removing
      ? planRemoval(wanted, repository, observed.repositories[i] ?? {}, 'ensure: absent')
      : planRepository(wanted, repository, observed.repositories[i] ?? {})
  )
  const pruned = (observed.pruned ?? []).map(p =>
    planRemoval(
      wanted,
      p.repository,
      { read: p.read },
      `it matches prune pattern "${p.pattern}" and is not listed in repository`,
      p.pattern
    )
  )
  const repositories = [...listed, ...pruned]
  // What is (or already was) taken down leaves the scope of the rules that name it.
  const leaving = new Set(repositories.filter(r => r.absent && !r.failure).map(r => r.repository))
  const policies = planPolicies(wanted, observed, leaving)
  const failure = ns.failure ?? policies.failure
  const warnings = [
    ...(observed.warnings ?? []),
    ...(ns.warning ? [ns.warning] : []),
    ...repositories.flatMap(r => (r.warning ? [r.warning] : [])),
    ...policies.warnings
  ]
  const base = { namespace: wanted.namespace, namespaceDrift: ns.drift, warnings }
  // Drift that fails the run fails it whole: nothing is changed, every repository reports it.
  if (failure) {
    const failed = repositories.map(({ change: _change, ...r }) => ({ ...r, failure }))
    return { ...base, repositories: failed, policies: [], refused: [], failure }
  }
  return {
    ...base,
    ...(ns.change ? { namespaceChange: ns.change } : {}),
    repositories,
    policies: policies.changes,
    refused: policies.refused,
    ...(policies.retentionScope ? { retentionScope: policies.retentionScope } : {})
  }
}

/** Every change in the order it applies: the namespace, the repositories, the policies. */
export function enterpriseChanges(plan: EnterprisePlan): Change[] {
  const repositories = plan.repositories.flatMap(r => (r.change ? [r.change] : []))
  const policies = [
    ...plan.refused.map(({ outcome: _outcome, error: _error, ...change }) => change),
    ...plan.policies
  ]
  // Repositories taken down leave the immutable tag rules' scope before they are deleted, and
  // the retention policy's once they are.
  const ordered = deletesAny(plan)
    ? aroundDeletes(policies, repositories)
    : [...repositories, ...policies]
  return [...(plan.namespaceChange ? [plan.namespaceChange] : []), ...ordered]
}
