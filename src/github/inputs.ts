import { getInput } from './runner.js'
import {
  InputError,
  entriesOf,
  invalid,
  invalidEntry,
  parseBoolean,
  parseEndpoint,
  type Read
} from './input-rules.js'
import type { RetryPolicy } from '../http/retry.js'
import {
  CATEGORIES,
  ORGANIZATION_RULE,
  REGISTRY_HOST,
  REPOSITORY_RULE,
  organizationNameProblems,
  repositoryNameProblems,
  whyInvalid,
  type Category
} from '../swr/names.js'
import { readAccess, type ReplicationInput, type SharingInput } from './access-inputs.js'
import { readEnterprise, targetsInstance, type EnterpriseInputs } from './enterprise-inputs.js'
import { readCredentials, type CredentialInputs } from './credential-inputs.js'
import { readPermissions, type GrantInput } from './permission-inputs.js'
import { readExceptions, type RetentionException } from './retention-inputs.js'
import { readLifecycle, type LifecycleInputs } from './lifecycle-inputs.js'
import {
  REGION_RULE,
  defaultApiEndpoint,
  defaultIamEndpoint,
  isValidRegion,
  regionFromEndpoint
} from '../swr/endpoints.js'

export type { EnterpriseInputs } from './enterprise-inputs.js'

export type DriftPolicy = 'warn' | 'update' | 'fail'

export interface RetentionSpec {
  keepLast?: number
  keepDays?: number
  /**
   * Tag names kept verbatim (an instance's: glob patterns), and regular expressions (given with
   * a "re:" prefix; the standard edition only).
   */
  exceptions: RetentionException[]
}

export interface Inputs {
  namespace: string
  /** In the order given, each once. */
  repositories: string[]
  /** Names given more than once, each listed once, so that the caller can warn. */
  duplicates: string[]
  /** Only when the workflow set it: a setting not given is neither created nor compared. */
  category?: Category
  /** Only when the workflow set it; a repository is made public only on an explicit "true". */
  isPublic?: boolean
  /** '' means no opinion. */
  description: string
  onDrift: DriftPolicy
  dryRun: boolean
  retention?: RetentionSpec
  region?: string
  /** The region came from HUAWEI_CLOUD_REGION, which huaweicloud/auth-action masks. */
  regionFromEnvironment: boolean
  endpoint: URL
  registry?: string
  credentials: CredentialInputs
  dockerLoginOutputs: boolean
  /** Undefined when share_with is not set (sharing is then neither read nor changed). */
  shareWith?: SharingInput[]
  /** Undefined when replicate_to is not set. */
  replicateTo?: ReplicationInput[]
  replicateOverride: boolean
  /** Undefined when organization_permissions is not set (grants are neither read nor changed). */
  organizationPermissions?: GrantInput[]
  /** Undefined when repository_permissions is not set. */
  repositoryPermissions?: GrantInput[]
  /** Where IAM is asked for user ids: set when a grant names a user without an id. */
  iamEndpoint?: URL
  /** Set iff instance_id is: the run targets that SWR Enterprise Edition instance. */
  enterprise?: EnterpriseInputs
  /** ensure, prune and max_deletions. */
  lifecycle: LifecycleInputs
}

function parseWholeNumber(input: string, value: string): number | undefined {
  if (value === '') return undefined
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1_000_000) {
    throw invalid(input, value, 'it must be a whole number from 1 to 1000000')
  }
  return Number(value)
}

/** One value per line, or comma-separated; blanks dropped, duplicates kept once and reported. */
function parseList(value: string): { items: string[]; duplicates: string[] } {
  const items = new Set<string>()
  const duplicates = new Set<string>()
  for (const item of entriesOf(value)) {
    if (items.has(item)) duplicates.add(item)
    items.add(item)
  }
  return { items: [...items], duplicates: [...duplicates] }
}

function readRetention(input: Read, instance: boolean): RetentionSpec | undefined {
  const keepLast = parseWholeNumber('retention_keep_last', input('retention_keep_last'))
  const keepDays = parseWholeNumber('retention_keep_days', input('retention_keep_days'))
  const exceptionsInput = input('retention_exceptions')
  if (keepLast !== undefined && keepDays !== undefined) {
    throw new InputError(
      'Inputs "retention_keep_last" and "retention_keep_days" were both given: an SWR retention rule keeps either the last N tags or the tags of the last N days; choose one.'
    )
  }
  if (keepLast === undefined && keepDays === undefined) {
    if (exceptionsInput) {
      throw new InputError(
        'Input "retention_exceptions" was given without a rule: set retention_keep_last or retention_keep_days too.'
      )
    }
    return undefined
  }
  const exceptions = readExceptions(exceptionsInput, instance)
  const signatures = parseBoolean(
    'retention_keep_signatures',
    input('retention_keep_signatures') || 'true'
  )
  return {
    ...(keepLast !== undefined ? { keepLast } : {}),
    ...(keepDays !== undefined ? { keepDays } : {}),
    exceptions: signatures ? [...exceptions, ...SIGNATURE_TAGS] : exceptions
  }
}

