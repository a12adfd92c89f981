// One pass of read -> plan -> apply on an instance, as converge.ts does for the standard
// edition: a dry run stops after the plan, and both report through the same function.
import type { Logger } from '../github/runner.js'
import type { Report } from '../standard/report.js'
import type { Change } from '../resources/types.js'
import type { InstanceInfo } from '../swr/enterprise-client.js'
import { applyEnterprisePlan, type EnterpriseWriter } from './apply.js'
import { registryOf } from './instance.js'
import { checkDeletions } from '../standard/converge.js'
import { enterpriseChanges, makeEnterprisePlan } from './plan.js'
import { readEnterpriseState, type EnterpriseReader } from './read.js'
import { buildEnterpriseReport } from './report.js'
import type { EnterpriseWanted } from './types.js'

export interface EnterpriseOptions {
  dryRun: boolean
  concurrency: number
  log: Logger
  /** The registry input: the host of every path, and the instance need not be read for it. */
  registry?: string
  /** Shown the plan before it is applied. */
  onPlan: (changes: Change[]) => void
  /** The most repositories the plan may delete (max_deletions). */
  maxDeletions?: number
}

export interface EnterpriseOutcome {
  report: Report
  /** Undefined when it was not read (registry given, nothing in doubt). */
  instance?: InstanceInfo
  registry: string
}

export async function convergeEnterprise(
  wanted: EnterpriseWanted,
  client: EnterpriseReader & EnterpriseWriter,
  options: EnterpriseOptions
): Promise<EnterpriseOutcome> {
  const { dryRun, concurrency, log } = options
  const registryGiven = options.registry !== undefined
  const observed = await readEnterpriseState(client, wanted, { concurrency, registryGiven })
  const registry = registryOf(observed.instance, options.registry)
  const plan = makeEnterprisePlan(wanted, observed)
  options.onPlan(enterpriseChanges(plan))
  const deletions = plan.repositories.filter(r => r.change?.action === 'delete').map(r => r.name)
  checkDeletions(deletions, options.maxDeletions)
  const applied = dryRun
    ? undefined
    : await applyEnterprisePlan(plan, { client, wanted, log, concurrency })
  const report = buildEnterpriseReport(wanted, plan, applied, registry)
  return { report, registry, ...(observed.instance ? { instance: observed.instance } : {}) }
}
