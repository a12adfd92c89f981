// Applies a plan: the organization first, then each repository's changes in order, several
// repositories at once. Where SWR's answers show the plan was made on a world that has moved
// (another run created the repository; the organization turned out missing), the affected
// part is read again and planned again, as a controller's reconcile loop does.
import { planRepository, type Plan, type RepositoryPlan } from './plan.js'
import { mapPool, messageOf } from './pool.js'
import { applyOrganization, createOrganizationChange } from './resources/organization.js'
import { applyRetention, type Waiting } from './resources/retention.js'
import type { Change, ChangeOutcome, Wanted } from './resources/types.js'
import type { RepositoryInfo, RepositorySettings, SwrClient } from './swr/client.js'
import type { Logger } from './github/runner.js'

export type SwrWriter = Pick<
  SwrClient,
  | 'readOrganization'
  | 'createOrganization'
  | 'readRepository'
  | 'createRepository'
  | 'updateRepository'
  | 'listRetentions'
  | 'createRetention'
  | 'updateRetention'
  | 'deleteRetention'
>

export interface ApplyContext {
  client: SwrWriter
  wanted: Wanted
  log: Logger
  waiting: Waiting
  concurrency: number
  /** Read a new repository back for its path (the registry host is not known). */
  readBackPaths: boolean
}

export interface ChangeRecord extends Change {
  outcome: ChangeOutcome
  error?: string
  /** Something the user should know about how it went. */
  note?: string
}

export interface RepositoryApplied {
  /** The plan as applied: re-made when the repository turned out to exist already. */
  plan: RepositoryPlan
  records: ChangeRecord[]
  /** This run's create took effect. */
  created: boolean
  /** The repository as read after its creation, when it was read back. */
  info?: RepositoryInfo
  error?: string
}

export interface Applied {
  organization?: ChangeRecord
  repositories: RepositoryApplied[]
}

/**
 * The organization, shared by the batch: created once, by the planned change or by the first
 * repository whose create shows it missing, while the others wait for that one request.
 */
class OrganizationGate {
  record?: ChangeRecord
  private creating?: Promise<void>
  private seenExisting = false

  constructor(private readonly ctx: ApplyContext) {}

  ensure(change: Change = createOrganizationChange(this.ctx.wanted.namespace)): Promise<void> {
    this.creating ??= (async () => {
      const { client, wanted, log } = this.ctx
      try {
        const outcome = await applyOrganization(client, wanted.namespace)
        this.record = { ...change, outcome: outcome === 'created' ? 'done' : 'found done' }
        log.info(
          `Organization "${wanted.namespace}": ${outcome === 'created' ? 'created' : 'created by another run at the same time'}`
        )
      } catch (err) {
        this.record = { ...change, outcome: 'failed', error: messageOf(err) }
        throw err
      }
    })()
    return this.creating
  }

  /** After a create answered 400, 403 or 404: true when the organization was missing and now is not. */
  async recover(organizationMissing: boolean): Promise<boolean> {
    if (!organizationMissing && !(await this.readsMissing())) return false
    await this.ensure()
    return true
  }

  /** A failed read leaves the create's own error to stand. */
  private async readsMissing(): Promise<boolean> {
    if (this.seenExisting) return false
    const { client, wanted } = this.ctx
    const state = await client.readOrganization(wanted.namespace).catch(() => 'exists' as const)
    // Once seen by a run that did not create it, it stays; after our own create, SWR may lag.
    if (state === 'exists' && this.creating === undefined) this.seenExisting = true
    return state === 'missing'
  }
}

async function createRepository(
  ctx: ApplyContext,
  gate: OrganizationGate,
  repository: string,
  settings: RepositorySettings
): Promise<{ outcome: 'created' | 'exists'; lost: boolean }> {
  const { client, wanted, waiting } = ctx
  // No repository can go in an organization that could not be created.
  if (gate.record?.outcome === 'failed') throw new Error(gate.record.error)
  for (let attempt = 0; ; attempt++) {
    const result = await client.createRepository(wanted.namespace, repository, settings)
    if (result.outcome === 'created') return { outcome: 'created', lost: result.lost }
    if (result.outcome === 'exists') return { outcome: 'exists', lost: false }
    if (!(await gate.recover(result.organizationMissing))) throw result.error
    const delay = attempt === 0 ? 0 : waiting.delays[attempt - 1]
    if (delay === undefined) {
      throw new Error(
        `create repository "${wanted.namespace}/${repository}" failed: organization "${wanted.namespace}" still reads as missing after it was created (${attempt + 1} tries)`
      )
    }
    if (delay > 0) await waiting.sleep(delay)
  }
}

