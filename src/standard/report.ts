// What a run tells the user, from the plan and what became of it: one entry per repository in
// the order given (the `result` output), the changes with their outcomes (the `plan` output,
// the log and the summary), and the organization's fate. Pure.
import type { Applied, RepositoryApplied } from './apply.js'
import type { Plan, RepositoryPlan } from './plan.js'
import { settingsOf } from '../resources/repository.js'
import { deadlineOf } from '../resources/sharing.js'
import { targetKey } from '../resources/replication.js'
import type { Change, Wanted, WantedGrant } from '../resources/types.js'
import { levelOf, type GrantEntry, type GrantState } from '../resources/permissions.js'
import type { RepositoryInfo, RepositorySettings } from '../swr/client.js'
import { sameId } from '../swr/permission-client.js'
import { REGISTRY_HOST, sameName } from '../swr/names.js'
import { hasControl, quoted } from '../values.js'
import { accountKey } from '../swr/access-client.js'
import {
  accessAction,
  type AccessAction,
  type GrantResult,
  type OrganizationOutcome,
  type PathRules,
  type Report,
  type RepositoryAction,
  type RepositoryResult,
  type ChangeRecord
} from '../report.js'

/** An image path, and why the service's was not taken when it was not. */
interface PathOutcome {
  path: string
  warning?: string
}

/**
 * The host of the path the service answered for `name`, when that path is one line of the
 * expected shape: a registry host (the one derived from the endpoint, when one is), then the
 * organization and repository asked for. Undefined otherwise.
 */
function answeredHost(rules: PathRules, name: string, path: string): string | undefined {
  const slash = path.indexOf('/')
  const host = path.slice(0, slash)
  if (slash < 0 || hasControl(path) || !REGISTRY_HOST.test(host)) return undefined
  if (rules.knownHost && host.toLowerCase() !== rules.knownHost.toLowerCase()) return undefined
  return sameName(path.slice(slash + 1), name) ? host.toLowerCase() : undefined
}

/**
 * The image path of repository `name` ("group/app"): on the registry input's host when given;
 * else on the host of the path the service answered, once that path is checked (a path that
 * is not what was asked for is not trusted, and the path the action builds is used instead,
 * with a warning); else on the host derived from the endpoint; else none.
 */
function pathOf(rules: PathRules, name: string, info?: RepositoryInfo): PathOutcome {
  if (rules.registryOverride) return { path: `${rules.registryOverride}/${name}` }
  const built = rules.knownHost ? `${rules.knownHost}/${name}` : ''
  if (!info?.path) return { path: built }
  const host = answeredHost(rules, name, info.path)
  if (host) return { path: `${host}/${name}` }
  const expected = `${rules.knownHost ?? 'a registry host'}/${name}`
  const instead = built
    ? `the path ${built} is used instead`
    : 'no path is known: set input registry to the host users push to'
  return {
    path: built,
    warning: `SWR answered the path ${quoted(info.path)} for repository "${name}", which is not ${expected}; it is not trusted, and ${instead}.`
  }
}

/** Retention's outcome, when retention is asked for: unchanged when no change was needed. */
function retentionOf(records: ChangeRecord[], wanted: boolean): AccessAction | undefined {
  const record = records.find(r => r.resource === 'retention')
  return record || wanted ? accessAction(record) : undefined
}

/**
 * One kind of access entry (sharing, auto-sync): each wanted entry with what became of it, then
 * each other one found (kept, or removed). Entries and their records match by `key`.
 */
function accessResults<Wanted, Found, Result>(
  resource: 'sharing' | 'replication',
  records: ChangeRecord[],
  key: (entry: Wanted | Found) => string,
  entries: { wanted: Wanted[]; found: Found[] },
  results: {
    listed: (entry: Wanted, action: AccessAction) => Result
    other: (entry: Found, action: AccessAction | 'kept') => Result
  }
): Result[] {
  // A record's before or after is an entry of the same kind.
  const recordFor = (k: string) =>
    records.find(r => r.resource === resource && key((r.after ?? r.before) as Wanted) === k)
  const wantedKeys = new Set(entries.wanted.map(key))
  return [
    ...entries.wanted.map(w => results.listed(w, accessAction(recordFor(key(w))))),
    ...entries.found
      .filter(f => !wantedKeys.has(key(f)))
      .map(f => {
        const record = recordFor(key(f))
        return results.other(f, record ? accessAction(record) : 'kept')
      })
  ]
}

function sharingOf(
  wanted: Wanted,
  rp: RepositoryPlan,
  records: ChangeRecord[]
): RepositoryResult['sharing'] {
  if (!wanted.shareWith || rp.failure) return undefined
  return accessResults(
    'sharing',
    records,
    s => accountKey(s.account),
    { wanted: wanted.shareWith, found: rp.observation.sharing ?? [] },
    {
      listed: (w, action) => ({ account: w.account, deadline: deadlineOf(w), action }),
      other: (s, action) => ({ ...s, action })
    }
  )
}

