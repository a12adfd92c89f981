import { getInput, setSecret } from './runner.js'
import {
  CATEGORIES,
  ORGANIZATION_RULE,
  REPOSITORY_RULE,
  isValidOrganizationName,
  isValidRepositoryName,
  type Category
} from '../swr/names.js'
import {
  REGION_RULE,
  defaultApiEndpoint,
  defaultIamEndpoint,
  isLoopbackHost,
  isValidRegion,
  regionFromEndpoint
} from '../swr/endpoints.js'

export type DriftPolicy = 'warn' | 'update' | 'fail'

export interface RetentionSpec {
  keepLast?: number
  keepDays?: number
  /** Tag names kept verbatim, and regular expressions (given with a "re:" prefix). */
  exceptions: { kind: 'label' | 'regexp'; pattern: string }[]
}

export type CredentialInputs =
  | {
      kind: 'keys'
      accessKeyId: string
      secretAccessKey: string
      securityToken?: string
      /** Where the key pair came from, for the log (never the values). */
      source: string
    }
  | { kind: 'oidc'; idpId: string; audience?: string; iamEndpoint: URL }

export interface Inputs {
  namespace: string
  repositories: string[]
  category: Category
  description: string
  isPublic: boolean
  onDrift: DriftPolicy
  dryRun: boolean
  retention?: RetentionSpec
  region?: string
  endpoint: URL
  registry?: string
  credentials: CredentialInputs
  dockerLoginOutputs: boolean
}

/** An input that breaks a rule: the message names the input, the value and the rule. */
export class InputError extends Error {
  override name = 'InputError'
}

function invalid(input: string, value: string, rule: string): InputError {
  return new InputError(`Input "${input}" is ${JSON.stringify(value)}: ${rule}.`)
}

function parseBoolean(input: string, value: string): boolean {
  // The spellings @actions/core's getBooleanInput accepts (YAML 1.2 core schema).
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw invalid(input, value, 'it must be "true" or "false"')
}

function parseWholeNumber(input: string, value: string): number | undefined {
  if (value === '') return undefined
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1_000_000) {
    throw invalid(input, value, 'it must be a whole number from 1 to 1000000')
  }
  return Number(value)
}

/** One value per line, or comma-separated; blanks dropped, duplicates kept once. */
function parseList(value: string): string[] {
  const items = value
    .split(/[\n,]/)
    .map(item => item.trim())
    .filter(item => item.length > 0)
  return [...new Set(items)]
}

function parseEndpoint(input: string, value: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalid(
      input,
      value,
      'it must be a URL such as https://swr-api.cn-north-4.myhuaweicloud.com'
    )
  }
  const loopback = isLoopbackHost(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw invalid(
      input,
      value,
      'it must be an https:// URL (plain http is allowed for loopback hosts only)'
    )
  }
  if (url.username || url.password || url.search || url.hash) {
    throw invalid(input, value, 'it must be a base URL without credentials, query or fragment')
  }
  url.pathname = url.pathname.replace(/\/+$/, '')
  return url
}

function firstSet(env: NodeJS.ProcessEnv, ...names: string[]): { value: string; name: string } {
  for (const name of names) {
    const value = (env[name] ?? '').trim()
    if (value) return { value, name }
  }
  return { value: '', name: '' }
}

// Header values must be one line of printable ASCII; anything else is a copy-paste mistake,
// reported without echoing the value, since it may be a secret.
function checkHeaderSafe(input: string, value: string, secret: boolean): void {
  if (!/^[\x21-\x7e]+$/.test(value)) {
    const rule = 'it must be one line of printable characters without spaces'
    throw secret
      ? new InputError(`Input "${input}" (value hidden) is malformed: ${rule}.`)
      : invalid(input, value, rule)
  }
}