/**
 * Tags that signatures, attestations and SBOMs are stored under next to the image (cosign's
 * `sha256-<digest>.sig`, `.att`, `.sbom`, and the `sha256-<digest>` referrers fallback):
 * deleting them would leave an image that verifies as unsigned.
 */
export const SIGNATURE_TAGS: RetentionSpec['exceptions'] = [
  { kind: 'regexp', pattern: '^sha256-' },
  { kind: 'regexp', pattern: '\\.(sig|att|sbom)$' }
]

function readNames(input: Read): Pick<Inputs, 'namespace' | 'repositories' | 'duplicates'> {
  const namespace = input('namespace')
  if (!namespace) throw new InputError('Input "namespace" is required: the SWR organization name.')
  // An instance's namespaces follow their own rule, checked by readEnterprise.
  const problems = targetsInstance(input) ? [] : organizationNameProblems(namespace)
  if (problems.length > 0) {
    throw invalid('namespace', namespace, whyInvalid(problems, ORGANIZATION_RULE))
  }

  const { items: repositories, duplicates } = parseList(input('repository'))
  // A prune sweep may keep nothing: every repository matching its patterns goes.
  if (repositories.length === 0 && !input('prune').trim()) {
    throw new InputError(
      'Input "repository" is required: one repository name or several, one per line (it may be empty only with prune).'
    )
  }
  for (const repository of repositories) {
    const problems = repositoryNameProblems(repository)
    if (problems.length > 0) {
      const rule = whyInvalid(problems, REPOSITORY_RULE)
      throw invalidEntry('repository', repository, repositories.length, rule)
    }
  }
  return { namespace, repositories, duplicates }
}

// Settings the workflow leaves empty stay undefined: the plan creates a repository with the
// service's own defaults (private, "other") and never calls an unset setting drift.
function readSettings(
  input: Read
): Pick<Inputs, 'category' | 'isPublic' | 'description' | 'onDrift' | 'dryRun'> {
  const category = input('category')
  if (category && !(CATEGORIES as readonly string[]).includes(category)) {
    throw invalid('category', category, `it must be one of ${CATEGORIES.join(', ')}`)
  }
  const isPublic = input('is_public')
  const description = input('description')
  if (description.length > 1000) {
    throw new InputError(
      `Input "description" is ${description.length} characters long: it may be at most 1000.`
    )
  }
  const onDrift = input('on_drift') || 'warn'
  if (!['warn', 'update', 'fail'].includes(onDrift)) {
    throw invalid('on_drift', onDrift, 'it must be one of warn, update, fail')
  }
  return {
    ...(category ? { category: category as Category } : {}),
    ...(isPublic ? { isPublic: parseBoolean('is_public', isPublic) } : {}),
    description,
    onDrift: onDrift as DriftPolicy,
    dryRun: parseBoolean('dry_run', input('dry_run') || 'false')
  }
}

function readLocation(
  env: NodeJS.ProcessEnv,
  input: Read
): { region?: string; regionFromEnvironment: boolean; endpoint: URL; registry?: string } {
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
    // The shared host pattern, but lowercase only: docker image paths are lowercase.
    !new RegExp(REGISTRY_HOST.source).test(registry)
  ) {
    throw invalid(
      'registry',
      registry,
      'it must be a registry host name such as swr.cn-north-4.myhuaweicloud.com, without scheme or path'
    )
  }
  const regionFromEnvironment = !input('region') && Boolean(env['HUAWEI_CLOUD_REGION']?.trim())
  return {
    ...(region ? { region } : {}),
    regionFromEnvironment,
    endpoint,
    ...(registry ? { registry } : {})
  }
}

/**
 * Reads and checks every input; throws InputError before any request is made. Pure: it prints
 * nothing and masks nothing, so the caller masks secretValues(env) before calling it. `now` is
 * what share_with deadlines must come after.
 */
