// What both editions tell the runner about a converged run: the log lines inside its group,
// then the outputs, the job summary, an annotation per failed repository and the failure
// total; and the docker login outputs.
import { loginExpiry } from '../auth/expiry.js'
import type { Change } from '../resources/types.js'
import { failureAnnotations, failureTotal, planLines, repositoryLines } from './log.js'
import { failureOf } from '../http/errors.js'
import { hasControl } from '../values.js'
import { writeOutputs } from './outputs.js'
import { appendSummary, error, info, setFailed, setOutput, setSecret, warning } from './runner.js'
import type { PathRules, Report } from '../report.js'

/** One line per repository in the order given, then the report's warnings. */
export function logReport(report: Report): void {
  for (const line of repositoryLines(report)) info(line)
  for (const message of report.warnings) warning(message)
}

/**
 * The outputs, then the summary, then the failures. Called before any docker login, so that a
 * failing login cannot lose the summary. When the credentials were refused half-way, `refused`
 * is the step's one error, the caller's to report: the repositories it stopped are neither
 * annotated each nor totalled.
 */
export function publishReport(
  report: Report,
  paths: PathRules,
  summary: string,
  refused?: Error
): void {
  writeOutputs(report, paths)
  appendSummary(summary)
  const stopped = refused ? failureOf(refused) : undefined
  for (const { title, message } of failureAnnotations(report)) {
    if (stopped === undefined || !message.endsWith(stopped)) error(message, { title })
  }
  const total = refused ? undefined : failureTotal(report)
  if (total) setFailed(total)
}

/** A docker login for the outputs; `expiresAt` as the service sent it, for a temporary one. */
export interface DockerLogin {
  username: string
  password: string
  temporary: boolean
  expiresAt?: string
  /** Where the expiry comes from, for a warning about it: "X-Swr-Expireat header". */
  expirySource: string
}

/**
 * docker_username and docker_password, the password masked before it is set, and
 * docker_login_expires_at: when a temporary login expires, empty for a long-term one (and,
 * with a warning, when the service's expiry makes no sense).
 */
export function setLoginOutputs(login: DockerLogin, what: string): void {
  // Both come from the service: a line break would split an output, or leave part of the
  // password unmasked.
  const { username, password } = login
  if (hasControl(username) || hasControl(password) || !username || !password) {
    throw new Error(
      `The docker login the service answered for ${what} has an empty user name or password, or one with a line break or control character: no login outputs were set.`
    )
  }
  setSecret(login.password)
  setOutput('docker_username', login.username)
  setOutput('docker_password', login.password)
  let expiresAt = ''
  if (login.temporary) {
    const expiry = loginExpiry(login.expiresAt, login.expirySource)
    if ('warning' in expiry) warning(expiry.warning)
    else expiresAt = expiry.expiresAt
  }
  setOutput('docker_login_expires_at', expiresAt)
  info(`Docker login outputs set for ${what}${expiresAt ? `, valid until ${expiresAt}` : ''}`)
}

/** How the run shows its plan, and whether it has: a run stopped before it says so instead. */
export interface PlanShower {
  show(changes: Change[]): void
  shown: boolean
}

export function planShower(dryRun: boolean): PlanShower {
  const shower: PlanShower = {
    shown: false,
    show(changes) {
      shower.shown = true
      for (const line of planLines(changes, dryRun)) info(line)
    }
  }
  return shower
}