function replicationOf(
  wanted: Wanted,
  rp: RepositoryPlan,
  records: ChangeRecord[],
  targetErrors: Record<string, string>
): RepositoryResult['replication'] {
  if (!wanted.replicateTo || rp.failure) return undefined
  return accessResults(
    'replication',
    records,
    targetKey,
    { wanted: wanted.replicateTo, found: rp.observation.syncRules ?? [] },
    {
      listed: (t, action) => ({
        region: t.region,
        namespace: t.namespace,
        path: `${t.registry}/${t.namespace}/${rp.repository}`,
        action: targetErrors[targetKey(t)] ? ('failed' as const) : action
      }),
      other: (r, action) => ({ region: r.region, namespace: r.namespace, path: '', action })
    }
  )
}

/** Each grant listed, then each other user's found (kept, or removed). */
function grantsOf(
  resource: Change['resource'],
  wanted: WantedGrant[],
  found: GrantEntry[],
  records: ChangeRecord[]
): GrantResult[] {
  const mine = records.filter(r => r.resource === resource)
  const stateOf = (r: ChangeRecord) => (r.after ?? r.before) as unknown as GrantState
  const recordFor = (user: string, id?: string) =>
    mine.find(r => {
      const state = stateOf(r)
      return id !== undefined && state.user_id ? sameId(state.user_id, id) : state.user === user
    })
  const listed = wanted.map(w => {
    const entry = found.find(e => matches(w, e))
    const record = recordFor(w.user, entry?.id ?? w.id)
    const level = entry?.self ? levelOf(entry.auth) : w.level
    return { user: w.user, level, action: accessAction(record) }
  })
  const others = found
    .filter(e => !e.self && !wanted.some(w => matches(w, e)))
    .map(e => {
      const record = recordFor(e.user, e.id)
      return {
        user: e.user,
        level: levelOf(e.auth),
        action: record ? accessAction(record) : ('kept' as const)
      }
    })
  return [...listed, ...others]
}

const matches = (w: WantedGrant, e: GrantEntry) =>
  w.id !== undefined ? sameId(e.id, w.id) : e.user === w.user

function currentSettings(rp: RepositoryPlan): RepositorySettings | undefined {
  const read = rp.observation.read
  return read?.state === 'exists' ? settingsOf(read.info) : undefined
}

/** The record of deleting a repository (`region` for a replica's), if one was planned. */
function deleteRecord(
  records: ChangeRecord[],
  name: string,
  region?: string
): ChangeRecord | undefined {
  return records.find(
    r =>
      r.resource === 'repository' && r.action === 'delete' && r.name === name && r.region === region
  )
}

/**
 * A repository taken down (ensure: absent, prune): deleted, would be, already absent, or
 * failed; and with replicate_to, what became of each replica. `deleted` gets the image paths
 * this run deleted.
 */
function removalResult(
  wanted: Wanted,
  rp: RepositoryPlan,
  records: ChangeRecord[],
  applied: RepositoryApplied | undefined,
  rules: PathRules,
  deleted: string[],
  warnings: string[]
): RepositoryResult {
  const own = deleteRecord(records, rp.name)
  const info = readInfo(rp)
  const { path: ownPath, warning: pathWarning } = pathOf(rules, rp.name, info)
  if (pathWarning) warnings.push(pathWarning)
  if (own?.outcome === 'done' && ownPath) deleted.push(ownPath)
  const replication = rp.failure
    ? undefined
    : wanted.replicateTo?.map(t => {
        const record = deleteRecord(records, `${t.namespace}/${rp.repository}`, t.region)
        const path = `${t.registry}/${t.namespace}/${rp.repository}`
        if (record?.outcome === 'done') deleted.push(path)
        return {
          region: t.region,
          namespace: t.namespace,
          path,
          action: record ? accessAction(record) : ('absent' as const)
        }
      })
  const error = applied ? applied.error : rp.failure
  const action: RepositoryAction =
    error !== undefined
      ? 'failed'
      : !own
        ? 'absent'
        : own.outcome === 'planned'
          ? 'would delete'
          : 'deleted'
  // A repository whose delete failed is still there, at its path.
  const stays = own && !['done', 'found done', 'planned'].includes(own.outcome)
  const note = rp.prunedBy !== undefined ? `matches prune pattern "${rp.prunedBy}"` : undefined
  return {
    repository: rp.repository,
    path: stays ? ownPath : '',
    action,
    created: false,
    updated: false,
    drift: [],
    ...(replication ? { replication } : {}),
    ...(note ? { note } : {}),
    ...(error !== undefined ? { error } : {})
  }
}

