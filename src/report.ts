// What a run tells the user, from the plan and what became of it: one entry per repository in
// the order given (the `result` output), the changes with their outcomes (the `plan` output,
// the log and the summary), and the organization's fate. Pure.
import type { Applied, ChangeRecord, RepositoryApplied } from './apply.js'
import type { Plan, RepositoryPlan } from './plan.js'
import { settingsOf } from './resources/repository.js'
import type { Change, DriftItem } from './resources/types.js'
import type { RepositoryInfo, RepositorySettings } from './swr/client.js'

export type RepositoryAction =
  'created' | 'unchanged' | 'updated' | 'would create' | 'would update' | 'failed'

export type RetentionAction =
  | 'created'
  | 'updated'
  | 'replaced'
  | 'unchanged'
  | 'would create'
  | 'would update'
  | 'would replace'
  | 'failed'

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
  retention?: RetentionAction
  error?: string
}

export type OrganizationOutcome = 'created' | 'exists' | 'would create' | 'failed' | 'not reached'

export interface Report {
  namespace: string
  dryRun: boolean
  organization: OrganizationOutcome
  /** Every change, the organization's first, with what became of it. */
  changes: ChangeRecord[]
  repositories: RepositoryResult[]
  /** Per repository, in the order given: drift left alone, extra policies. */
  warnings: string[]
}

export interface PathRules {
  /** The registry input: it replaces the host of every path, the service's too. */
  registryOverride?: string
  /** The registry host derived from the endpoint, for paths the service does not return. */
  knownHost?: string
}

export function pathOf(rules: PathRules, name: string, info?: RepositoryInfo): string {
  if (rules.registryOverride) return `${rules.registryOverride}/${name}`
  if (info?.path) return info.path
  return rules.knownHost ? `${rules.knownHost}/${name}` : ''
}

/** The `plan` output: the changes alone, as plain objects. */
export function planOutput(changes: Change[]): Change[] {
  return changes.map(({ resource, name, action, before, after, reason }) => ({
    resource,
    name,
    action,
    before,
    after,
    reason
  }))
}

const RETENTION_DONE = { create: 'created', update: 'updated', replace: 'replaced' } as const
const RETENTION_PLANNED = {
  create: 'would create',
  update: 'would update',
  replace: 'would replace'
} as const

function retentionOf(records: ChangeRecord[], wanted: boolean): RetentionAction | undefined {
  const record = records.find(r => r.resource === 'retention')
  if (!record) return wanted ? 'unchanged' : undefined
  if (record.action === 'delete') return undefined
  if (record.outcome === 'planned') return RETENTION_PLANNED[record.action]
  return record.outcome === 'done' ? RETENTION_DONE[record.action] : 'failed'
}

function currentSettings(rp: RepositoryPlan): RepositorySettings | undefined {
  const read = rp.observation.read
  return read?.state === 'exists' ? settingsOf(read.info) : undefined
}

function repositoryResult(
  rp: RepositoryPlan,
  records: ChangeRecord[],
  applied: RepositoryApplied | undefined,
  rules: PathRules,
  retentionWanted: boolean
): RepositoryResult {
  const repoRecord = records.find(r => r.resource === 'repository' && r.outcome !== 'found done')
  const error = applied ? applied.error : rp.failure
  const planned = repoRecord?.outcome === 'planned'
  const done = repoRecord?.outcome === 'done'
  const creates = repoRecord?.action === 'create'
  const action: RepositoryAction = error
    ? 'failed'
    : planned
      ? creates
        ? 'would create'
        : 'would update'
      : done
        ? creates
          ? 'created'
          : 'updated'
        : 'unchanged'
  const changed = planned || done
  const settings = changed
    ? (repoRecord?.after as unknown as RepositorySettings)
    : currentSettings(applied?.plan ?? rp)
  const info = applied?.info ?? readInfo(applied?.plan ?? rp)
  const exists = info !== undefined || (changed && creates) || applied?.created === true
  const retention = retentionOf(records, retentionWanted && !rp.failure)
  return {
    repository: rp.repository,
    path: exists ? pathOf(rules, rp.name, info) : '',
    action,
    created: applied?.created ?? false,
    updated: done && !creates,
    ...(settings ? { settings } : {}),
    drift: (applied?.plan ?? rp).drift,
    ...(retention ? { retention } : {}),
    ...(error !== undefined ? { error } : {})
  }
}

function readInfo(rp: RepositoryPlan): RepositoryInfo | undefined {
  const read = rp.observation.read
  return read?.state === 'exists' ? read.info : undefined
}

function organizationOutcome(
  plan: Plan,
  applied: Applied | undefined,
  repositories: RepositoryResult[]
): OrganizationOutcome {
  const record = applied?.organization
  if (record)
    return record.outcome === 'done' ? 'created' : record.outcome === 'failed' ? 'failed' : 'exists'
  if (!applied && plan.organization) return 'would create'
  return repositories.some(r => r.path || r.action !== 'failed') ? 'exists' : 'not reached'
}

export function buildReport(
  plan: Plan,
  applied: Applied | undefined,
  rules: PathRules,
  retentionWanted: boolean
): Report {
  const perRepository = plan.repositories.map((rp, i) => {
    const a = applied?.repositories[i]
    const records = a ? a.records : rp.changes.map(c => ({ ...c, outcome: 'planned' as const }))
    return { rp, a, records }
  })
  const organizationRecord: ChangeRecord[] = applied
    ? applied.organization
      ? [applied.organization]
      : []
    : plan.organization
      ? [{ ...plan.organization, outcome: 'planned' }]
      : []
  const repositories = perRepository.map(({ rp, a, records }) =>
    repositoryResult(rp, records, a, rules, retentionWanted)
  )
  return {
    namespace: plan.namespace,
    dryRun: applied === undefined,
    organization: organizationOutcome(plan, applied, repositories),
    changes: [...organizationRecord, ...perRepository.flatMap(p => p.records)],
    repositories,
    warnings: perRepository.flatMap(({ rp, a }) => (a?.plan ?? rp).warnings)
  }
}
