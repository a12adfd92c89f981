// One pass of read -> plan -> apply. A dry run stops after the plan; both report through the
// same function, so what a dry run says is what a real run from the same state does.
import { applyPlan, type Clients } from './apply.js'
import type { Logger } from '../github/runner.js'
import { changesOf, deletionsOf, makePlan, planRepositories, targetsNeeded } from './plan.js'
import { buildReport, type PathRules, type Report } from './report.js'
import { readState, readTargets } from './read.js'
import { resolveWanted } from '../resources/permissions.js'
import type { Waiting } from '../resources/waiting.js'
import type { Change, Wanted } from '../resources/types.js'

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

/** A plan that deletes more repositories than max_deletions allows, named, stops the run. */
export function checkDeletions(deletions: string[], max: number | undefined): void {
  if (max === undefined || deletions.length <= max) return
  throw new Error(
    `The plan deletes ${deletions.length} repositories, more than max_deletions (${max}) allows: ${deletions.join(', ')}. Nothing was changed. If these are meant to go, raise max_deletions; otherwise check repository, ensure and prune.`
  )
}

export async function converge(
  wanted: Wanted,
  clients: Clients,
  options: ConvergeOptions
): Promise<Report> {
  const { dryRun, concurrency, log, waiting, paths } = options
  // The users' ids from IAM (reads, made in a dry run too) while SWR is read.
  const [observed, resolved] = await Promise.all([
    readState(clients, wanted, { concurrency, dryRun }),
    resolveWanted(wanted, clients.iam)
  ])
  wanted = resolved
  const repositories = planRepositories(wanted, observed)
  const targets = targetsNeeded(repositories)
  if (targets.length > 0) observed.targets = await readTargets(targets, clients.inRegion)
  const plan = makePlan(wanted, observed, repositories)
  options.onPlan(changesOf(plan))
  checkDeletions(deletionsOf(plan.repositories), options.maxDeletions)
  if (dryRun) return buildReport(wanted, plan, undefined, paths)
  const readBackPaths = !paths.registryOverride && !paths.knownHost
  const ctx = { clients, wanted, log, waiting, concurrency, readBackPaths }
  return buildReport(wanted, plan, await applyPlan(plan, ctx), paths)
}
