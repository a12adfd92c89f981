// Reads the state the plan needs, and nothing more: one GET per repository, its retention
// policies only when retention is asked for and it exists, and the organization only when a
// dry run must say whether it would be created (a real run learns that from SWR's answers).
import type { Observed, RepositoryObservation } from './plan.js'
import { organizationFromReads } from './resources/organization.js'
import type { Wanted } from './resources/types.js'
import type { SwrClient } from './swr/client.js'
import { mapPool, messageOf } from './pool.js'

export type StateReader = Pick<SwrClient, 'readRepository' | 'listRetentions' | 'readOrganization'>

export async function readRepositoryState(
  client: StateReader,
  wanted: Wanted,
  repository: string
): Promise<RepositoryObservation> {
  try {
    const read = await client.readRepository(wanted.namespace, repository)
    if (read.state !== 'exists' || !wanted.retention) return { read }
    return { read, policies: await client.listRetentions(wanted.namespace, repository) }
  } catch (err) {
    return { error: messageOf(err) }
  }
}

export async function readState(
  client: StateReader,
  wanted: Wanted,
  options: { concurrency: number; dryRun: boolean }
): Promise<Observed> {
  const repositories = await mapPool(wanted.repositories, options.concurrency, repository =>
    readRepositoryState(client, wanted, repository)
  )
  const organization = organizationFromReads(repositories.map(r => r.read))
  const absent = repositories.some(r => r.read?.state === 'absent')
  if (!options.dryRun || organization !== 'unknown' || !absent) {
    return { organization, repositories }
  }
  try {
    return { organization: await client.readOrganization(wanted.namespace), repositories }
  } catch (err) {
    // The repositories to be created cannot be planned without it; the others can.
    const error = messageOf(err)
    const blocked = repositories.map(r => (r.read?.state === 'absent' ? { error } : r))
    return { organization, repositories: blocked }
  }
}
