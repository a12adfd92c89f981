// Reads the state the plan needs, and nothing more: one GET per repository (for a batch, the
// organization's list instead, as far as it is cheaper); for an existing
// one, its retention policies, sharing and auto-sync rules only when the inputs ask about
// them; the organization only when a dry run must say whether it would be created (a real run
// learns that from SWR's answers); and a replication target's organization only when a rule
// to it is to be made.
import type { Observed, PrunedObservation, RepositoryObservation } from './plan.js'
import { prunedMatches } from '../resources/prune.js'
import { targetKey, targetOfKey } from '../resources/replication.js'
import { foreignTarget, organizationFromReads } from '../resources/organization.js'
import type { TargetState } from './plan.js'
import { ApiError, CredentialsRefused } from '../http/errors.js'
import { isCrossAccount } from '../swr/errors.js'
import type { Wanted } from '../resources/types.js'
import { ATTACHMENTS, type AttachmentClients } from '../resources/attachments.js'
import {
  LIST_PAGE,
  type RepositoryInfo,
  type RepositoryRead,
  type SwrClient
} from '../swr/client.js'
import { mapPool } from '../pool.js'
import { entriesOf, type GrantEntry } from '../resources/permissions.js'
import { messageOf } from '../values.js'
import { droppedNamesWarning } from '../swr/names.js'

/**
 * A failed read is its repository's (or its target's) alone, but for a refusal of the
 * credentials: that one stops the run before anything is planned.
 */
function failedRead(err: unknown): string {
  if (err instanceof CredentialsRefused) throw err
  return messageOf(err)
}

/** A list page that failed is left to the reads one by one, unless the credentials were refused. */
function skipped(err: unknown): undefined {
  failedRead(err)
  return undefined
}

export type OrganizationReader = Pick<SwrClient, 'readOrganization'>
export type Readers = AttachmentClients & {
  swr: Pick<SwrClient, 'readRepository' | 'readOrganization' | 'listRepositoryPage'>
  /** SWR in a replication target's region, to read the replicas of what is taken down. */
  inRegion?: (region: string) => Pick<SwrClient, 'readRepository'>
}

/** What an existing repository has besides its settings, as far as the inputs ask. */
export async function readAttachments(
  clients: AttachmentClients,
  wanted: Wanted,
  repository: string,
  info: RepositoryInfo
): Promise<RepositoryObservation> {
  const kinds = ATTACHMENTS.filter(a => a.wanted(wanted))
  const lists = await Promise.all(kinds.map(a => a.read(clients, wanted.namespace, repository)))
  const observation: RepositoryObservation = { read: { state: 'exists', info } }
  kinds.forEach((a, i) => Object.assign(observation, { [a.key]: lists[i] }))
  return observation
}

async function readRepositoryState(
  clients: Readers,
  wanted: Wanted,
  repository: string
): Promise<RepositoryObservation> {
  let read: RepositoryRead
  try {
    read = await clients.swr.readRepository(wanted.namespace, repository)
  } catch (err) {
    return { error: failedRead(err) }
  }
  if (read.state !== 'exists') return { read }
  try {
    return await readAttachments(clients, wanted, repository, read.info)
  } catch (err) {
    // The repository itself was read: its path and its organization are known all the same.
    return { read, error: failedRead(err) }
  }
}

/**
 * From this many repositories on, the list's first page is read first: it costs one request
 * and often answers for the whole batch (docs/swr-service.md, "Listing repositories").
 */
export const LIST_FROM = 3

/** What the list showed: the repositories found, and whether a name it lacks is absent. */
interface Listing {
  found: Map<string, RepositoryInfo>
  /** The whole list was read, so a repository not found does not exist. */
  complete: boolean
  /** Items dropped for a name that breaks the name rule, as answered (prune's whole list). */
  dropped?: string[]
}

/**
 * The batch's repositories, from the list where that costs fewer requests than reading them:
 * the first page tells the list's size; the rest of the pages are read only when there are no
 * more of them than repositories still unseen (which are read one by one otherwise). So a
 * batch of N costs at most min(N + 1, pages + 1) reads, and never more than the first page
 * beyond reading each.
 */
