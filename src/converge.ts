// One pass of read -> plan -> apply. A dry run stops after the plan; both report through the
// same function, so what a dry run says is what a real run from the same state does.
import { applyPlan, type SwrWriter } from './apply.js'
import type { Logger } from './github/runner.js'
import { changesOf, makePlan } from './plan.js'
import { buildReport, type PathRules, type Report } from './report.js'
import { readState } from './read.js'
import type { Waiting } from './resources/retention.js'
import type { Change, Wanted } from './resources/types.js'

export interface ConvergeOptions {
  dryRun: boolean
  concurrency: number
  log: Logger
  waiting: Waiting
  paths: PathRules
  /** Shown the plan before it is applied. */
  onPlan: (changes: Change[]) => void
}

export async function converge(
  wanted: Wanted,
  client: SwrWriter,
  options: ConvergeOptions
): Promise<Report> {
  const { dryRun, concurrency, log, waiting, paths } = options
  const observed = await readState(client, wanted, { concurrency, dryRun })
  const plan = makePlan(wanted, observed)
  options.onPlan(changesOf(plan))
  const retentionWanted = wanted.retention !== undefined
  if (dryRun) return buildReport(plan, undefined, paths, retentionWanted)
  const readBackPaths = !paths.registryOverride && !paths.knownHost
  const applied = await applyPlan(plan, {
    client,
    wanted,
    log,
    waiting,
    concurrency,
    readBackPaths
  })
  return buildReport(plan, applied, paths, retentionWanted)
}
