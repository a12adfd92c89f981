// The one shape both editions present to main.ts: read, plan, apply, report. One converge
// drives either, so a dry run and a real run, a standard run and an instance run, go through
// the same steps and end the same way.
import type { ResolvedCredentials } from './auth/credentials.js'
import type { Tuning } from './github/inputs.js'
import type { Logger } from './github/runner.js'
import type { Api, Authorizer, ServicePolicy } from './http/api.js'
import type { Change } from './resources/types.js'
import type { PathRules, Report } from './report.js'

/** A plan, with the changes it shows and the repositories it deletes. */
interface Planned<Plan> {
  plan: Plan
  changes: Change[]
  deletions: string[]
}

/** What a run reports: the report, the rules for its paths, and its job summary. */
export interface Reported {
  report: Report
  paths: PathRules
  summary: string
}

export interface Edition<Observed, Plan, Applied> {
  read(): Promise<Observed>
  /** Pure: what is wanted against what was read. */
  plan(observed: Observed): Planned<Plan>
  apply(plan: Plan): Promise<Applied>
  /** Pure; `applied` is undefined on a dry run, so a dry run says what a real run does. */
  report(plan: Plan, applied: Applied | undefined): Reported
}

export interface ConvergeOptions {
  dryRun: boolean
  /** Shown the plan before it is applied. */
  onPlan: (changes: Change[]) => void
  /** The most repositories the plan may delete (max_deletions); more fails the run unwritten. */
  maxDeletions?: number
}

/** A plan that deletes more repositories than max_deletions allows, named, stops the run. */
function checkDeletions(deletions: string[], max: number | undefined): void {
  if (max === undefined || deletions.length <= max) return
  throw new Error(
    `The plan deletes ${deletions.length} repositories, more than max_deletions (${max}) allows: ${deletions.join(', ')}. Nothing was changed. If these are meant to go, raise max_deletions; otherwise check repository, ensure and prune.`
  )
}

/** One pass of read -> plan -> apply -> report. A dry run stops after the plan. */
export async function converge<Observed, Plan, Applied>(
  edition: Edition<Observed, Plan, Applied>,
  options: ConvergeOptions
): Promise<Reported> {
  const observed = await edition.read()
  const { plan, changes, deletions } = edition.plan(observed)
  options.onPlan(changes)
  checkDeletions(deletions, options.maxDeletions)
  return edition.report(plan, options.dryRun ? undefined : await edition.apply(plan))
}

/** What main.ts hands each edition to set itself up with. */
export interface RunDeps {
  api: (baseUrl: URL, policy: ServicePolicy, authorize?: Authorizer) => Api
  credentials: ResolvedCredentials
  log: Logger
  tuning: Tuning
}

/** An edition set up for a run: where it works, its converge pass, its docker login. */
export interface EditionRun {
  /** For the group title: '' for the standard edition, else the instance it works on. */
  where: string
  converge(options: ConvergeOptions): Promise<Reported>
  /** Sets the docker login outputs, after a run that went through. */
  dockerLogin(reported: Reported): Promise<void>
}
