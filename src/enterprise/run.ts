// Wires an Enterprise Edition run, as main.ts does the standard edition's: the project id, the
// instance's client, one converge pass, then outputs, log, summary and the docker login. Like
// main.ts it talks to the runner directly; it reads no environment (getInputs did).
import type { ResolvedCredentials } from '../auth/credentials.js'
import { resolveProjectId } from '../auth/project.js'
import { convergeEnterprise } from './converge.js'
import type { EnterpriseWanted } from './types.js'
import { renderEnterpriseSummary } from '../github/enterprise-summary.js'
import type { EnterpriseInputs, Inputs } from '../github/inputs.js'
import { logReport, publishReport, setLoginOutputs, type PlanShower } from '../github/finish.js'
import { groupTitle } from '../github/log.js'
import { info, warning, type Logger } from '../github/runner.js'
import type { Api, Authorizer, RunStop, ServicePolicy } from '../http/api.js'
import { SwrEnterpriseClient, enterprisePolicy } from '../swr/enterprise-client.js'
import { genericPolicy } from '../swr/errors.js'

export interface EnterpriseDeps {
  api: (baseUrl: URL, policy: ServicePolicy, authorize?: Authorizer) => Api
  credentials: ResolvedCredentials
  log: Logger
  concurrency: number
  plan: PlanShower
  stop: RunStop
}

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

export async function runEnterprise(
  inputs: Inputs,
  enterprise: EnterpriseInputs,
  deps: EnterpriseDeps
): Promise<void> {
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
  const where = `on SWR Enterprise Edition instance ${wanted.instanceId}`
  const title = groupTitle(
    wanted.namespace,
    wanted.repositories,
    inputs.dryRun,
    where,
    inputs.lifecycle
  )
  const outcome = await log.group(title, async () => {
    const result = await convergeEnterprise(wanted, client, {
      dryRun: inputs.dryRun,
      concurrency: deps.concurrency,
      log,
      ...(inputs.registry ? { registry: inputs.registry } : {}),
      onPlan: changes => deps.plan.show(changes),
      maxDeletions: inputs.lifecycle.maxDeletions
    })
    logReport(result.report)
    return result
  })
  const { report, registry, instance } = outcome
  const refused = deps.stop.refused
  const summary = renderEnterpriseSummary(wanted, report, instance)
  publishReport(report, { knownHost: registry }, summary, refused)
  // Credentials refused half-way: what was done is reported, and the refusal is the one error.
  if (refused) throw refused
  if (inputs.dockerLoginOutputs) await dockerLogin(client, registry, inputs.dryRun)
}
