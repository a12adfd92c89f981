// Wires the layers together: inputs -> masks -> credentials -> an edition (standard/run.ts or
// enterprise/run.ts) -> one converge -> outputs, log and summary. The only module that reads
// process.env.
import { resolveCredentials } from './auth/credentials.js'
import type { EditionRun, RunDeps } from './edition.js'
import { secretValues } from './github/credential-inputs.js'
import { getInputs, tuningFromEnv, type Inputs } from './github/inputs.js'
import { logReport, planShower, publishReport, type PlanShower } from './github/finish.js'
import { NOTHING_PLANNED, groupTitle } from './github/log.js'
import {
  debug,
  group,
  info,
  isDebug,
  setFailed,
  setSecret,
  warning,
  type Logger
} from './github/runner.js'
import { Api, type Authorizer, type RunStop, type ServicePolicy } from './http/api.js'
import { CredentialsRefused } from './http/errors.js'
import { Transport } from './http/transport.js'
import { LIST_FROM } from './standard/read.js'
import { standardRun } from './standard/run.js'
import { genericPolicy } from './swr/errors.js'
import { messageOf } from './values.js'

const USER_AGENT = 'create-swr-repository-action'

/**
 * huaweicloud/auth-action exports the region masked, and GitHub then masks every output that
 * contains it and drops such outputs from a job's outputs. Within the job they still work.
 */
function maskedRegionWarning(region: string): string {
  return `The region (${region}) comes from HUAWEI_CLOUD_REGION, which huaweicloud/auth-action registers as a secret: GitHub masks it in the outputs that contain it (path, paths, registry, replica_paths) and leaves them out of the job's outputs. Steps of this job can use them as they are; to hand a path to another job, output namespace and repository and build the path there with the region from a configuration variable (see Troubleshooting in the README).`
}

/**
 * Connections to open at once, so that their handshakes overlap other work: the pool's for a
 * batch (read with one list while they open), one while OpenID Connect exchanges its token.
 */
function connectionsToWarm(inputs: Inputs, concurrency: number): number {
  if (inputs.repositories.length >= LIST_FROM)
    return Math.min(concurrency, inputs.repositories.length)
  return inputs.credentials.kind === 'oidc' ? 1 : 0
}

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // Every value that may be a secret is masked before anything can fail and print.
  for (const secret of secretValues(env)) setSecret(secret)
  let transport: Transport | undefined
  let plan: PlanShower | undefined
  let credentialsUsed = ''
  try {
    const inputs = getInputs(env)
    const tuning = tuningFromEnv(env)
    if (inputs.regionFromEnvironment) warning(maskedRegionWarning(inputs.region as string))
    for (const name of inputs.duplicates) {
      warning(`Input "repository" names "${name}" more than once; it is handled once.`)
    }
    const log: Logger = { info, warning, group, debug: isDebug(env) ? debug : () => undefined }
    transport = new Transport({
      timeoutMs: tuning.timeoutMs,
      maxSockets: tuning.concurrency,
      userAgent: USER_AGENT
    })
    const warm = connectionsToWarm(inputs, tuning.concurrency)
    if (warm > 0) void transport.preconnect(inputs.endpoint, warm).catch(() => undefined)
    const deadline = Date.now() + tuning.retry.budgetMs
    plan = planShower(inputs.dryRun)
    // One for every client of the run: the first refusal of the credentials stops them all.
    const stop: RunStop = {}
    const shared = {
      stop,
      transport,
      retry: tuning.retry,
      deadline,
      debug: log.debug
    }
    const api = (baseUrl: URL, policy: ServicePolicy, authorize?: Authorizer) =>
      new Api({ baseUrl, policy, ...(authorize ? { authorize } : {}), ...shared })
    const credentials = await resolveCredentials(
      inputs.credentials,
      inputs.region,
      baseUrl => api(baseUrl, genericPolicy),
      setSecret
    )
    credentialsUsed = credentials.description
    info(
      `Authenticating with ${credentials.description}; SWR API ${inputs.endpoint.href.replace(/\/$/, '')}`
    )
    const deps: RunDeps = { api, credentials, log, tuning }
    const edition = inputs.enterprise
      ? // Loaded only for an instance run: the common run need not compile it.
        await (await import('./enterprise/run.js')).enterpriseRun(inputs, inputs.enterprise, deps)
      : standardRun(inputs, deps)
    await provision(inputs, edition, plan, stop)
  } catch (err) {
    if (err instanceof CredentialsRefused) {
      if (!plan?.shown) info(NOTHING_PLANNED)
      setFailed(
        `${err.message}${credentialsUsed ? ` The credentials used: ${credentialsUsed}.` : ''}`
      )
    } else {
      setFailed(messageOf(err))
    }
  } finally {
    transport?.close()
  }
}

/** One converge pass of either edition, then its outputs, log, summary and docker login. */
async function provision(
  inputs: Inputs,
  edition: EditionRun,
  plan: PlanShower,
  stop: RunStop
): Promise<void> {
  const title = groupTitle(
    inputs.namespace,
    inputs.repositories,
    inputs.dryRun,
    edition.where,
    inputs.lifecycle
  )
  const reported = await group(title, async () => {
    const result = await edition.converge({
      dryRun: inputs.dryRun,
      onPlan: changes => plan.show(changes),
      maxDeletions: inputs.lifecycle.maxDeletions
    })
    logReport(result.report)
    return result
  })
  // Credentials refused half-way: what was done is reported, and the refusal is the one error.
  publishReport(reported.report, reported.paths, reported.summary, stop.refused)
  if (stop.refused) throw stop.refused
  if (inputs.dockerLoginOutputs) await edition.dockerLogin(reported)
}