async function listed(
  clients: Readers,
  wanted: Wanted,
  concurrency: number
): Promise<Listing | undefined> {
  const { namespace, repositories } = wanted
  if (repositories.length < LIST_FROM) return undefined
  const first = await clients.swr.listRepositoryPage(namespace, 0).catch(skipped)
  // Refused (its own IAM permission) or failed: the reads one by one say what is wrong.
  if (!first) return undefined
  const found = new Map(first.infos.map(info => [info.name, info]))
  const pages = Math.ceil(first.total / LIST_PAGE)
  const unseen = repositories.filter(r => !found.has(r)).length
  if (pages <= 1 || unseen === 0) return { found, complete: true }
  if (pages - 1 > unseen) return { found, complete: false }
  const offsets = Array.from({ length: pages - 1 }, (_, i) => (i + 1) * LIST_PAGE)
  const rest = await mapPool(offsets, concurrency, offset =>
    clients.swr.listRepositoryPage(namespace, offset).catch(skipped)
  )
  for (const page of rest) page?.infos.forEach(info => found.set(info.name, info))
  return { found, complete: rest.every(page => page !== undefined) }
}

/**
 * The organization's whole list, every page, for prune: matching a pattern needs every name.
 * A page that cannot be read fails the run before anything is planned: a partial list would
 * spare repositories silently.
 */
async function wholeList(
  clients: Readers,
  namespace: string,
  concurrency: number
): Promise<Listing> {
  const refused = (offset: number) =>
    new Error(
      `prune needs the list of the repositories of "${namespace}", and SWR did not return its page at offset ${offset} (it needs the SWR permission swr:repo:listRepos, see "IAM permissions" in the README); nothing was deleted.`
    )
  const first = await clients.swr.listRepositoryPage(namespace, 0)
  if (!first) throw refused(0)
  const found = new Map(first.infos.map(info => [info.name, info]))
  const pages = Math.ceil(first.total / LIST_PAGE)
  const offsets = Array.from({ length: Math.max(0, pages - 1) }, (_, i) => (i + 1) * LIST_PAGE)
  const rest = await mapPool(offsets, concurrency, async offset => {
    const page = await clients.swr.listRepositoryPage(namespace, offset)
    if (!page) throw refused(offset)
    return page
  })
  for (const page of rest) page.infos.forEach(info => found.set(info.name, info))
  const dropped = [...new Set([first, ...rest].flatMap(page => page.dropped))]
  return { found, complete: true, dropped }
}

/** What taking a repository down needs besides its own read: nothing read for its settings' sake. */
function removalWanted(wanted: Wanted): Wanted {
  const rest = { ...wanted }
  delete rest.retention
  delete rest.shareWith
  delete rest.repositoryPermissions
  return rest
}

/** The replica of `repository` in each target of replicate_to, read in the target's region. */
async function readReplicas(
  clients: Readers,
  wanted: Wanted,
  repository: string,
  observation: RepositoryObservation
): Promise<RepositoryObservation> {
  const targets = wanted.replicateTo ?? []
  if (targets.length === 0 || observation.error !== undefined || !clients.inRegion) {
    return observation
  }
  try {
    const reads = await Promise.all(
      targets.map(t => clients.inRegion!(t.region).readRepository(t.namespace, repository))
    )
    const replicas = Object.fromEntries(targets.map((t, i) => [targetKey(t), reads[i]!]))
    return { ...observation, replicas }
  } catch (err) {
    return { ...observation, error: failedRead(err) }
  }
}

/** The pruned repositories: in the list, matching a pattern, not listed; in name order. */
async function observePruned(
  clients: Readers,
  wanted: Wanted,
  listing: Listing,
  concurrency: number
): Promise<PrunedObservation[]> {
  const matches = prunedMatches(listing.found.keys(), wanted.repositories, wanted.prune ?? [])
  const removal = removalWanted(wanted)
  return mapPool(matches, concurrency, async ({ repository, pattern }) => {
    const observation = await observe(clients, removal, repository, listing)
    return {
      repository,
      pattern,
      observation: await readReplicas(clients, removal, repository, observation)
    }
  })
}

