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
