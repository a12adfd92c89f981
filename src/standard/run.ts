// Sets up a standard edition run, as enterprise/run.ts does an instance's: the clients of the
// run's region and of each replication target, the wanted state, its edition and its docker
// login; main.ts runs it. It reads no environment (getInputs did).
import { longTermDockerLogin, type ResolvedCredentials } from '../auth/credentials.js'
import { converge, type EditionRun, type RunDeps } from '../edition.js'
import { setLoginOutputs } from '../github/finish.js'
import type { Inputs } from '../github/inputs.js'
import { warning } from '../github/runner.js'
import type { Api, Authorizer } from '../http/api.js'
import { sleep } from '../http/retry.js'
import type { Wanted } from '../resources/types.js'
import { SwrAccessClient } from '../swr/access-client.js'
import { SwrClient } from '../swr/client.js'
import { registryFromEndpoint } from '../swr/endpoints.js'
import { genericPolicy, swrPolicy } from '../swr/errors.js'
import { IamUserDirectory } from '../swr/iam-users.js'
import { SwrPermissionClient } from '../swr/permission-client.js'
import { standardEdition } from './converge.js'
import type { PathRules } from '../report.js'

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

export function standardRun(inputs: Inputs, deps: RunDeps): EditionRun {
  const { api, credentials, log, tuning } = deps
  const clients = standardClients(
    inputs,
    credentials,
    (url, authorize) => api(url, swrPolicy, authorize),
    (url, authorize) => api(url, genericPolicy, authorize)
  )
  const first = Math.max(1, tuning.retry.baseDelayMs)
  const waiting = {
    sleep,
    delays: Array.from({ length: CONSISTENCY_TRIES - 1 }, (_, i) => first * 2 ** i)
  }
  const edition = standardEdition(wantedOf(inputs), clients, {
    dryRun: inputs.dryRun,
    concurrency: tuning.concurrency,
    log,
    waiting,
    paths: pathRulesOf(inputs)
  })
  return {
    where: '',
    converge: options => converge(edition, options),
    dockerLogin: () => dockerLogin(inputs, credentials, clients.swr)
  }
}
