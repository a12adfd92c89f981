// Applies a plan: the organization first, then each repository's changes in order, several
// repositories at once. Where SWR's answers show the plan was made on a world that has moved
// (another run created the repository; the organization turned out missing), the affected
// part is read again and planned again, as a controller's reconcile loop does.
import { planRepository, type Plan, type RepositoryPlan } from './plan.js'
import { mapPool } from '../pool.js'
import { CredentialsRefused, failureOf } from '../http/errors.js'
import {
  ForeignOrganizationError,
  applyOrganization,
  createOrganizationChange,
  foreignTarget
} from '../resources/organization.js'
import { attachmentFor } from '../resources/attachments.js'
import { targetKey } from '../resources/replication.js'
import { untilVisible, type Waiting } from '../resources/waiting.js'
import { readAttachments } from './read.js'
import type { SwrAccessClient } from '../swr/access-client.js'
import type { SwrPermissionClient } from '../swr/permission-client.js'
import type { IamUserDirectory } from '../swr/iam-users.js'
import { applyGrant } from '../resources/permissions.js'
import type { Change, Wanted } from '../resources/types.js'
import type { RepositoryInfo, RepositorySettings, SwrClient } from '../swr/client.js'
import type { Logger } from '../github/runner.js'
import type { ChangeRecord } from '../report.js'

type SwrWriter = Pick<
  SwrClient,
  | 'readOrganization'
  | 'createOrganization'
  | 'readRepository'
  | 'listRepositoryPage'
  | 'createRepository'
  | 'updateRepository'
  | 'deleteRepository'
  | 'listRetentions'
  | 'createRetention'
  | 'updateRetention'
  | 'deleteRetention'
>

/** The clients a run talks through: SWR in its region, sharing and auto-sync there, and SWR in a replication target's region. */
export interface Clients {
  swr: SwrWriter
  access: SwrAccessClient
  /** IAM users' grants on the organization and its repositories. */
  permissions: SwrPermissionClient
  /** IAM's users, for grants given by name alone; absent when every grant gives its id. */
  iam?: Pick<IamUserDirectory, 'lookUp'>
  inRegion: (
    region: string
  ) => Pick<
    SwrClient,
    'readOrganization' | 'createOrganization' | 'readRepository' | 'deleteRepository'
  >
}

interface ApplyContext {
  /** Replication targets whose organization could not be created, with why. */
  failedTargets: Map<string, string>
  clients: Clients
  wanted: Wanted
  log: Logger
  waiting: Waiting
  concurrency: number
  /** Read a new repository back for its path (the registry host is not known). */
  readBackPaths: boolean
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
  targetOrganizations: ChangeRecord[]
  repositories: RepositoryApplied[]
  /** The organization's grants, with what became of each. */
  organizationPermissions: ChangeRecord[]
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
      const { clients, wanted, log } = this.ctx
      try {
        const outcome = await applyOrganization(clients.swr, wanted.namespace)
        this.record = { ...change, outcome: outcome === 'created' ? 'done' : 'found done' }
        log.info(
          `Organization "${wanted.namespace}": ${outcome === 'created' ? 'created' : 'created by another run at the same time'}`
        )
      } catch (err) {
        this.record = { ...change, outcome: 'failed', error: failureOf(err) }
        throw err
      }
    })()
    return this.creating
  }

  /**
   * After a create answered 400, 403 or 404: true when the organization was missing and now is
   * not. While this run creates the organization, or once it has, any such refusal is taken as
   * the organization not showing yet (the create is sent again): a read of the organization
   * proves nothing then, as it may answer after the create and the refusal before it.
   */
  async recover(organizationMissing: boolean): Promise<boolean> {
    const ours = () => this.creating !== undefined
    if (!ours() && !organizationMissing && !(await this.readsMissing()) && !ours()) return false
    if (!ours()) {
      const { namespace } = this.ctx.wanted
      this.ctx.log.info(
        `Plan: one more change, found while applying: + organization ${namespace}: create (a repository create showed it does not exist)`
      )
    }
    await this.ensure()
    return true
  }

  /** A failed read leaves the create's own error to stand. */
  private async readsMissing(): Promise<boolean> {
    if (this.seenExisting) return false
    const { clients, wanted } = this.ctx
    const state = await clients.swr
      .readOrganization(wanted.namespace)
      .catch(() => 'exists' as const)
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
  const { wanted, waiting } = ctx
  const client = ctx.clients.swr
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
        `create repository "${wanted.namespace}/${repository}" failed: organization "${wanted.namespace}" still reads as missing after it was created (${attempt + 1} tries, the last answered HTTP ${result.error.status}${result.error.error.code ? ` ${result.error.error.code}` : ''})`
      )
    }
    if (delay > 0) await waiting.sleep(delay)
  }
}

