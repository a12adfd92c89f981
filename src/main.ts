// Wires the layers together: inputs -> masks -> credentials -> clients -> converge -> outputs,
// log and summary. The only module that reads process.env or talks to the runner directly.
import {
  longTermDockerLogin,
  resolveCredentials,
  type ResolvedCredentials
} from './auth/credentials.js'
import { converge } from './standard/converge.js'
import { LIST_FROM } from './standard/read.js'
import { secretValues } from './github/credential-inputs.js'
import { getInputs, tuningFromEnv, type Inputs, type Tuning } from './github/inputs.js'
import {
  logReport,
  planShower,
  publishReport,
  setLoginOutputs,
  type PlanShower
} from './github/finish.js'
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
import { renderSummary } from './github/summary.js'
import { Api, type Authorizer, type RunStop, type ServicePolicy } from './http/api.js'
import { CredentialsRefused } from './http/errors.js'
import { sleep } from './http/retry.js'
import { Transport } from './http/transport.js'
import { messageOf } from './values.js'
import type { PathRules } from './standard/report.js'
import type { Wanted } from './resources/types.js'
import { SwrAccessClient } from './swr/access-client.js'
import { SwrClient } from './swr/client.js'
import { IamUserDirectory } from './swr/iam-users.js'
import { SwrPermissionClient } from './swr/permission-client.js'
import type { Clients } from './standard/apply.js'
import { registryFromEndpoint } from './swr/endpoints.js'
import { genericPolicy, swrPolicy } from './swr/errors.js'

const USER_AGENT = 'create-swr-repository-action'
/** Reads of something just created: the first try, then four more, waiting longer each time. */
const CONSISTENCY_TRIES = 5

function wantedOf(inputs: Inputs): Wanted {
  const settings = {
    ...(inputs.isPublic !== undefined ? { is_public: inputs.isPublic } : {}),
    ...(inputs.category !== undefined ? { category: inputs.category } : {}),
    ...(inputs.description ? { description: inputs.description } : {})
  }
  return {
    namespace: inputs.namespace,
    repositories: inputs.repositories,
    settings,
    onDrift: inputs.onDrift,
    ...(inputs.lifecycle.ensure === 'absent' ? { ensure: 'absent' as const } : {}),
    ...(inputs.lifecycle.prune.length > 0 ? { prune: inputs.lifecycle.prune } : {}),
    ...(inputs.retention ? { retention: inputs.retention } : {}),
    ...(inputs.shareWith ? { shareWith: inputs.shareWith } : {}),
    ...(inputs.replicateTo
      ? {
          replicateTo: inputs.replicateTo.map(({ region, namespace, registry }) => ({
            region,
            namespace,
            registry
          })),
          replicateOverride: inputs.replicateOverride
        }
      : {}),
    ...(inputs.organizationPermissions
      ? { organizationPermissions: inputs.organizationPermissions }
      : {}),
    ...(inputs.repositoryPermissions ? { repositoryPermissions: inputs.repositoryPermissions } : {})
  }
}

/**
 * huaweicloud/auth-action exports the region masked, and GitHub then masks every output that
 * contains it and drops such outputs from a job's outputs. Within the job they still work.
 */
function maskedRegionWarning(region: string): string {
  return `The region (${region}) comes from HUAWEI_CLOUD_REGION, which huaweicloud/auth-action registers as a secret: GitHub masks it in the outputs that contain it (path, paths, registry, replica_paths) and leaves them out of the job's outputs. Steps of this job can use them as they are; to hand a path to another job, output namespace and repository and build the path there with the region from a configuration variable (see Troubleshooting in the README).`
}

