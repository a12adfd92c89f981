import { Api, SwrClient } from './swr/client.js'
import { longTermDockerLogin, resolveCredentials } from './auth/credentials.js'
import { registryFromEndpoint } from './swr/endpoints.js'
import { getInputs, type Inputs } from './github/inputs.js'
import { provision, type ProvisionPlan, type ProvisionResult } from './provision.js'
import { DEFAULT_RETRY_POLICY, sleep, type RetryPolicy } from './http/retry.js'
import {
  appendSummary,
  group,
  info,
  redact,
  runnerLogger,
  setFailed,
  setOutput,
  setSecret,
  warning
} from './github/runner.js'
import { renderSummary } from './github/summary.js'
import { Transport } from './http/transport.js'

/** Repositories provisioned at once, and so connections per host at most. */
export const CONCURRENCY = 8
const USER_AGENT = 'create-swr-repository-action'

function numberFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name])
  return env[name] && Number.isFinite(value) && value >= 0 ? value : fallback
}

/** Retry timing; the variables exist so that tests and impatient users can shorten it. */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv): RetryPolicy {
  return {
    maxAttempts: Math.max(
      1,
      numberFromEnv(env, 'SWR_ACTION_MAX_ATTEMPTS', DEFAULT_RETRY_POLICY.maxAttempts)
    ),
    baseDelayMs: numberFromEnv(env, 'SWR_ACTION_RETRY_BASE_MS', DEFAULT_RETRY_POLICY.baseDelayMs),
    maxDelayMs: numberFromEnv(env, 'SWR_ACTION_RETRY_MAX_MS', DEFAULT_RETRY_POLICY.maxDelayMs),
    budgetMs: numberFromEnv(env, 'SWR_ACTION_RETRY_BUDGET_MS', DEFAULT_RETRY_POLICY.budgetMs)
  }
}

function planOf(inputs: Inputs, retry: RetryPolicy): ProvisionPlan {
  const registry = registryFromEndpoint(inputs.endpoint)
  return {
    namespace: inputs.namespace,
    repositories: inputs.repositories,
    settings: {
      is_public: inputs.isPublic,
      category: inputs.category,
      description: inputs.description
    },
    onDrift: inputs.onDrift,
    dryRun: inputs.dryRun,
    ...(inputs.retention ? { retention: inputs.retention } : {}),
    ...(registry ? { registry } : {}),
    ...(inputs.registry ? { registryOverride: inputs.registry } : {}),
    concurrency: CONCURRENCY,
    consistencyDelayMs: Math.max(1, retry.baseDelayMs)
  }
}

function writeOutputs(plan: ProvisionPlan, result: ProvisionResult): void {
  const first = result.repositories[0]
  const path = first?.path ?? ''
  setOutput('path', path)
  setOutput(
    'paths',
    result.repositories
      .map(r => r.path)
      .filter(Boolean)
      .join('\n')
  )
  setOutput(
    'registry',
    path ? (path.split('/')[0] ?? '') : (plan.registryOverride ?? plan.registry ?? '')
  )
  setOutput('created', String(first?.created ?? false))
  setOutput('namespace_created', String(result.namespaceAction === 'created'))
  // Errors in the result quote the service, which may echo a credential back.
  setOutput('result', redact(JSON.stringify(result.repositories)))
}

async function dockerLogin(
  inputs: Inputs,
  credentials: Awaited<ReturnType<typeof resolveCredentials>>,
  client: SwrClient
): Promise<void> {
  const region = inputs.region as string // checked by getInputs when docker_login_outputs is on
  let login: { username: string; password: string }
  if (credentials.longTermKeys) {
    login = longTermDockerLogin(
      region,
      credentials.longTermKeys.accessKeyId,
      credentials.longTermKeys.secretAccessKey
    )
  } else if (inputs.dryRun) {
    warning(
      'docker_login_outputs: the temporary login is issued by a POST request, which dry_run does not make; no login outputs were set.'
    )
    return
  } else {
    login = await client.temporaryLogin(region)
  }
  setSecret(login.password)
  setOutput('docker_username', login.username)
  setOutput('docker_password', login.password)
  info(
    `Docker login outputs set for ${credentials.longTermKeys ? 'a long-term' : 'a temporary (6 h)'} login`
  )
}

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let transport: Transport | undefined
  try {
    const inputs = getInputs(env)
    const retry = retryPolicyFromEnv(env)
    transport = new Transport({
      timeoutMs: numberFromEnv(env, 'SWR_ACTION_TIMEOUT_MS', 30_000),
      maxSockets: CONCURRENCY,
      userAgent: USER_AGENT
    })
    const shared = { transport, retry, log: runnerLogger }
    const credentials = await resolveCredentials(
      inputs.credentials,
      inputs.region,
      baseUrl => new Api({ baseUrl, ...shared })
    )
    info(
      `Authenticating with ${credentials.description}; SWR API ${inputs.endpoint.href.replace(/\/$/, '')}`
    )
    const client = new SwrClient(
      new Api({ baseUrl: inputs.endpoint, authorize: credentials.authorize, ...shared })
    )

    const plan = planOf(inputs, retry)
    const names = plan.repositories.map(r => `${plan.namespace}/${r}`).join(', ')
    const result = await group(
      `${plan.dryRun ? 'Plan' : 'Create'} repository ${names} if not exist`,
      () => provision(plan, client, runnerLogger, sleep)
    )
    writeOutputs(plan, result)
    if (inputs.dockerLoginOutputs) await dockerLogin(inputs, credentials, client)
    appendSummary(renderSummary(plan, result))

    const failed = result.repositories.filter(r => r.error)
    if (failed.length > 0) {
      const messages = [...new Set(failed.map(r => r.error))]
      setFailed(
        `${failed.length} of ${result.repositories.length} repositor${result.repositories.length === 1 ? 'y' : 'ies'} failed: ${messages.join(' | ')}`
      )
    }
  } catch (err) {
    setFailed(err instanceof Error ? err.message : String(err))
  } finally {
    transport?.close()
  }
}
