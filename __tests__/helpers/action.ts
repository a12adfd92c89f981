export type { ActionRun } from '../../test/support/run-action.js'
export {
  ROOT,
  DIST,
  actionYaml,
  errorsOf,
  inputEnv,
  parseOutputFile,
  runAction,
  visibleLog,
  warningsOf
} from '../../test/support/run-action.js'
