// What both editions tell the runner about a converged run: the log lines inside its group,
// then the outputs, the job summary, an annotation per failed repository and the failure
// total; and the docker login outputs.
import type { PathRules, Report } from '../report.js'
import { failureAnnotations, failureTotal, repositoryLines } from './log.js'
import { hasControl } from '../values.js'
import { writeOutputs } from './outputs.js'
import { appendSummary, error, info, setFailed, setOutput, setSecret, warning } from './runner.js'

/** One line per repository in the order given, then the report's warnings. */
export function logReport(report: Report): void {
  for (const line of repositoryLines(report)) info(line)
  for (const message of report.warnings) warning(message)
}

/**
 * The outputs, then the summary, then the failures. Called before any docker login, so that a
 * failing login cannot lose the summary.
 */
export function publishReport(report: Report, paths: PathRules, summary: string): void {
  writeOutputs(report, paths)
  appendSummary(summary)
  for (const { title, message } of failureAnnotations(report)) error(message, { title })
  const total = failureTotal(report)
  if (total) setFailed(total)
}

/** docker_username and docker_password, the password masked before it is set. */
export function setLoginOutputs(username: string, password: string, what: string): void {
  // Both come from the service: a line break would split an output, or leave part of the
  // password unmasked.
  if (hasControl(username) || hasControl(password) || !username || !password) {
    throw new Error(
      `The docker login the service answered for ${what} has an empty user name or password, or one with a line break or control character: no login outputs were set.`
    )
  }
  setSecret(password)
  setOutput('docker_username', username)
  setOutput('docker_password', password)
  info(`Docker login outputs set for ${what}`)
}
