// Reads what the instance's plan needs, and nothing more: the instance (its status and
// address), the namespace, each repository, and the namespace's retention policies and
// immutable tag rules only when the inputs ask about them. With the registry given, the
// instance is read only when an answer leaves its state in doubt (something reads as missing,
// or a read fails), since a stopped instance answers every other call with an error.
import { mapPool } from '../pool.js'
import { CredentialsRefused } from '../http/errors.js'
import { messageOf } from '../values.js'
import type { SwrEnterpriseClient } from '../swr/enterprise-client.js'
import { checkRunning } from './instance.js'
import { diffRetention } from './retention.js'
import { prunedMatches } from '../resources/prune.js'
import { droppedNamesWarning } from '../swr/names.js'
import type { EnterpriseObserved, EnterpriseWanted, RepositoryObservation } from './types.js'

export type EnterpriseReader = Pick<
  SwrEnterpriseClient,
  | 'readInstance'
  | 'readNamespace'
  | 'readRepository'
  | 'listRepositories'
  | 'listRetentionPolicies'
  | 'listImmutableRules'
  | 'readCombinationRetention'
>

async function readRepositories(
  client: EnterpriseReader,
  wanted: EnterpriseWanted,
  concurrency: number
): Promise<RepositoryObservation[]> {
  return mapPool(wanted.repositories, concurrency, async repository => {
    try {
      return { read: await client.readRepository(wanted.namespace, repository) }
    } catch (err) {
      // A refusal of the credentials stops the run before anything is planned.
      if (err instanceof CredentialsRefused) throw err
      return { error: messageOf(err) }
    }
  })
}

/** Everything but the instance; a failed repository read is that repository's alone. */
async function readNamespaceState(
  client: EnterpriseReader,
  wanted: EnterpriseWanted,
  concurrency: number
): Promise<Omit<EnterpriseObserved, 'instance'>> {
  const namespace = await client.readNamespace(wanted.namespace)
  if (namespace === 'missing') {
    // A new namespace holds nothing: no repository, policy or rule to read.
    const repositories = wanted.repositories.map(() => ({ read: { state: 'absent' as const } }))
    return withGate(client, wanted, { namespace, repositories })
  }
  const removing = wanted.ensure === 'absent' || (wanted.prune ?? []).length > 0
  const [repositories, retention, immutable, pruned] = await Promise.all([
    readRepositories(client, wanted, concurrency),
    // Taking repositories down reads the policies too: they may name them (scope.ts).
    wanted.retention || removing ? client.listRetentionPolicies(wanted.namespace) : undefined,
    wanted.immutableTags || removing ? client.listImmutableRules(wanted.namespace) : undefined,
    (wanted.prune ?? []).length > 0 ? readPruned(client, wanted) : undefined
  ])
  return withGate(client, wanted, {
    namespace,
    repositories,
    ...(pruned ?? {}),
    ...(retention ? { retention } : {}),
    ...(immutable ? { immutable } : {})
  })
}

/**
 * The namespace's repositories that match a prune pattern and are not listed, from its whole
 * list (every page): the list item is the read, artifact count included.
 */
async function readPruned(
  client: EnterpriseReader,
  wanted: EnterpriseWanted
): Promise<Pick<EnterpriseObserved, 'pruned' | 'warnings'>> {
  const { infos, dropped } = await client.listRepositories(wanted.namespace)
  const warning = droppedNamesWarning(`namespace "${wanted.namespace}"`, dropped)
  const byName = new Map(infos.map(info => [info.name, info]))
  const pruned = prunedMatches(byName.keys(), wanted.repositories, wanted.prune ?? []).map(
    ({ repository, pattern }) => ({
      repository,
      pattern,
      read: { state: 'exists' as const, info: byName.get(repository)! }
    })
  )
  return { pruned, ...(warning ? { warnings: [warning] } : {}) }
}

/**
 * The instance's feature gate for retention policies of several rules, read only when the
 * plan would send one (docs/swr-enterprise.md): a policy of one rule costs no request more.
 */
async function withGate(
  client: EnterpriseReader,
  wanted: EnterpriseWanted,
  state: Omit<EnterpriseObserved, 'instance'>
): Promise<Omit<EnterpriseObserved, 'instance'>> {
  if (!wanted.retention) return state
  const existing = state.namespace === 'missing' ? undefined : (state.retention ?? [])
  const { change } = diffRetention(
    wanted.namespace,
    wanted.retention,
    wanted.repositories,
    existing
  )
  const rules = (change?.after as { rules?: unknown[] } | null | undefined)?.rules ?? []
  if (rules.length <= 1) return state
  // A gate that cannot be read leaves it to the instance's answer to the write; a refusal of
  // the credentials stops the run all the same.
  const gate = await client.readCombinationRetention().catch((err: unknown) => {
    if (err instanceof CredentialsRefused) throw err
    return undefined
  })
  return gate === undefined ? state : { ...state, combinationRetention: gate }
}

const inDoubt = (state: Omit<EnterpriseObserved, 'instance'>) =>
  state.namespace === 'missing' ||
  state.repositories.some(r => r.error !== undefined || r.read?.state === 'absent')

export async function readEnterpriseState(
  client: EnterpriseReader,
  wanted: EnterpriseWanted,
  options: { concurrency: number; registryGiven: boolean }
): Promise<EnterpriseObserved> {
  if (!options.registryGiven) {
    const instance = checkRunning(await client.readInstance())
    return { instance, ...(await readNamespaceState(client, wanted, options.concurrency)) }
  }
  let state: Omit<EnterpriseObserved, 'instance'>
  try {
    state = await readNamespaceState(client, wanted, options.concurrency)
  } catch (err) {
    // The instance's state explains the failure better, when it is not Running.
    checkRunning(await client.readInstance())
    throw err
  }
  if (!inDoubt(state)) return state
  return { instance: checkRunning(await client.readInstance()), ...state }
}