function readCredentials(
  env: NodeJS.ProcessEnv,
  region: string | undefined,
  input: (name: string) => string
): CredentialInputs {
  const idpId = input('idp_id')
  const explicitAk = input('access_key_id')
  const explicitSk = input('secret_access_key')
  if (idpId) {
    if (explicitAk || explicitSk || input('security_token')) {
      throw new InputError(
        'Inputs "idp_id" and access keys were both given: use either idp_id (keyless, OpenID Connect) or access_key_id and secret_access_key, not both.'
      )
    }
    checkHeaderSafe('idp_id', idpId, false)
    const iamInput = input('iam_endpoint')
    // The IAM token is scoped to the project named after the region.
    if (!region) {
      throw new InputError(
        'Input "region" is empty and no region is known: with idp_id, give region (e.g. cn-north-4), since the IAM token is scoped to that region\'s project.'
      )
    }
    const audience = input('oidc_audience')
    return {
      kind: 'oidc',
      idpId,
      ...(audience ? { audience } : {}),
      iamEndpoint: parseEndpoint('iam_endpoint', iamInput || defaultIamEndpoint(region))
    }
  }

  const ak = explicitAk
    ? { value: explicitAk, name: 'input access_key_id' }
    : firstSet(env, 'HUAWEI_CLOUD_ACCESS_KEY_ID', 'HUAWEICLOUD_SDK_AK')
  const sk = explicitSk
    ? { value: explicitSk, name: 'input secret_access_key' }
    : firstSet(env, 'HUAWEI_CLOUD_SECRET_ACCESS_KEY', 'HUAWEICLOUD_SDK_SK')
  const token = input('security_token')
    ? { value: input('security_token'), name: 'input security_token' }
    : firstSet(env, 'HUAWEI_CLOUD_SECURITY_TOKEN')

  // Mask before anything else can fail and print.
  setSecret(sk.value)
  setSecret(token.value)

  if (!ak.value && !sk.value) {
    throw new InputError(
      'No credentials: set inputs access_key_id and secret_access_key (or the variables HUAWEI_CLOUD_ACCESS_KEY_ID and HUAWEI_CLOUD_SECRET_ACCESS_KEY, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK), or idp_id for keyless OpenID Connect.'
    )
  }
  if (!sk.value) {
    throw new InputError(
      `The secret access key is missing: the access key id comes from ${ak.name}, but none of input secret_access_key, HUAWEI_CLOUD_SECRET_ACCESS_KEY or HUAWEICLOUD_SDK_SK is set.`
    )
  }
  if (!ak.value) {
    throw new InputError(
      `The access key id is missing: the secret access key comes from ${sk.name}, but none of input access_key_id, HUAWEI_CLOUD_ACCESS_KEY_ID or HUAWEICLOUD_SDK_AK is set.`
    )
  }
  checkHeaderSafe('access_key_id', ak.value, false)
  checkHeaderSafe('secret_access_key', sk.value, true)
  if (token.value) checkHeaderSafe('security_token', token.value, true)
  return {
    kind: 'keys',
    accessKeyId: ak.value,
    secretAccessKey: sk.value,
    ...(token.value ? { securityToken: token.value } : {}),
    source: `${ak.name} and ${sk.name}`
  }
}

function readRetention(input: (name: string) => string): RetentionSpec | undefined {
  const keepLast = parseWholeNumber('retention_keep_last', input('retention_keep_last'))
  const keepDays = parseWholeNumber('retention_keep_days', input('retention_keep_days'))
  const exceptionLines = input('retention_exceptions')
    .split('\n')
    .map(line => line.trim())
    .filter(line => line.length > 0)
  if (keepLast !== undefined && keepDays !== undefined) {
    throw new InputError(
      'Inputs "retention_keep_last" and "retention_keep_days" were both given: an SWR retention rule keeps either the last N tags or the tags of the last N days; choose one.'
    )
  }
  if (keepLast === undefined && keepDays === undefined) {
    if (exceptionLines.length > 0) {
      throw new InputError(
        'Input "retention_exceptions" was given without a rule: set retention_keep_last or retention_keep_days too.'
      )
    }
    return undefined
  }
  const exceptions = exceptionLines.map(line => {
    if (!line.startsWith('re:')) return { kind: 'label' as const, pattern: line }
    const pattern = line.slice(3)
    try {
      if (!pattern) throw new Error('empty')
      new RegExp(pattern)
    } catch {
      throw invalid(
        'retention_exceptions',
        line,
        'a "re:" line must hold a valid regular expression'
      )
    }
    return { kind: 'regexp' as const, pattern }
  })
  return {
    ...(keepLast !== undefined ? { keepLast } : {}),
    ...(keepDays !== undefined ? { keepDays } : {}),
    exceptions
  }
}