/** Reads a repository just created or found, waiting while SWR does not show it yet. */
async function readBack(ctx: ApplyContext, repository: string): Promise<RepositoryInfo> {
  const { wanted } = ctx
  let info: RepositoryInfo | undefined
  await untilVisible(
    ctx.waiting,
    async () => {
      const read = await ctx.clients.swr.readRepository(wanted.namespace, repository)
      if (read.state !== 'exists') return 'absent'
      info = read.info
      return 'done'
    },
    tries =>
      `read repository "${wanted.namespace}/${repository}" failed: it still reads as missing after it was created (${tries} reads)`
  )
  return info as RepositoryInfo
}

/** Another run created the repository between our read and our create: plan it again. */
async function replan(ctx: ApplyContext, repository: string): Promise<RepositoryPlan> {
  const info = await readBack(ctx, repository)
  const observation = await readAttachments(ctx.clients, ctx.wanted, repository, info)
  return planRepository(ctx.wanted, repository, observation)
}

interface Progress {
  created: boolean
  info?: RepositoryInfo
  error?: string
  plan: RepositoryPlan
}

/** A change applied; `replanned` when the repository's plan was made anew meanwhile. */
interface ChangeApplied {
  record: ChangeRecord
  replanned?: boolean
}

async function applyCreate(
  ctx: ApplyContext,
  gate: OrganizationGate,
  progress: Progress,
  change: Change
): Promise<ChangeApplied> {
  const repository = progress.plan.repository
  const settings = change.after as unknown as RepositorySettings
  const result = await createRepository(ctx, gate, repository, settings)
  if (result.outcome === 'exists') {
    ctx.log.info(`Repository "${change.name}": created by another run at the same time`)
    progress.plan = await replan(ctx, repository)
    if (progress.plan.failure) progress.error = progress.plan.failure
    return { record: { ...change, outcome: 'found done' }, replanned: true }
  }
  progress.created = true
  if (ctx.readBackPaths) progress.info = await readBack(ctx, repository)
  if (!result.lost) return { record: { ...change, outcome: 'done' } }
  const note =
    'its answer was lost; a read shows the repository, so this run most likely created it'
  ctx.log.info(`Repository "${change.name}": ${note}`)
  return { record: { ...change, outcome: 'done', note } }
}

/**
 * Deletes a repository (a replica in its own region): one that SWR says is gone already was
 * deleted by another run, and one whose answer was lost counts as deleted once a read shows it
 * gone.
 */
async function applyDelete(ctx: ApplyContext, change: Change): Promise<ChangeApplied> {
  const slash = change.name.indexOf('/')
  const namespace = change.name.slice(0, slash)
  const repository = change.name.slice(slash + 1)
  const client = change.region ? ctx.clients.inRegion(change.region) : ctx.clients.swr
  const where = change.region ? ` in ${change.region}` : ''
  const result = await client.deleteRepository(namespace, repository)
  if (result.outcome === 'absent') {
    ctx.log.info(`Repository "${change.name}"${where}: deleted by another run at the same time`)
    return { record: { ...change, outcome: 'found done' } }
  }
  ctx.log.info(`Repository "${change.name}"${where}: deleted`)
  if (!result.lost) return { record: { ...change, outcome: 'done' } }
  const note = 'its answer was lost; a read shows the repository gone, so this run deleted it'
  ctx.log.info(`Repository "${change.name}"${where}: ${note}`)
  return { record: { ...change, outcome: 'done', note } }
}

async function applyChange(
  ctx: ApplyContext,
  gate: OrganizationGate,
  progress: Progress,
  change: Change
): Promise<ChangeApplied> {
  const { clients, wanted } = ctx
  const repository = progress.plan.repository
  const attachment = attachmentFor(change.resource)
  if (change.resource === 'repository' && change.action === 'delete') {
    return applyDelete(ctx, change)
  } else if (attachment) {
    const attached = {
      ...clients,
      namespace: wanted.namespace,
      waiting: ctx.waiting,
      failedTargets: ctx.failedTargets
    }
    const outcome = await attachment.apply(attached, repository, change)
    if (outcome === 'found done') return { record: { ...change, outcome } }
  } else if (change.action === 'update') {
    const settings = change.after as unknown as RepositorySettings
    await clients.swr.updateRepository(wanted.namespace, repository, settings)
  } else {
    return applyCreate(ctx, gate, progress, change)
  }
  return { record: { ...change, outcome: 'done' } }
}

