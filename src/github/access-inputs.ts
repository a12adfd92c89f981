// The inputs of sharing (share_with) and replication (replicate_to, replicate_override), kept
// apart from inputs.ts, which reads everything else. getInputs calls readAccess.
import {
  InputError,
  entriesOf,
  invalid,
  invalidEntry,
  parseBoolean,
  type Read
} from './input-rules.js'
import { ORGANIZATION_RULE, organizationNameProblems, whyInvalid } from '../swr/names.js'
import {
  REGION_RULE,
  defaultApiEndpoint,
  defaultRegistry,
  isDefaultApiEndpoint,
  isLoopbackHost,
  isValidRegion,
  regionalEndpoint,
  registryFromEndpoint
} from '../swr/endpoints.js'

export interface SharingInput {
  /** The account (domain) name SWR calls access_domain. */
  account: string
  /** 'YYYY-MM-DD': the sharing ends at UTC midnight of that day; absent: forever. */
  until?: string
}

export interface ReplicationInput {
  region: string
  namespace: string
  /** The target region's SWR API, where its organization is ensured. */
  endpoint: URL
  /** The target region's registry host, for the replicas' image paths. */
  registry: string
}

export interface AccessInputs {
  shareWith?: SharingInput[]
  replicateTo?: ReplicationInput[]
  replicateOverride: boolean
}

/** What readAccess needs from the other inputs, already checked. */
export interface AccessContext {
  namespace: string
  isPublic?: boolean
  region?: string
  endpoint: URL
  registry?: string
}

// Huawei Cloud's rule for account names, as its account center states it for choosing a new
// name (support.huaweicloud.com/intl/zh-cn/usermanual-account/account_bi_0003.html).
const ACCOUNT = /^[A-Za-z][A-Za-z0-9_-]{5,31}$/

const ACCOUNT_RULE =
  '6-32 characters: letters, digits, "-" and "_", starting with a letter (the rule of Huawei Cloud account names)'

// SWR's limit on the accounts one repository can be shared with.
const MAX_SHARING = 500

/** The UTC midnight starting a real calendar day written YYYY-MM-DD, else undefined. */
export function utcMidnight(date: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!match) return undefined
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number]
  // setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999.
  const midnight = new Date(0)
  midnight.setUTCFullYear(year, month - 1, day)
  const roundTrip =
    midnight.getUTCFullYear() === year &&
    midnight.getUTCMonth() === month - 1 &&
    midnight.getUTCDate() === day
  return roundTrip ? midnight : undefined
}

function parseSharingEntry(entry: string, entries: number, now: Date): SharingInput {
  const refuse = (rule: string) => invalidEntry('share_with', entry, entries, rule)
  const words = entry.split(/\s+/)
  const [account = '', keyword, until] = words
  if (words.length !== 1 && !(words.length === 3 && keyword === 'until')) {
    throw refuse('each entry must be one account name, optionally followed by "until YYYY-MM-DD"')
  }
  if (!ACCOUNT.test(account)) throw refuse(`the account name must be ${ACCOUNT_RULE}`)
  if (until === undefined) return { account }
  const deadline = utcMidnight(until)
  if (!deadline) throw refuse('the date must be a real calendar date written YYYY-MM-DD')
  if (deadline.getTime() <= now.getTime()) {
    throw refuse(
      `the date must be in the future: the sharing would end at ${until}T00:00:00Z (UTC midnight), which is not after now`
    )
  }
  return { account, until }
}

function readSharing(value: string, isPublic: boolean | undefined, now: Date): SharingInput[] {
  if (isPublic === true) {
    throw new InputError(
      'Inputs "share_with" and "is_public" ("true") were both given: only private repositories can be shared with other accounts; set is_public to "false" or leave it empty.'
    )
  }
  const entries = entriesOf(value)
  if (entries.length > MAX_SHARING) {
    throw new InputError(
      `Input "share_with" lists ${entries.length} accounts: SWR shares a repository with at most ${MAX_SHARING}.`
    )
  }
  const seen = new Set<string>()
  return entries.map(entry => {
    const sharing = parseSharingEntry(entry, entries.length, now)
    // Compared ignoring case: should the service treat "Partner" and "partner" as one account,
    // two entries for it would give it two deadlines to converge to.
    const key = sharing.account.toLowerCase()
    if (seen.has(key)) {
      throw invalidEntry(
        'share_with',
        entry,
        entries.length,
        `the account "${sharing.account}" is listed more than once (names compared ignoring case); each account may appear once`
      )
    }
    seen.add(key)
    return sharing
  })
}

interface Location {
  endpoint: URL
  registry: string
}

