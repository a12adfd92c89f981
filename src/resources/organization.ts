// The organization (SWR's namespace): read from what the repository reads already said, planned
// only when a repository is to be created in it, and created at most once per run.
import type { RepositoryRead, SwrClient } from '../swr/client.js'
import type { Change } from './types.js'

/** 'unknown': no answer proved it either way (a repository's 404 without the organization's code). */
export type OrganizationState = 'exists' | 'missing' | 'unknown'

/** Any repository found proves the organization; SWR's organization-not-found code disproves it. */
export function organizationFromReads(reads: (RepositoryRead | undefined)[]): OrganizationState {
  if (reads.some(read => read?.state === 'exists')) return 'exists'
  if (reads.some(read => read?.state === 'absent' && read.organizationMissing)) return 'missing'
  return 'unknown'
}

export function createOrganizationChange(namespace: string): Change {
  return {
    resource: 'organization',
    name: namespace,
    action: 'create',
    before: null,
    after: { namespace },
    reason: 'the organization does not exist, and a repository is to be created in it'
  }
}

/** The organization's change: a create, only when it is missing and something goes in it. */
export function diffOrganization(
  namespace: string,
  state: OrganizationState,
  needed: boolean
): Change | undefined {
  return state === 'missing' && needed ? createOrganizationChange(namespace) : undefined
}

/** The remedy differs for a replication target: its organization is named in replicate_to. */
export function foreignTarget(namespace: string, region: string): string {
  return `Organization "${namespace}" in ${region} belongs to another account (organization names are unique per region across all accounts): name another one for that target, replicate_to: ${region}/another-name.`
}

export class ForeignOrganizationError extends Error {
  override name = 'ForeignOrganizationError'
  constructor(namespace: string) {
    super(
      `Organization "${namespace}" exists but this account cannot see it: organization names are unique per region across all accounts, so another account owns it. Choose another namespace.`
    )
  }
}

/**
 * Creates the organization. A 409 that reads back as present was someone else's create (the
 * same workflow racing): fine. One that reads back as missing belongs to another account.
 */
export async function applyOrganization(
  client: Pick<SwrClient, 'createOrganization' | 'readOrganization'>,
  namespace: string
): Promise<'created' | 'found done'> {
  if ((await client.createOrganization(namespace)) === 'created') return 'created'
  if ((await client.readOrganization(namespace)) === 'exists') return 'found done'
  throw new ForeignOrganizationError(namespace)
}
