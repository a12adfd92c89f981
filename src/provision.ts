// Makes the organization and repositories match the plan, with as few requests as the service
// allows: an existing repository costs its GET; a new one GET + POST; a missing organization is
// discovered by the POST's 404 and created once for the whole batch.
import type {
  RepositoryInfo,
  RepositorySettings,
  RetentionPolicy,
  RetentionRule,
  SwrClient
} from './swr/client.js'
import type { DriftPolicy, RetentionSpec } from './github/inputs.js'
import type { Logger } from './github/runner.js'

export type SwrApi = Pick<
  SwrClient,
  | 'getNamespace'
  | 'createNamespace'
  | 'getRepository'
  | 'createRepository'
  | 'updateRepository'
  | 'listRetentions'
  | 'createRetention'
  | 'updateRetention'
  | 'deleteRetention'
>

export interface ProvisionPlan {
  namespace: string
  repositories: string[]
  settings: RepositorySettings
  onDrift: DriftPolicy
  dryRun: boolean
  retention?: RetentionSpec
  /** Registry host for paths the service does not return; without it, paths are read back. */
  registry?: string
  /** A registry host the user gave: it replaces the host of every path, the service's too. */
  registryOverride?: string
  /** Repositories provisioned at once. */
  concurrency: number
  /** First wait when a repository just created still reads as missing; doubled each try. */
  consistencyDelayMs: number
}

export type RepositoryAction =
  'created' | 'unchanged' | 'updated' | 'would create' | 'would update' | 'failed'

export type RetentionAction =
  'created' | 'updated' | 'replaced' | 'unchanged' | 'would create' | 'would update'

export interface DriftItem {
  setting: keyof RepositorySettings
  actual: string | boolean
  wanted: string | boolean
}

export interface RepositoryResult {
  repository: string
  path: string
  action: RepositoryAction
  created: boolean
  updated: boolean
  /** What the repository has after this run (or would have, in a dry run). */
  settings?: RepositorySettings
  drift: DriftItem[]
  retention?: RetentionAction
  error?: string
}

export type NamespaceAction = 'exists' | 'created' | 'would create' | 'unknown'

export interface ProvisionResult {
  namespace: string
  namespaceAction: NamespaceAction
  repositories: RepositoryResult[]
}

const CONSISTENCY_TRIES = 5

/** Runs fn over items with at most `limit` at once; results keep the order of items. */
export async function mapPool<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return results
}

export function driftOf(info: RepositoryInfo, wanted: RepositorySettings): DriftItem[] {
  const drift: DriftItem[] = []
  if (info.is_public !== wanted.is_public) {
    drift.push({ setting: 'is_public', actual: info.is_public, wanted: wanted.is_public })
  }
  if (info.category !== wanted.category) {
    drift.push({ setting: 'category', actual: info.category, wanted: wanted.category })
  }
  // An empty description input means "no opinion", not "erase it".
  if (wanted.description && info.description !== wanted.description) {
    drift.push({ setting: 'description', actual: info.description, wanted: wanted.description })
  }
  return drift
}

export function describeDrift(drift: DriftItem[]): string {
  return drift
    .map(d => `${d.setting} is ${JSON.stringify(d.actual)}, wanted ${JSON.stringify(d.wanted)}`)
    .join('; ')
}

export function retentionRules(spec: RetentionSpec): RetentionRule[] {
  return [
    {
      template: spec.keepLast !== undefined ? 'tag_rule' : 'date_rule',
      params:
        spec.keepLast !== undefined
          ? { num: String(spec.keepLast) }
          : { days: String(spec.keepDays) },
      tag_selectors: spec.exceptions.map(e => ({ kind: e.kind, pattern: e.pattern }))
    }
  ]
}

function normalizeRules(rules: RetentionRule[]): string {
  return JSON.stringify(
    rules.map(rule => ({
      template: rule.template,
      params: Object.entries(rule.params ?? {})
        .map(([k, v]) => [k, String(v)])
        .sort(),
      selectors: (rule.tag_selectors ?? []).map(s => `${s.kind}:${s.pattern}`).sort()
    }))
  )
}

