// Reads the state the plan needs, and nothing more: one GET per repository (one list of the
// organization instead, for a batch); for an existing
// one, its retention policies, sharing and auto-sync rules only when the inputs ask about
// them; the organization only when a dry run must say whether it would be created (a real run
// learns that from SWR's answers); and a replication target's organization only when a rule
// to it is to be made.
import type { Observed, RepositoryObservation } from './plan.js'
import { foreignTarget, organizationFromReads } from './resources/organization.js'
import type { TargetState } from './plan.js'
import { ApiError, CredentialsRefused } from './http/errors.js'
import { isCrossAccount } from './swr/errors.js'
import type { Wanted } from './resources/types.js'
import { ATTACHMENTS, type AttachmentClients } from './resources/attachments.js'
import type { RepositoryInfo, RepositoryRead, SwrClient } from './swr/client.js'
import { mapPool } from './pool.js'
import { messageOf } from './values.js'

/**
 * A failed read is its repository's (or its target's) alone, but for a refusal of the
 * credentials: that one stops the run before anything is planned.
 */
function failedRead(err: unknown): string {
  if (err instanceof CredentialsRefused) throw err
  return messageOf(err)
}

export type OrganizationReader = Pick<SwrClient, 'readOrganization'>
export type Readers = AttachmentClients & {
  swr: Pick<SwrClient, 'readRepository' | 'readOrganization' | 'listRepositories'>
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

export async function readRepositoryState(
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

/** From this many repositories on, one list of the organization is cheaper than a read each. */
export const LIST_FROM = 4
/** An organization with more repositories than this is read one repository at a time. */
export const LIST_AT_MOST = 3000

/** The repositories found by one list of the organization, when listing is the better deal. */
async function listed(
  clients: Readers,
  wanted: Wanted
): Promise<Map<string, RepositoryInfo> | undefined> {
  if (wanted.repositories.length < LIST_FROM) return undefined
  try {
    const infos = await clients.swr.listRepositories(wanted.namespace, LIST_AT_MOST)
    return infos && new Map(infos.map(info => [info.name, info]))
  } catch (err) {
    // The reads one by one will say what is wrong, repository by repository.
    failedRead(err)
    return undefined
  }
}

async function observe(
  clients: Readers,
  wanted: Wanted,
  repository: string,
  list: Map<string, RepositoryInfo> | undefined
): Promise<RepositoryObservation> {
  if (!list) return readRepositoryState(clients, wanted, repository)
  const info = list.get(repository)
  if (!info) return { read: { state: 'absent', organizationMissing: false } }
  try {
    return await readAttachments(clients, wanted, repository, info)
  } catch (err) {
    return { read: { state: 'exists', info }, error: failedRead(err) }
  }
}

export async function readState(
  clients: Readers,
  wanted: Wanted,
  options: { concurrency: number; dryRun: boolean }
): Promise<Observed> {
  const list = await listed(clients, wanted)
  const repositories = await mapPool(wanted.repositories, options.concurrency, repository =>
    observe(clients, wanted, repository, list)
  )
  const organization = organizationFromReads(repositories.map(r => r.read))
  const absent = repositories.some(r => r.read?.state === 'absent')
  if (!options.dryRun || organization !== 'unknown' || !absent) {
    return { organization, repositories }
  }
  try {
    return { organization: await clients.swr.readOrganization(wanted.namespace), repositories }
  } catch (err) {
    // The repositories to be created cannot be planned without it; the others can.
    const error = failedRead(err)
    const blocked = repositories.map(r => (r.read?.state === 'absent' ? { error } : r))
    return { organization, repositories: blocked }
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
      const [region, namespace] = key.split('/') as [string, string]
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