function repositoryResult(
  wanted: Wanted,
  rp: RepositoryPlan,
  records: ChangeRecord[],
  applied: RepositoryApplied | undefined,
  rules: PathRules,
  targetErrors: Record<string, string>,
  warnings: string[]
): RepositoryResult {
  const current = applied?.plan ?? rp
  const repoRecord = records.find(r => r.resource === 'repository' && r.outcome !== 'found done')
  const planned = repoRecord?.outcome === 'planned'
  const done = repoRecord?.outcome === 'done'
  const creates = repoRecord?.action === 'create'
  const changed = planned || done
  const info = applied?.info ?? readInfo(current)
  const exists = info !== undefined || (changed && creates) || applied?.created === true
  const { path, warning: pathWarning } = exists ? pathOf(rules, rp.name, info) : { path: '' }
  if (pathWarning) warnings.push(pathWarning)
  // A repository that exists needs a path to push to: without one the run has failed it.
  const pathless =
    exists && !path && !planned
      ? `The service did not return ${pathWarning ? 'a path that can be trusted' : 'the path'} of "${rp.name}" and the registry host cannot be derived from the endpoint: set input registry.`
      : undefined
  // A dry run cannot fail a change, but a target that could not be read fails its rule all the same.
  const targetError = records
    .filter(r => r.resource === 'replication' && r.outcome === 'planned' && r.after)
    .map(r => targetErrors[targetKey(r.after as { region: string; namespace: string })])
    .find(e => e !== undefined)
  // Likewise a grant whose IAM user could not be found.
  const blocked = records.find(r => r.outcome === 'planned' && r.blocked)?.blocked
  const error = (applied ? applied.error : (rp.failure ?? targetError ?? blocked)) ?? pathless
  const settings = changed
    ? (repoRecord?.after as unknown as RepositorySettings)
    : currentSettings(current)
  const retention = retentionOf(records, wanted.retention !== undefined && !rp.failure)
  const sharing = sharingOf(wanted, current, records)
  const replication = replicationOf(wanted, current, records, targetErrors)
  const permissions =
    wanted.repositoryPermissions && !current.failure
      ? grantsOf(
          'repository-permission',
          wanted.repositoryPermissions,
          current.observation.grants ?? [],
          records
        )
      : undefined
  return {
    repository: rp.repository,
    path,
    action: error ? 'failed' : actionOf(planned, done, creates),
    created: applied?.created ?? false,
    updated: done && !creates,
    ...(settings ? { settings } : {}),
    drift: current.drift,
    ...(retention ? { retention } : {}),
    ...(sharing ? { sharing } : {}),
    ...(replication ? { replication } : {}),
    ...(permissions ? { permissions } : {}),
    ...(error !== undefined ? { error } : {})
  }
}

function actionOf(planned: boolean, done: boolean, creates: boolean): RepositoryAction {
  if (planned) return creates ? 'would create' : 'would update'
  if (done) return creates ? 'created' : 'updated'
  return 'unchanged'
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
  wanted: Wanted,
  plan: Plan,
  applied: Applied | undefined,
  rules: PathRules
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
  const pathWarnings: string[] = []
  const deleted: string[] = []
  const repositories = perRepository.map(({ rp, a, records }) =>
    rp.absent
      ? removalResult(wanted, rp, records, a, rules, deleted, pathWarnings)
      : repositoryResult(wanted, rp, records, a, rules, plan.targetErrors, pathWarnings)
  )
  const targetRecords: ChangeRecord[] = applied
    ? applied.targetOrganizations
    : plan.targetOrganizations.map(c => ({ ...c, outcome: 'planned' }))
  // A replica exists (or would) only where its rule does: made, kept as it was, or planned.
  const replicating = ['created', 'replaced', 'unchanged', 'would create', 'would replace']
  const replicaPaths = repositories.flatMap(r =>
    r.path
      ? (r.replication ?? []).filter(t => t.path && replicating.includes(t.action)).map(t => t.path)
      : []
  )
  const grants = organizationGrantsOf(wanted, plan, applied)
  return {
    namespace: plan.namespace,
    dryRun: applied === undefined,
    organization: organizationOutcome(plan, applied, repositories),
    changes: [
      ...organizationRecord,
      ...targetRecords,
      ...perRepository.flatMap(p => p.records),
      ...(grants?.records ?? [])
    ],
    repositories,
    replicaPaths,
    warnings: [
      ...pathWarnings,
      ...perRepository.flatMap(({ rp, a }) => (a?.plan ?? rp).warnings),
      ...(plan.organizationPermissions?.warning ? [plan.organizationPermissions.warning] : [])
    ],
    ...(grants ? { organizationPermissions: grants.results } : {}),
    ...(grants?.errors.length ? { organizationErrors: grants.errors } : {}),
    deleted
  }
}

/** The organization's grants: their records, what each user has, and what failed. */
function organizationGrantsOf(wanted: Wanted, plan: Plan, applied: Applied | undefined) {
  const diff = plan.organizationPermissions
  if (!wanted.organizationPermissions || !diff) return undefined
  const records: ChangeRecord[] = applied
    ? applied.organizationPermissions
    : diff.changes.map(c => ({ ...c, outcome: 'planned' as const }))
  const name = `Organization "${plan.namespace}"`
  const errors = diff.failure
    ? [diff.failure]
    : records.flatMap(r => {
        const error =
          r.outcome === 'failed' ? r.error : r.outcome === 'planned' ? r.blocked : undefined
        if (error === undefined) return []
        const user = ((r.after ?? r.before) as unknown as GrantState).user
        return [`${name}, IAM user ${quoted(user, 64)}: ${error}`]
      })
  const found = diff.found ?? []
  const results = diff.failure
    ? []
    : grantsOf('organization-permission', wanted.organizationPermissions, found, records)
  return { records, errors, results }
}
