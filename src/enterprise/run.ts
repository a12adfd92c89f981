// Sets up an Enterprise Edition run, as standard/run.ts does the standard edition's: the project
// id, the instance's client, its edition and its docker login; main.ts runs it. It reads no
// environment (getInputs did).
import { resolveProjectId } from '../auth/project.js'
import { converge, type EditionRun, type RunDeps } from '../edition.js'
import { enterpriseEdition } from './converge.js'
import type { EnterpriseWanted } from './types.js'
import type { EnterpriseInputs, Inputs } from '../github/inputs.js'
import { setLoginOutputs } from '../github/finish.js'
import { info, warning } from '../github/runner.js'
import { SwrEnterpriseClient, enterprisePolicy } from '../swr/enterprise-client.js'
import { genericPolicy } from '../swr/errors.js'

export function enterpriseWanted(inputs: Inputs, enterprise: EnterpriseInputs): EnterpriseWanted {
  return {
    instanceId: enterprise.instanceId,
    namespace: inputs.namespace,
    repositories: inputs.repositories,
    ...(inputs.isPublic !== undefined ? { isPublic: inputs.isPublic } : {}),
    description: inputs.description,
    onDrift: inputs.onDrift,
    ...(inputs.retention ? { retention: inputs.retention } : {}),
    ...(enterprise.immutableTags ? { immutableTags: enterprise.immutableTags } : {}),
    ...(inputs.lifecycle.ensure === 'absent' ? { ensure: 'absent' as const } : {}),
    ...(inputs.lifecycle.prune.length > 0 ? { prune: inputs.lifecycle.prune } : {})
  }
}

/** The instance's own temporary login, whatever the credentials: long-term keys included. */
async function dockerLogin(client: SwrEnterpriseClient, registry: string, dryRun: boolean) {
  if (dryRun) {
    warning(
      'docker_login_outputs: the temporary login of the instance is issued by a POST request, which dry_run does not make; no login outputs were set.'
    )
    return
  }
  const login = await client.temporaryCredential()
  setLoginOutputs(
    {
      username: login.userId,
      password: login.authToken,
      temporary: true,
      ...(login.expireDate !== undefined ? { expiresAt: login.expireDate } : {}),
      expirySource: 'expire_date'
    },
    `a temporary login to ${registry}`
  )
}

export async function enterpriseRun(
  inputs: Inputs,
  enterprise: EnterpriseInputs,
  deps: RunDeps
): Promise<EditionRun> {
  const { api, credentials, log } = deps
  const project = await resolveProjectId(enterprise, credentials.projectId, url =>
    api(url, genericPolicy, credentials.authorize)
  )
  info(
    `SWR Enterprise Edition instance ${enterprise.instanceId}, project ${project.id} (from ${project.source})`
  )
  const client = new SwrEnterpriseClient(
    api(inputs.endpoint, enterprisePolicy, credentials.authorize),
    project.id,
    enterprise.instanceId
  )
  const wanted = enterpriseWanted(inputs, enterprise)
  const edition = enterpriseEdition(wanted, client, {
    dryRun: inputs.dryRun,
    concurrency: deps.tuning.concurrency,
    log,
    ...(inputs.registry ? { registry: inputs.registry } : {})
  })
  return {
    where: `on SWR Enterprise Edition instance ${wanted.instanceId}`,
    converge: options => converge(edition, options),
    // The registry is the one the paths name: the input, else the instance's access address.
    dockerLogin: ({ paths }) => dockerLogin(client, paths.knownHost ?? '', inputs.dryRun)
  }
}