async function observe(
  clients: Readers,
  wanted: Wanted,
  repository: string,
  listing: Listing | undefined
): Promise<RepositoryObservation> {
  const info = listing?.found.get(repository)
  if (!info) {
    // A list may lag behind a create (or end on a full page with no total): a listed repository
    // is reported absent under ensure: absent only once its own read says so.
    if (listing?.complete && wanted.ensure !== 'absent') {
      return { read: { state: 'absent', organizationMissing: false } }
    }
    return readRepositoryState(clients, wanted, repository)
  }
  try {
    return await readAttachments(clients, wanted, repository, info)
  } catch (err) {
    return { read: { state: 'exists', info }, error: failedRead(err) }
  }
}

/** The organization's grants; 'missing' when SWR says the organization does not exist. */
async function organizationGrants(
  clients: Readers,
  namespace: string
): Promise<GrantEntry[] | 'missing' | { error: string }> {
  try {
    const read = await clients.permissions.readGrants({ namespace })
    return read === 'missing' ? 'missing' : entriesOf(read)
  } catch (err) {
    return { error: failedRead(err) }
  }
}

export async function readState(
  clients: Readers,
  wanted: Wanted,
  options: { concurrency: number; dryRun: boolean }
): Promise<Observed> {
  // At the same time as the repositories: it depends on none of them. Both are awaited together,
  // so that a run-wide stop (refused credentials) in either is never left unhandled.
  const [observed, grants] = await Promise.all([
    readRepositories(clients, wanted, options),
    wanted.organizationPermissions ? organizationGrants(clients, wanted.namespace) : undefined
  ])
  if (!grants) return observed
  if (grants !== 'missing') return { ...observed, organizationGrants: grants }
  // A new organization has no grants; and its absence is now known, for the plan.
  const organization = observed.organization === 'unknown' ? 'missing' : observed.organization
  return { ...observed, organization, organizationGrants: [] }
}

async function readRepositories(
  clients: Readers,
  wanted: Wanted,
  options: { concurrency: number; dryRun: boolean }
): Promise<Observed> {
  const pruning = (wanted.prune ?? []).length > 0
  const listing = pruning
    ? await wholeList(clients, wanted.namespace, options.concurrency)
    : await listed(clients, wanted, options.concurrency)
  const removing = wanted.ensure === 'absent'
  const repositories = await mapPool(wanted.repositories, options.concurrency, async repository => {
    const observation = await observe(clients, wanted, repository, listing)
    return removing ? readReplicas(clients, wanted, repository, observation) : observation
  })
  const dropped = droppedNamesWarning(`"${wanted.namespace}"`, listing?.dropped ?? [])
  const pruned = {
    ...(pruning
      ? { pruned: await observePruned(clients, wanted, listing!, options.concurrency) }
      : {}),
    ...(dropped ? { warnings: [dropped] } : {})
  }
  const organization = organizationFromReads(repositories.map(r => r.read))
  const absent = repositories.some(r => r.read?.state === 'absent')
  // Nothing is created when repositories are taken down: the organization is not asked about.
  if (!options.dryRun || organization !== 'unknown' || !absent || removing) {
    return { organization, repositories, ...pruned }
  }
  try {
    const state = await clients.swr.readOrganization(wanted.namespace)
    return { organization: state, repositories, ...pruned }
  } catch (err) {
    // The repositories to be created cannot be planned without it; the others can.
    const error = failedRead(err)
    const blocked = repositories.map(r => (r.read?.state === 'absent' ? { error } : r))
    return { organization, repositories: blocked, ...pruned }
  }
}

/**
 * The organizations of the targets ("region/namespace"), each read in its own region, all at
 * once. A read that fails is that target's failure, not the run's.
 */
export async function readTargets(
  keys: string[],
  readerFor: (region: string) => OrganizationReader
): Promise<Map<string, TargetState>> {
  const states = await Promise.all(
    keys.map(async (key): Promise<TargetState> => {
      const { region, namespace } = targetOfKey(key)
      try {
        return await readerFor(region).readOrganization(namespace)
      } catch (err) {
        if (err instanceof ApiError && isCrossAccount(err.error)) {
          return { error: foreignTarget(namespace, region) }
        }
        return { error: failedRead(err) }
      }
    })
  )
  return new Map(keys.map((key, i) => [key, states[i] as TargetState]))
}