/** Reads a repository just created or found, waiting while SWR does not show it yet. */
export async function readBack(ctx: ApplyContext, repository: string): Promise<RepositoryInfo> {
  const { client, wanted, waiting } = ctx
  for (const delay of [...waiting.delays, undefined]) {
    const read = await client.readRepository(wanted.namespace, repository)
    if (read.state === 'exists') return read.info
    if (delay === undefined) break
    await waiting.sleep(delay)
  }
  throw new Error(
    `read repository "${wanted.namespace}/${repository}" failed: it still reads as missing after it was created (${waiting.delays.length + 1} reads)`
  )
}

/** Another run created the repository between our read and our create: plan it again. */
async function replan(ctx: ApplyContext, repository: string): Promise<RepositoryPlan> {
  const info = await readBack(ctx, repository)
  const { wanted, client } = ctx
  const policies = wanted.retention
    ? await client.listRetentions(wanted.namespace, repository)
    : undefined
  return planRepository(wanted, repository, {
    read: { state: 'exists', info },
    ...(policies ? { policies } : {})
  })
}

interface Progress {
  records: ChangeRecord[]
  created: boolean
  info?: RepositoryInfo
  error?: string
  plan: RepositoryPlan
}

async function applyChange(
  ctx: ApplyContext,
  gate: OrganizationGate,
  progress: Progress,
  change: Change
): Promise<ChangeRecord[]> {
  const { client, wanted, log } = ctx
  const repository = progress.plan.repository
  if (change.resource === 'retention') {
    await applyRetention(client, wanted.namespace, repository, change, ctx.waiting)
  } else if (change.action === 'update') {
    await client.updateRepository(
      wanted.namespace,
      repository,
      change.after as unknown as RepositorySettings
    )
  } else {
    const settings = change.after as unknown as RepositorySettings
    const result = await createRepository(ctx, gate, repository, settings)
    if (result.outcome === 'exists') {
      log.info(`Repository "${change.name}": created by another run at the same time`)
      progress.plan = await replan(ctx, repository)
      const found: ChangeRecord = { ...change, outcome: 'found done' }
      return [found, ...(await applyChanges(ctx, gate, progress, progress.plan.changes))]
    }
    progress.created = true
    if (ctx.readBackPaths) progress.info = await readBack(ctx, repository)
    if (result.lost) {
      const note =
        'its answer was lost; a read shows the repository, so this run most likely created it'
      log.info(`Repository "${change.name}": ${note}`)
      return [{ ...change, outcome: 'done', note }]
    }
  }
  return [{ ...change, outcome: 'done' }]
}

/** Applies changes in order; after a failure the rest are skipped (each needs the one before). */
async function applyChanges(
  ctx: ApplyContext,
  gate: OrganizationGate,
  progress: Progress,
  changes: Change[]
): Promise<ChangeRecord[]> {
  const records: ChangeRecord[] = []
  for (const change of changes) {
    if (progress.error !== undefined) {
      records.push({ ...change, outcome: 'skipped' })
      continue
    }
    try {
      records.push(...(await applyChange(ctx, gate, progress, change)))
    } catch (err) {
      progress.error = messageOf(err)
      records.push({ ...change, outcome: 'failed', error: progress.error })
    }
  }
  return records
}

export async function applyPlan(plan: Plan, ctx: ApplyContext): Promise<Applied> {
  const gate = new OrganizationGate(ctx)
  // A planned organization goes first; its failure is each repository's to report.
  if (plan.organization) await gate.ensure(plan.organization).catch(() => undefined)
  const repositories = await mapPool(plan.repositories, ctx.concurrency, async rp => {
    const progress: Progress = {
      records: [],
      created: false,
      plan: rp,
      ...(rp.failure ? { error: rp.failure } : {})
    }
    const records = await applyChanges(ctx, gate, progress, rp.changes)
    const applied: RepositoryApplied = { plan: progress.plan, records, created: progress.created }
    if (progress.info) applied.info = progress.info
    if (progress.error !== undefined) applied.error = progress.error
    return applied
  })
  return { ...(gate.record ? { organization: gate.record } : {}), repositories }
}