export async function provision(
  plan: ProvisionPlan,
  api: SwrApi,
  log: Logger,
  sleep: (ms: number) => Promise<void>
): Promise<ProvisionResult> {
  const { namespace, settings } = plan
  let namespaceAction: NamespaceAction = 'unknown'
  let organization: Promise<void> | undefined
  let organizationVisible: Promise<boolean> | undefined

  // Shared by the whole batch: the first repository that finds the organization missing creates
  // it, the others wait for that one request.
  const ensureOrganization = (): Promise<void> =>
    (organization ??= (async () => {
      if ((await api.createNamespace(namespace)) === 'created') {
        namespaceAction = 'created'
        log.info(`Organization "${namespace}": created`)
        return
      }
      // 409: someone got there first, or another account owns the name (unique per region).
      if (!(await api.getNamespace(namespace))) {
        throw new Error(
          `Organization "${namespace}" exists but this account cannot see it: organization names are unique per region across all accounts, so another account owns it. Choose another namespace.`
        )
      }
      namespaceAction = 'exists'
    })())

  const organizationExists = (): Promise<boolean> =>
    (organizationVisible ??= api.getNamespace(namespace).then(info => info !== null))

  // Right after a create, SWR may not show the repository yet.
  const readBack = async (repository: string): Promise<RepositoryInfo> => {
    for (let attempt = 1; ; attempt++) {
      const info = await api.getRepository(namespace, repository)
      if (info) return info
      if (attempt >= CONSISTENCY_TRIES) {
        throw new Error(
          `read repository "${namespace}/${repository}" failed: it still reads as missing after it was created (${attempt} reads)`
        )
      }
      await sleep(plan.consistencyDelayMs * 2 ** (attempt - 1))
    }
  }

  const knownHost = plan.registryOverride ?? plan.registry
  const pathOf = async (repository: string, info?: RepositoryInfo): Promise<string> => {
    if (plan.registryOverride) return `${plan.registryOverride}/${namespace}/${repository}`
    if (info?.path) return info.path
    if (knownHost) return `${knownHost}/${namespace}/${repository}`
    const read = info ?? (await readBack(repository))
    if (read.path) return read.path
    throw new Error(
      `The service did not return the path of "${namespace}/${repository}" and the registry host cannot be derived from the endpoint: set input registry.`
    )
  }

  const convergeRetention = async (
    repository: string,
    isNew: boolean
  ): Promise<RetentionAction | undefined> => {
    if (!plan.retention) return undefined
    const wanted = retentionRules(plan.retention)
    let current: RetentionPolicy | undefined
    if (!isNew) {
      const policies = await api.listRetentions(namespace, repository)
      if (policies.length > 1) {
        log.warning(
          `Repository "${namespace}/${repository}" has ${policies.length} retention policies; only the first (id ${policies[0]?.id}) is managed.`
        )
      }
      current = policies[0]
    }
    if (!current) {
      if (plan.dryRun) return 'would create'
      await api.createRetention(namespace, repository, wanted)
      return 'created'
    }
    if (normalizeRules(current.rules) === normalizeRules(wanted)) return 'unchanged'
    if (plan.dryRun) return 'would update'
    // A rule's template cannot be changed by PATCH: replace the policy instead.
    if (current.rules.length === 1 && current.rules[0]?.template === wanted[0]?.template) {
      await api.updateRetention(namespace, repository, current.id, wanted)
      return 'updated'
    }
    await api.deleteRetention(namespace, repository, current.id)
    await api.createRetention(namespace, repository, wanted)
    return 'replaced'
  }

  const existing = async (repository: string, info: RepositoryInfo): Promise<RepositoryResult> => {
    const drift = driftOf(info, settings)
    const base = { repository, path: await pathOf(repository, info), created: false, drift }
    let action: RepositoryAction = 'unchanged'
    if (drift.length > 0) {
      const differences = describeDrift(drift)
      if (plan.onDrift === 'fail') {
        throw new Error(
          `Repository "${namespace}/${repository}" differs from the inputs (on_drift: fail): ${differences}.`
        )
      }
      if (plan.onDrift === 'update') {
        if (plan.dryRun) {
          action = 'would update'
        } else {
          await api.updateRepository(namespace, repository, {
            ...settings,
            description: settings.description || info.description
          })
          action = 'updated'
        }
      } else {
        log.warning(
          `Repository "${namespace}/${repository}" differs from the inputs and was left as it is (on_drift: warn): ${differences}.`
        )
      }
    }
    const current = {
      is_public: info.is_public,
      category: info.category,
      description: info.description
    }
    const changed = action === 'updated' || action === 'would update'
    const retention = await convergeRetention(repository, false)
    return {
      ...base,
      action,
      updated: action === 'updated',
      settings: changed
        ? { ...settings, description: settings.description || info.description }
        : current,
      ...(retention ? { retention } : {})
    }
  }

  const one = async (repository: string): Promise<RepositoryResult> => {
    const info = await api.getRepository(namespace, repository)
    if (info) {
      if (namespaceAction === 'unknown') namespaceAction = 'exists'
      return existing(repository, info)
    }
    if (plan.dryRun) {
      if (!(await organizationExists())) namespaceAction = 'would create'
      else if (namespaceAction === 'unknown') namespaceAction = 'exists'
      const retention = plan.retention ? ('would create' as const) : undefined
      return {
        repository,
        path: knownHost ? `${knownHost}/${namespace}/${repository}` : '',
        action: 'would create',
        created: false,
        updated: false,
        settings,
        drift: [],
        ...(retention ? { retention } : {})
      }
    }
    let outcome = await api.createRepository(namespace, repository, settings)
    if (outcome === 'namespace-missing') {
      await ensureOrganization()
      outcome = await api.createRepository(namespace, repository, settings)
      if (outcome === 'namespace-missing') {
        throw new Error(
          `create repository "${namespace}/${repository}" failed: organization "${namespace}" still reads as missing after it was created`
        )
      }
    } else if (namespaceAction === 'unknown') {
      namespaceAction = 'exists'
    }
    if (outcome === 'exists') {
      // Someone else created it between our GET and POST: theirs is the one that counts.
      log.info(`Repository "${namespace}/${repository}": created by another run at the same time`)
      return existing(repository, await readBack(repository))
    }
    const retention = await convergeRetention(repository, true)
    return {
      repository,
      path: await pathOf(repository),
      action: 'created',
      created: true,
      updated: false,
      settings,
      drift: [],
      ...(retention ? { retention } : {})
    }
  }

  const repositories = await mapPool(plan.repositories, plan.concurrency, async repository => {
    try {
      const result = await one(repository)
      log.info(
        `Repository "${namespace}/${repository}": ${result.action}${result.path ? ` (${result.path})` : ''}` +
          (result.retention ? `; retention policy ${result.retention}` : '')
      )
      return result
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      return {
        repository,
        path: '',
        action: 'failed' as const,
        created: false,
        updated: false,
        drift: [],
        error: message
      }
    }
  })
  return { namespace, namespaceAction, repositories }
}