/** Applies changes in order; after a failure the rest are skipped (each needs the one before). */
async function applyChanges(
  ctx: ApplyContext,
  gate: OrganizationGate,
  progress: Progress,
  changes: Change[]
): Promise<ChangeRecord[]> {
  const records: ChangeRecord[] = []
  // A grant needs only the repository: one that fails leaves the other grants to be made.
  let blocking = progress.error !== undefined
  for (const change of changes) {
    const grant = change.resource === 'repository-permission'
    if (blocking || (progress.error !== undefined && !grant)) {
      records.push({ ...change, outcome: 'skipped' })
      continue
    }
    try {
      const { record, replanned } = await applyChange(ctx, gate, progress, change)
      records.push(record)
      // The rest of the old plan was made for a repository that did not exist: drop it.
      if (replanned)
        return [...records, ...(await applyChanges(ctx, gate, progress, progress.plan.changes))]
    } catch (err) {
      const error = failureOf(err)
      progress.error ??= error
      if (!grant || err instanceof CredentialsRefused) blocking = true
      records.push({ ...change, outcome: 'failed', error })
    }
  }
  return records
}

/** A replication target's organization, created in its own region. */
async function applyTarget(ctx: ApplyContext, change: Change): Promise<ChangeRecord> {
  const region = change.region as string
  try {
    const outcome = await applyOrganization(ctx.clients.inRegion(region), change.name)
    const words = outcome === 'created' ? 'created' : 'created by another run at the same time'
    ctx.log.info(`Organization "${change.name}" in ${region}: ${words}`)
    return { ...change, outcome: outcome === 'created' ? 'done' : 'found done' }
  } catch (err) {
    const message =
      err instanceof ForeignOrganizationError ? foreignTarget(change.name, region) : failureOf(err)
    ctx.failedTargets.set(targetKey({ region, namespace: change.name }), message)
    return { ...change, outcome: 'failed', error: message }
  }
}

export type ApplyOptions = Omit<ApplyContext, 'failedTargets'>

export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<Applied> {
  const failedTargets = new Map(Object.entries(plan.targetErrors))
  const ctx: ApplyContext = { ...options, failedTargets }
  const gate = new OrganizationGate(ctx)
  // The run's organization first: without it nothing would be copied to the targets' ones,
  // which are then made every region at once. A failure is each dependent change's to report.
  if (plan.organization) await gate.ensure(plan.organization).catch(() => undefined)
  const sourceFailed = gate.record?.outcome === 'failed'
  const targetOrganizations = sourceFailed
    ? plan.targetOrganizations.map(change => ({ ...change, outcome: 'skipped' as const }))
    : await Promise.all(plan.targetOrganizations.map(change => applyTarget(ctx, change)))
  const repositories = await mapPool(plan.repositories, ctx.concurrency, async rp => {
    const progress: Progress = {
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
  // After the repositories: a repository create may be what made the organization.
  const organizationPermissions = await applyOrganizationGrants(ctx, gate, plan)
  return {
    ...(gate.record ? { organization: gate.record } : {}),
    targetOrganizations,
    repositories,
    organizationPermissions
  }
}

/** The organization's grants, all at once: each is one user's, and needs only the organization. */
async function applyOrganizationGrants(
  ctx: ApplyContext,
  gate: OrganizationGate,
  plan: Plan
): Promise<ChangeRecord[]> {
  const changes = plan.organizationPermissions?.changes ?? []
  const failed = gate.record?.outcome === 'failed' ? gate.record.error : undefined
  return Promise.all(
    changes.map(async (change): Promise<ChangeRecord> => {
      if (failed !== undefined) return { ...change, outcome: 'skipped' }
      try {
        const scope = { namespace: ctx.wanted.namespace }
        const outcome = await applyGrant(ctx.clients.permissions, scope, change, ctx.waiting)
        return { ...change, outcome }
      } catch (err) {
        return { ...change, outcome: 'failed', error: failureOf(err) }
      }
    })
  )
}