export function getInputs(env: NodeJS.ProcessEnv, now: Date = new Date()): Inputs {
  const input: Read = name => getInput(name, env)
  const names = readNames(input)
  // Before the settings: a present-only setting given with ensure: absent is named as such.
  const lifecycle = readLifecycle(input)
  const location = readLocation(env, input)
  // Before the settings, so that an input an instance cannot use is named as such.
  const enterprise = readEnterprise(input, env, location)
  // Its exceptions follow the edition's tag selectors: globs on an instance, else tag names.
  const retention = readRetention(input, enterprise !== undefined)
  const settings = readSettings(input)
  const credentials = readCredentials(env, location.region, input)
  const dockerLoginOutputs = parseBoolean(
    'docker_login_outputs',
    input('docker_login_outputs') || 'false'
  )
  // An instance's login is its own temporary credential, which needs no region.
  if (dockerLoginOutputs && !location.region && !enterprise) {
    throw new InputError(
      'Input "docker_login_outputs" is "true" but no region is known: give region, since the registry login is per region.'
    )
  }
  const access = readAccess(input, { ...names, ...settings, ...location }, now)
  const permissions = readPermissions(input, enterprise !== undefined)
  const iamEndpoint = iamEndpointFor(input, permissions, location.region)
  return {
    ...names,
    ...settings,
    ...(retention ? { retention } : {}),
    ...location,
    credentials,
    dockerLoginOutputs,
    ...access,
    ...permissions,
    ...(iamEndpoint ? { iamEndpoint } : {}),
    ...(enterprise ? { enterprise } : {}),
    lifecycle
  }
}

/** IAM's endpoint, when some grant names a user by name alone (its id is then looked up). */
function iamEndpointFor(
  input: Read,
  permissions: { organizationPermissions?: GrantInput[]; repositoryPermissions?: GrantInput[] },
  region: string | undefined
): URL | undefined {
  const grants = [
    ...(permissions.organizationPermissions ?? []),
    ...(permissions.repositoryPermissions ?? [])
  ]
  const bare = grants.find(g => g.id === undefined)
  if (!bare) return undefined
  const given = input('iam_endpoint')
  if (given) return parseEndpoint('iam_endpoint', given)
  if (!region) {
    throw new InputError(
      `The user "${bare.user}" is given without an id, so IAM is asked for it, but no region is known for IAM's endpoint: give region or iam_endpoint, or write the user as name:id.`
    )
  }
  return parseEndpoint('iam_endpoint', defaultIamEndpoint(region))
}

export interface Tuning {
  /** Repositories handled at once, and so connections per host at most. */
  concurrency: number
  /** Per request. */
  timeoutMs: number
  /** budgetMs bounds the whole run, not one call. */
  retry: RetryPolicy
}

/** A variable that is set must be a whole number in [min, max]; unset or empty means fallback. */
function wholeNumberFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  [min, max]: [number, number],
  unit: string
): number {
  const value = (env[name] ?? '').trim()
  if (!value) return fallback
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InputError(
      `Variable "${name}" is ${JSON.stringify(value)}: it must be a whole number${unit} from ${min} to ${max}.`
    )
  }
  return Number(value)
}

const MS = ' of milliseconds'

/** Repositories handled at once unless SWR_ACTION_CONCURRENCY says otherwise. */
const DEFAULT_CONCURRENCY = 8

/**
 * Timing knobs; the variables exist so that tests and impatient users can shorten them, and
 * self-hosted runners behind slow proxies can open fewer or more connections at once.
 */
export function tuningFromEnv(env: NodeJS.ProcessEnv): Tuning {
  const read = (name: string, fallback: number, range: [number, number], unit = MS): number =>
    wholeNumberFromEnv(env, name, fallback, range, unit)
  return {
    concurrency: read('SWR_ACTION_CONCURRENCY', DEFAULT_CONCURRENCY, [1, 32], ''),
    timeoutMs: read('SWR_ACTION_TIMEOUT_MS', 30_000, [1, 600_000]),
    retry: {
      maxAttempts: read('SWR_ACTION_MAX_ATTEMPTS', 6, [1, 100], ''),
      baseDelayMs: read('SWR_ACTION_RETRY_BASE_MS', 500, [0, 600_000]),
      maxDelayMs: read('SWR_ACTION_RETRY_MAX_MS', 10_000, [0, 600_000]),
      // Six hours: the longest a GitHub-hosted job may run.
      budgetMs: read('SWR_ACTION_RETRY_BUDGET_MS', 300_000, [1, 21_600_000])
    }
  }
}