function refuseEndpoint(endpoint: URL, rule: string): InputError {
  return new InputError(
    `Input "replicate_to" cannot be used with endpoint ${JSON.stringify(endpoint.href)}: ${rule}.`
  )
}

const MOVED = "a target region's endpoint is this one with the source region replaced in its host"

/**
 * Where a target region's API and registry are. The official endpoints follow the SDK's region
 * table (so eu-west-101 moves to the .eu domain); a custom deployment is assumed to name the
 * region in one label of its hosts, which is replaced, and nothing else.
 */
function locate(context: AccessContext, target: string): Location {
  const { endpoint, region } = context
  if (region && isDefaultApiEndpoint(endpoint, region)) {
    return { endpoint: new URL(defaultApiEndpoint(target)), registry: defaultRegistry(target) }
  }
  if (isLoopbackHost(endpoint.hostname)) {
    throw refuseEndpoint(endpoint, `${MOVED}, and a loopback host has no region in it`)
  }
  if (!region) {
    throw refuseEndpoint(endpoint, `${MOVED}, and no source region is known: give region`)
  }
  const moved = regionalEndpoint(endpoint, region, target)
  if (!moved) {
    throw refuseEndpoint(
      endpoint,
      `${MOVED}, and the host "${endpoint.hostname}" does not hold the source region "${region}" exactly once as a dot-separated part`
    )
  }
  const registry = registryFromEndpoint(moved)
  if (!registry) {
    throw refuseEndpoint(
      endpoint,
      `a target region's registry is its API host with "swr-api." replaced by "swr.", and the host "${endpoint.hostname}" does not start with "swr-api."`
    )
  }
  return { endpoint: moved, registry }
}

/**
 * The registry input cannot follow the targets, unless it only repeats what the endpoint says.
 * Called after locate, which refuses every endpoint that no registry can be derived from.
 */
function checkRegistry(context: AccessContext): void {
  const derived = registryFromEndpoint(context.endpoint)
  if (context.registry === undefined || context.registry === derived) return
  throw invalid(
    'registry',
    context.registry,
    `with replicate_to, each target region's registry is derived from its API endpoint, which a registry set by hand cannot follow; leave registry empty (it is then ${derived})`
  )
}

function parseTarget(
  entry: string,
  entries: number,
  namespace: string
): { region: string; namespace: string } {
  const refuse = (rule: string) => invalidEntry('replicate_to', entry, entries, rule)
  const slash = entry.indexOf('/')
  const region = slash < 0 ? entry : entry.slice(0, slash)
  const organization = slash < 0 ? namespace : entry.slice(slash + 1)
  if (!isValidRegion(region)) throw refuse(`the region must be ${REGION_RULE}`)
  const problems = organizationNameProblems(organization)
  if (problems.length > 0) {
    throw refuse(
      `the organization ${JSON.stringify(organization)} is not valid: ${whyInvalid(problems, ORGANIZATION_RULE)}`
    )
  }
  return { region, namespace: organization }
}

function readReplication(value: string, context: AccessContext): ReplicationInput[] {
  const entries = entriesOf(value)
  const targets = entries.map(entry => ({
    entry,
    ...parseTarget(entry, entries.length, context.namespace)
  }))
  const seen = new Set<string>()
  for (const { entry, region, namespace } of targets) {
    const refuse = (rule: string) => invalidEntry('replicate_to', entry, entries.length, rule)
    if (region === context.region) {
      throw refuse(`${region} is the source region; auto-sync copies images to other regions only`)
    }
    const key = `${region}/${namespace}`
    if (seen.has(key)) {
      throw refuse(`the target ${key} is listed more than once; each target may appear once`)
    }
    seen.add(key)
  }
  const located = targets.map(({ region, namespace }) => ({
    region,
    namespace,
    ...locate(context, region)
  }))
  checkRegistry(context)
  return located
}

/** share_with, replicate_to and replicate_override, checked against the other inputs. */
export function readAccess(input: Read, context: AccessContext, now: Date): AccessInputs {
  const shareWith = input('share_with')
  const replicateTo = input('replicate_to')
  const replicateOverride = input('replicate_override') || 'false'
  const override = parseBoolean('replicate_override', replicateOverride)
  if (override && !replicateTo) {
    throw invalid(
      'replicate_override',
      replicateOverride,
      'it applies to the auto-sync rules of replicate_to, which is not set'
    )
  }
  return {
    ...(shareWith ? { shareWith: readSharing(shareWith, context.isPublic, now) } : {}),
    ...(replicateTo ? { replicateTo: readReplication(replicateTo, context) } : {}),
    replicateOverride: override
  }
}
