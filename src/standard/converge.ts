// The standard edition behind the one shape (edition.ts): read -> plan -> apply -> report.
import { converge as convergeEdition, type Edition } from '../edition.js'
import { applyPlan, type Applied, type Clients } from './apply.js'
import type { Logger } from '../github/runner.js'
import { renderSummary } from '../github/summary.js'
import {
  changesOf,
  deletionsOf,
  makePlan,
  planRepositories,
  targetsNeeded,
  type Observed,
  type Plan,
  type RepositoryPlan
} from './plan.js'
import { buildReport } from './report.js'
import { readState, readTargets } from './read.js'
import { resolveWanted } from '../resources/permissions.js'
import type { Waiting } from '../resources/waiting.js'
import type { Change, Wanted } from '../resources/types.js'
import type { PathRules, Report } from '../report.js'

export interface ConvergeOptions {
  dryRun: boolean
  concurrency: number
  log: Logger
  waiting: Waiting
  paths: PathRules
  /** Shown the plan before it is applied. */
  onPlan: (changes: Change[]) => void
  /** The most repositories the plan may delete (max_deletions); more fails the run unwritten. */
  maxDeletions?: number
}

/** What was read, with what is wanted once the users' ids are known. */
interface Read {
  wanted: Wanted
  observed: Observed
  repositories: RepositoryPlan[]
}

interface Planned {
  wanted: Wanted
  plan: Plan
}

export function standardEdition(
  wanted: Wanted,
  clients: Clients,
  options: Omit<ConvergeOptions, 'onPlan' | 'maxDeletions'>
): Edition<Read, Planned, Applied> {
  const { dryRun, concurrency, log, waiting, paths } = options
  return {
    async read() {
      // The users' ids from IAM (reads, made in a dry run too) while SWR is read.
      const [observed, resolved] = await Promise.all([
        readState(clients, wanted, { concurrency, dryRun }),
        resolveWanted(wanted, clients.iam)
      ])
      for (const message of observed.warnings ?? []) log.warning(message)
      const repositories = planRepositories(resolved, observed)
      const targets = targetsNeeded(repositories)
      if (targets.length > 0) observed.targets = await readTargets(targets, clients.inRegion)
      return { wanted: resolved, observed, repositories }
    },
    plan({ wanted: resolved, observed, repositories }) {
      const plan = makePlan(resolved, observed, repositories)
      return {
        plan: { wanted: resolved, plan },
        changes: changesOf(plan),
        deletions: deletionsOf(plan.repositories)
      }
    },
    apply({ wanted: resolved, plan }) {
      const readBackPaths = !paths.registryOverride && !paths.knownHost
      return applyPlan(plan, {
        clients,
        wanted: resolved,
        log,
        waiting,
        concurrency,
        readBackPaths
      })
    },
    report({ wanted: resolved, plan }, applied) {
      const report = buildReport(resolved, plan, applied, paths)
      return { report, paths, summary: renderSummary(wanted, report) }
    }
  }
}

export async function converge(
  wanted: Wanted,
  clients: Clients,
  options: ConvergeOptions
): Promise<Report> {
  return (await convergeEdition(standardEdition(wanted, clients, options), options)).report
}
