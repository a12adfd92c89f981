export type { ActionRun } from '../../test/support/run-action.js'
export {
  ROOT,
  DIST,
  actionYaml,
  errorsOf,
  errorTitles,
  inputEnv,
  parseOutputFile,
  runAction,
  visibleLog,
  warningsOf
} from '../../test/support/run-action.js'

/** One change of the `plan` output. */
export interface PlannedChange {
  resource: string
  name: string
  /** Set for a change in another region (replicate_to's target organizations). */
  region?: string
  action: string
  before: unknown
  after: unknown
  reason: string
}

/** The `plan` output, parsed; null when the run set none. */
export const planOf = (outputs: Record<string, string>) =>
  JSON.parse(outputs['plan'] ?? 'null') as PlannedChange[]

/** The `result` output, parsed as entries of the shape a test reads; null when the run set none. */
export const resultOf = <Entry = Record<string, unknown>>(outputs: Record<string, string>) =>
  JSON.parse(outputs['result'] ?? 'null') as Entry[]
