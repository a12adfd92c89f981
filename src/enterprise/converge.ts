// An instance behind the one shape (edition.ts), as standard/converge.ts is the standard
// edition: read -> plan -> apply -> report.
import type { Edition } from '../edition.js'
import { renderEnterpriseSummary } from '../github/enterprise-summary.js'
import type { Logger } from '../github/runner.js'
import { applyEnterprisePlan, type EnterpriseApplied, type EnterpriseWriter } from './apply.js'
import { registryOf } from './instance.js'
import { enterpriseChanges, makeEnterprisePlan } from './plan.js'
import { readEnterpriseState, type EnterpriseReader } from './read.js'
import { buildEnterpriseReport } from './report.js'
import type { EnterpriseObserved, EnterprisePlan, EnterpriseWanted } from './types.js'

export interface EnterpriseOptions {
  dryRun: boolean
  concurrency: number
  log: Logger
  /** The registry input: the host of every path, and the instance need not be read for it. */
  registry?: string
}

interface Read {
  observed: EnterpriseObserved
  registry: string
}

interface Planned extends Read {
  plan: EnterprisePlan
}

export function enterpriseEdition(
  wanted: EnterpriseWanted,
  client: EnterpriseReader & EnterpriseWriter,
  options: EnterpriseOptions
): Edition<Read, Planned, EnterpriseApplied> {
  const { concurrency, log } = options
  return {
    async read() {
      const registryGiven = options.registry !== undefined
      const observed = await readEnterpriseState(client, wanted, { concurrency, registryGiven })
      return { observed, registry: registryOf(observed.instance, options.registry) }
    },
    plan(read) {
      const plan = makeEnterprisePlan(wanted, read.observed)
      const deletions = plan.repositories
        .filter(r => r.change?.action === 'delete')
        .map(r => r.name)
      return { plan: { ...read, plan }, changes: enterpriseChanges(plan), deletions }
    },
    apply({ plan }) {
      return applyEnterprisePlan(plan, { client, wanted, log, concurrency })
    },
    report({ plan, registry, observed }, applied) {
      const report = buildEnterpriseReport(wanted, plan, applied, registry)
      const summary = renderEnterpriseSummary(wanted, report, observed.instance)
      return { report, paths: { knownHost: registry }, summary }
    }
  }
}
