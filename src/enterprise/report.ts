// What an instance run tells the user, in the standard edition's Report, so that the outputs,
// the log lines and the failure annotations are written the same way. Pure.
import type { Change } from '../resources/types.js'
import type { EnterpriseApplied } from './apply.js'
import {
  aroundDeletes,
  deletesAny,
  isPushCreate,
  type EnterprisePlan,
  type EnterpriseWanted,
  type RepositoryPlan
} from './types.js'
import {
  type ChangeRecord,
  accessAction,
  type AccessAction,
  type OrganizationOutcome,
  type Report,
  type RepositoryAction,
  type RepositoryResult
} from '../report.js'

const FIRST_PUSH_NOTE = 'the first docker push creates it'

const planned = (change: Change): ChangeRecord => ({ ...change, outcome: 'planned' })

/** Every change with what became of it (planned, in a dry run). */
function recordsOf(plan: EnterprisePlan, applied: EnterpriseApplied | undefined) {
  if (applied) {
    return {
      namespace: applied.namespace,
      repositories: applied.repositories,
      policies: [...plan.refused, ...applied.policies]
    }
  }
  return {
    namespace: plan.namespaceChange ? planned(plan.namespaceChange) : undefined,
    repositories: plan.repositories.map(r =>
      r.change
        ? isPushCreate(r.change)
          ? { ...r.change, outcome: 'on first push' as const }
          : planned(r.change)
        : undefined
    ),
    policies: [...plan.refused, ...plan.policies.map(planned)]
  }
}

/** The outcome of several changes of one kind, as one word for a repository's result. */
function combined(records: ChangeRecord[], wanted: boolean): AccessAction | undefined {
  if (!wanted) return undefined
  const worst = ['failed', 'skipped'].find(o => records.some(r => r.outcome === o))
  if (worst) return worst as AccessAction
  const actions = [...new Set(records.map(r => accessAction(r)))]
  if (actions.length <= 1) return actions[0] ?? 'unchanged'
  return records.some(r => r.outcome === 'planned') ? 'would update' : 'updated'
}

function actionOf(rp: RepositoryPlan, record: ChangeRecord | undefined): RepositoryAction {
  if (rp.absent) {
    if (!record) return 'absent'
    return record.outcome === 'planned' ? 'would delete' : 'deleted'
  }
  if (!rp.exists) return 'pending push'
  if (record?.outcome === 'planned') return 'would update'
  return record?.outcome === 'done' ? 'updated' : 'unchanged'
}

/** The description the repository has after the run (or would have, in a dry run). */
function descriptionOf(rp: RepositoryPlan, record: ChangeRecord | undefined): string | undefined {
  if (record?.outcome === 'done' || record?.outcome === 'planned') {
    return (record.after as { description: string }).description
  }
  return rp.description
}

export function buildEnterpriseReport(
  wanted: EnterpriseWanted,
  plan: EnterprisePlan,
  applied: EnterpriseApplied | undefined,
  registry: string
): Report {
  const records = recordsOf(plan, applied)
  const byKind = (kind: string) => records.policies.filter(r => r.resource === kind)
  const namespaceFailure = applied?.failure
  // A namespace that could not be created leaves nothing to push to; a failed update does.
  const pushable = !(records.namespace?.action === 'create' && namespaceFailure !== undefined)
  // The namespace's policies are the same for every repository: they were tried, unless the
  // namespace or the plan failed first, and one that failed fails them all.
  const tried = namespaceFailure === undefined && plan.failure === undefined
  const retention = combined(byKind('retention'), wanted.retention !== undefined && tried)
  const immutability = combined(byKind('immutability'), wanted.immutableTags !== undefined && tried)
  const failedPolicy = policyError(records.policies)
  const deleted: string[] = []
  // Whether some repository's result carries the failed policy; else it is reported alone.
  let carried = false
  const repositories = plan.repositories.map((rp, i): RepositoryResult => {
    const record = records.repositories[i]
    const own = namespaceFailure ?? rp.failure ?? record?.error
    if (rp.absent) {
      // A repository taken down has its own outcome: a scope narrowed for it that failed is
      // the namespace's failure, reported apart, not this repository's.
      const error = own
      if (record?.outcome === 'done') deleted.push(`${registry}/${rp.name}`)
      // A repository whose delete failed is still there, at its path.
      const stays = record !== undefined && ['failed', 'skipped'].includes(record.outcome)
      return {
        repository: rp.repository,
        path: stays ? `${registry}/${rp.name}` : '',
        action: error ? 'failed' : actionOf(rp, record),
        created: false,
        updated: false,
        drift: [],
        ...(rp.prunedBy !== undefined ? { note: `matches prune pattern "${rp.prunedBy}"` } : {}),
        ...(error !== undefined ? { error } : {})
      }
    }
    const error = own ?? failedPolicy
    if (own === undefined && failedPolicy !== undefined) carried = true
    const description = descriptionOf(rp, record)
    return {
      repository: rp.repository,
      path: pushable ? `${registry}/${rp.name}` : '',
      action: error ? 'failed' : actionOf(rp, record),
      created: false,
      updated: record?.outcome === 'done' && record.action === 'update',
      drift: [...plan.namespaceDrift, ...rp.drift],
      ...(description !== undefined ? { description } : {}),
      ...(retention ? { retention } : {}),
      ...(immutability ? { immutability } : {}),
      ...(!rp.exists && !error ? { note: FIRST_PUSH_NOTE } : {}),
      ...(error !== undefined ? { error } : {})
    }
  })
  const repositoryRecords = records.repositories.filter((r): r is ChangeRecord => r !== undefined)
  // In the order they apply: repositories taken down leave the immutable tag rules' scope
  // first, the retention policy's once deleted.
  const ordered = deletesAny(plan)
    ? aroundDeletes(records.policies, repositoryRecords)
    : [...repositoryRecords, ...records.policies]
  const changes = [...(records.namespace ? [records.namespace] : []), ...ordered]
  return {
    namespace: plan.namespace,
    dryRun: applied === undefined,
    organization: namespaceOutcome(records.namespace),
    changes,
    repositories,
    replicaPaths: [],
    warnings: plan.warnings,
    deleted,
    ...(failedPolicy !== undefined && !carried ? { namespaceErrors: [failedPolicy] } : {})
  }
}

/** A failed namespace policy fails every repository it is scoped to: all of them. */
function policyError(policies: ChangeRecord[]): string | undefined {
  return policies.find(r => r.outcome === 'failed')?.error
}

function namespaceOutcome(record: ChangeRecord | undefined): OrganizationOutcome {
  if (!record) return 'exists'
  if (record.outcome === 'planned') return record.action === 'create' ? 'would create' : 'exists'
  // A namespace whose visibility could not be changed still exists.
  if (record.outcome === 'failed') return record.action === 'create' ? 'failed' : 'exists'
  return record.action === 'create' && record.outcome === 'done' ? 'created' : 'exists'
}