/** Reads and checks every input; throws InputError before any request is made. */
export function getInputs(env: NodeJS.ProcessEnv = process.env): Inputs {
  const input = (name: string): string => getInput(name, env)

  const namespace = input('namespace')
  if (!namespace) throw new InputError('Input "namespace" is required: the SWR organization name.')
  if (!isValidOrganizationName(namespace))
    throw invalid('namespace', namespace, `it must be ${ORGANIZATION_RULE}`)

  const repositories = parseList(input('repository'))
  if (repositories.length === 0) {
    throw new InputError(
      'Input "repository" is required: one repository name or several, one per line.'
    )
  }
  for (const repository of repositories) {
    if (!isValidRepositoryName(repository))
      throw invalid('repository', repository, `it must be ${REPOSITORY_RULE}`)
  }

  const category = input('category') || 'other'
  if (!(CATEGORIES as readonly string[]).includes(category)) {
    throw invalid('category', category, `it must be one of ${CATEGORIES.join(', ')}`)
  }

  const onDrift = input('on_drift') || 'warn'
  if (!['warn', 'update', 'fail'].includes(onDrift)) {
    throw invalid('on_drift', onDrift, 'it must be one of warn, update, fail')
  }

  const regionInput = input('region') || (env['HUAWEI_CLOUD_REGION'] ?? '').trim()
  if (regionInput && !isValidRegion(regionInput)) {
    const source = input('region') ? 'region' : 'region (from HUAWEI_CLOUD_REGION)'
    throw invalid(source, regionInput, `it must be ${REGION_RULE}`)
  }
  const endpointInput = input('endpoint')
  if (!endpointInput && !regionInput) {
    throw new InputError(
      'Input "region" is empty and HUAWEI_CLOUD_REGION is not set: give region (e.g. cn-north-4), or endpoint for another SWR deployment.'
    )
  }
  const endpoint = parseEndpoint('endpoint', endpointInput || defaultApiEndpoint(regionInput))
  const region = regionInput || regionFromEndpoint(endpoint)

  const registry = input('registry')
  if (
    registry &&
    !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/.test(registry)
  ) {
    throw invalid(
      'registry',
      registry,
      'it must be a registry host name such as swr.cn-north-4.myhuaweicloud.com, without scheme or path'
    )
  }

  const description = input('description')
  if (description.length > 1000) {
    throw new InputError(
      `Input "description" is ${description.length} characters long: it may be at most 1000.`
    )
  }

  const credentials = readCredentials(env, region, input)
  const dockerLoginOutputs = parseBoolean(
    'docker_login_outputs',
    input('docker_login_outputs') || 'false'
  )
  if (dockerLoginOutputs && !region) {
    throw new InputError(
      'Input "docker_login_outputs" is "true" but no region is known: give region, since the registry login is per region.'
    )
  }

  const retention = readRetention(input)
  return {
    namespace,
    repositories,
    category: category as Category,
    description,
    isPublic: parseBoolean('is_public', input('is_public') || 'false'),
    onDrift: onDrift as DriftPolicy,
    dryRun: parseBoolean('dry_run', input('dry_run') || 'false'),
    ...(retention ? { retention } : {}),
    ...(region ? { region } : {}),
    endpoint,
    ...(registry ? { registry } : {}),
    credentials,
    dockerLoginOutputs
  }
}
