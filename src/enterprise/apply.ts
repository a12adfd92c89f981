// Applies the instance's plan: the namespace first (everything else lives in it), then each
// repository's description, several at once, then the namespace policies in order. The
// create a push makes is recorded as left to it; after a failure, what needs it is skipped.
import type { Logger } from '../github/runner.js'
import { mapPool } from '../pool.js'
import { failureOf } from '../http/errors.js'
import type { Change } from '../resources/types.js'
import type { SwrEnterpriseClient } from '../swr/enterprise-client.js'
import { applyImmutability } from './immutability.js'
import { applyNamespace } from './namespace.js'
import { applyRepository } from './repository.js'
import { applyRetention } from './retention.js'
import { applyImmutabilityLeaving, retentionLeaving } from './scope.js'
import { deletesAny, isPushCreate, type EnterprisePlan, type EnterpriseWanted } from './types.js'
import type { ChangeRecord } from '../report.js'

export type EnterpriseWriter = Pick<
  SwrEnterpriseClient,
  | 'createNamespace'
  | 'readNamespace'
  | 'updateNamespace'
  | 'updateRepository'
  | 'deleteRepository'
  | 'createRetentionPolicy'
  | 'updateRetentionPolicy'
  | 'listRetentionPolicies'
  | 'deleteRetentionPolicy'
  | 'listImmutableRules'
  | 'createImmutableRule'
  | 'updateImmutableRule'
  | 'deleteImmutableRule'
>

export interface EnterpriseApplied {
  namespace?: ChangeRecord
  /** Per repository in the order given: its change's record, if it had one. */
  repositories: (ChangeRecord | undefined)[]
  policies: ChangeRecord[]
  /** Why the namespace could not be made ready; every repository fails with it. */
  failure?: string
}

interface Context {
  client: EnterpriseWriter
  wanted: EnterpriseWanted
  log: Logger
  concurrency: number
}

async function attempt(
  change: Change,
  run: () => Promise<'done' | 'found done' | void>
): Promise<ChangeRecord> {
  try {
    return { ...change, outcome: (await run()) ?? 'done' }
  } catch (err) {
    return { ...change, outcome: 'failed', error: failureOf(err) }
  }
}

async function applyPolicy(ctx: Context, change: Change): Promise<ChangeRecord> {
  const { client, wanted } = ctx
  const leaving =
    (change.before as { scopeOnly?: boolean } | null)?.scopeOnly === true ||
    (change.after as { scopeOnly?: boolean } | null)?.scopeOnly === true
  return attempt(change, () =>
    change.resource === 'retention'
      ? applyRetention(client, wanted.namespace, change)
      : leaving
        ? applyImmutabilityLeaving(client, wanted.namespace, change)
        : applyImmutability(client, wanted.namespace, wanted.repositories, change)
  )
}

/** Deletes a repository: gone already (404) is another run's doing; a lost answer is read back. */
async function deleteRepository(ctx: Context, change: Change): Promise<'done' | 'found done'> {
  const repository = change.name.slice(ctx.wanted.namespace.length + 1)
  const result = await ctx.client.deleteRepository(ctx.wanted.namespace, repository)
  if (result.outcome === 'absent') {
    ctx.log.info(`Repository "${change.name}": deleted by another run at the same time`)
    return 'found done'
  }
  const lost = result.lost ? '; its answer was lost, and a read shows it gone' : ''
  ctx.log.info(`Repository "${change.name}": deleted${lost}`)
  return 'done'
}

export async function applyEnterprisePlan(
  plan: EnterprisePlan,
  ctx: Context
): Promise<EnterpriseApplied> {
  const { client, wanted, log } = ctx
  const skipped = (c: Change): ChangeRecord => ({ ...c, outcome: 'skipped' })
  const namespace = plan.namespaceChange
    ? await attempt(plan.namespaceChange, () =>
        applyNamespace(client, plan.namespaceChange as Change, log)
      )
    : undefined
  if (namespace?.outcome === 'failed') {
    return {
      namespace,
      repositories: plan.repositories.map(r => (r.change ? skipped(r.change) : undefined)),
      policies: plan.policies.map(skipped),
      failure: namespace.error as string
    }
  }
  // Repositories taken down leave the immutable tag rules' scope first: a rule the action
  // scoped to one would keep it from being deleted. The retention policy's scope is narrowed
  // after the deletes, and only for the repositories that are gone.
  const policies: ChangeRecord[] = []
  const first = deletesAny(plan)
  const before = first ? plan.policies.filter(c => c.resource !== 'retention') : []
  for (const change of before) policies.push(await applyPolicy(ctx, change))
  const repositories = await mapPool(plan.repositories, ctx.concurrency, async rp => {
    const change = rp.change
    if (!change) return undefined
    if (isPushCreate(change)) return { ...change, outcome: 'on first push' as const }
    if (change.action === 'delete') return attempt(change, () => deleteRepository(ctx, change))
    return attempt(change, () => applyRepository(client, wanted.namespace, rp.repository, change))
  })
  const after = first ? retentionAfter(plan, repositories) : plan.policies
  for (const change of after) policies.push(await applyPolicy(ctx, change))
  return { ...(namespace ? { namespace } : {}), repositories, policies }
}

/**
 * The retention change to apply after the deletes: as planned when every repository leaving
 * its scope is gone; else planned again without those whose delete failed, which still exist
 * and keep their retention rules.
 */
function retentionAfter(plan: EnterprisePlan, records: (ChangeRecord | undefined)[]): Change[] {
  const planned = plan.policies.filter(c => c.resource === 'retention')
  const stays = new Set(
    plan.repositories
      .filter((rp, i) => rp.absent && ['failed', 'skipped'].includes(records[i]?.outcome ?? ''))
      .map(rp => rp.repository)
  )
  const scope = plan.retentionScope
  if (stays.size === 0 || !scope) return planned
  const leaving = new Set(scope.leaving.filter(name => !stays.has(name)))
  const change = retentionLeaving(plan.namespace, scope.policies, scope.planned, leaving)
  return change ? [change] : []
}