/** SWR in the run's region (its management, sharing and auto-sync calls) and in each target's. */
function standardClients(
  inputs: Inputs,
  credentials: ResolvedCredentials,
  swrApi: (baseUrl: URL, authorize: Authorizer) => Api,
  iamApi: (baseUrl: URL, authorize: Authorizer) => Api
) {
  const swr = new SwrClient(swrApi(inputs.endpoint, credentials.authorize))
  const regional = new Map(
    (inputs.replicateTo ?? []).map(t => [
      t.region,
      new SwrClient(swrApi(t.endpoint, credentials.authorizeIn(t.region)))
    ])
  )
  return {
    swr,
    access: new SwrAccessClient(swrApi(inputs.endpoint, credentials.authorize)),
    permissions: new SwrPermissionClient(swrApi(inputs.endpoint, credentials.authorize)),
    ...(inputs.iamEndpoint
      ? { iam: new IamUserDirectory(iamApi(inputs.iamEndpoint, credentials.authorize)) }
      : {}),
    inRegion: (region: string) => {
      const client = regional.get(region)
      if (!client) throw new Error(`No SWR client for region ${region}: it is not in replicate_to`)
      return client
    }
  }
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

function pathRulesOf(inputs: Inputs): PathRules {
  const knownHost = registryFromEndpoint(inputs.endpoint)
  return {
    ...(inputs.registry ? { registryOverride: inputs.registry } : {}),
    ...(knownHost ? { knownHost } : {})
  }
}

async function dockerLogin(
  inputs: Inputs,
  credentials: ResolvedCredentials,
  client: Pick<SwrClient, 'temporaryLogin'>
): Promise<void> {
  const region = inputs.region as string // checked by getInputs when docker_login_outputs is on
  if (!credentials.longTermKeys && inputs.dryRun) {
    warning(
      'docker_login_outputs: the temporary login is issued by a POST request, which dry_run does not make; no login outputs were set.'
    )
    return
  }
  const login = credentials.longTermKeys
    ? longTermDockerLogin(
        region,
        credentials.longTermKeys.accessKeyId,
        credentials.longTermKeys.secretAccessKey
      )
    : await client.temporaryLogin(region)
  const temporary = !credentials.longTermKeys
  setLoginOutputs(
    { ...login, temporary, expirySource: 'X-Swr-Expireat header' },
    `${temporary ? 'a temporary' : 'a long-term'} login`
  )
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
      timeoutMs: tuning.timeoutMs,
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
    if (inputs.enterprise) {
      // Loaded only for an instance run: the common run need not compile it.
      const { runEnterprise } = await import('./enterprise/run.js')
      await runEnterprise(inputs, inputs.enterprise, {
        api,
        credentials,
        log,
        concurrency: tuning.concurrency,
        plan,
        stop
      })
      return
    }
    const clients = standardClients(
      inputs,
      credentials,
      (url, authorize) => api(url, swrPolicy, authorize),
      (url, authorize) => api(url, genericPolicy, authorize)
    )
    await provision(inputs, clients, log, { tuning, plan, stop }, credentials)
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

async function provision(
  inputs: Inputs,
  clients: Clients & { swr: Pick<SwrClient, 'temporaryLogin'> },
  log: Logger,
  run: { tuning: Tuning; plan: PlanShower; stop: RunStop },
  credentials: ResolvedCredentials
): Promise<void> {
  const { tuning, plan, stop } = run
  const wanted = wantedOf(inputs)
  const paths = pathRulesOf(inputs)
  const first = Math.max(1, tuning.retry.baseDelayMs)
  const waiting = {
    sleep,
    delays: Array.from({ length: CONSISTENCY_TRIES - 1 }, (_, i) => first * 2 ** i)
  }
  const report = await group(
    groupTitle(wanted.namespace, wanted.repositories, inputs.dryRun, '', inputs.lifecycle),
    async () => {
      const result = await converge(wanted, clients, {
        dryRun: inputs.dryRun,
        concurrency: tuning.concurrency,
        log,
        waiting,
        paths,
        onPlan: changes => plan.show(changes),
        maxDeletions: inputs.lifecycle.maxDeletions
      })
      logReport(result)
      return result
    }
  )
  // Credentials refused half-way: what was done is reported, and the refusal is the one error.
  publishReport(report, paths, renderSummary(wanted, report), stop.refused)
  if (stop.refused) throw stop.refused
  if (inputs.dockerLoginOutputs) await dockerLogin(inputs, credentials, clients.swr)
}
