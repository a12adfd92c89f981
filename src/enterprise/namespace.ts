// An instance's namespace (the organization's counterpart, Harbor's project): it holds the
// visibility. Created when missing, private unless is_public says otherwise; its visibility
// drift follows on_drift. A create answered 409 or 400 is read back: present means done.
import type { Logger } from '../github/runner.js'
import type { Change, DriftItem } from '../resources/types.js'
import type { NamespaceInfo, SwrEnterpriseClient } from '../swr/enterprise-client.js'
import type { EnterpriseWanted } from './types.js'

export interface NamespaceDiff {
  change?: Change
  drift: DriftItem[]
  warning?: string
  failure?: string
}

const visibility = (isPublic: boolean) => (isPublic ? 'public' : 'private')

export function diffNamespace(
  wanted: EnterpriseWanted,
  state: NamespaceInfo | 'missing'
): NamespaceDiff {
  const name = wanted.namespace
  if (state === 'missing') {
    const isPublic = wanted.isPublic ?? false
    return {
      change: {
        resource: 'namespace',
        name,
        action: 'create',
        before: null,
        after: { namespace: name, is_public: isPublic },
        reason: `the namespace does not exist; it is created ${visibility(isPublic)}`
      },
      drift: []
    }
  }
  if (wanted.isPublic === undefined || wanted.isPublic === state.isPublic) return { drift: [] }
  const drift: DriftItem[] = [
    { setting: 'is_public', actual: state.isPublic, wanted: wanted.isPublic }
  ]
  const found = `Namespace "${name}" is ${visibility(state.isPublic)}, wanted ${visibility(wanted.isPublic)}`
  if (wanted.onDrift === 'fail') return { drift, failure: `${found} (on_drift: fail).` }
  if (wanted.onDrift === 'warn') {
    return { drift, warning: `${found}; left as it is (on_drift: warn).` }
  }
  return {
    change: {
      resource: 'namespace',
      name,
      action: 'update',
      before: { is_public: state.isPublic },
      after: { is_public: wanted.isPublic },
      reason: 'on_drift: update, and is_public differs from the inputs'
    },
    drift
  }
}

/** Applies the namespace's change: 'found done' when another run had created it. */
export async function applyNamespace(
  client: Pick<SwrEnterpriseClient, 'createNamespace' | 'readNamespace' | 'updateNamespace'>,
  change: Change,
  log: Logger
): Promise<'done' | 'found done'> {
  const isPublic = (change.after as { is_public: boolean }).is_public
  if (change.action === 'update') {
    await client.updateNamespace(change.name, isPublic)
    return 'done'
  }
  const created = await client.createNamespace(change.name, isPublic)
  if (created.outcome === 'created') return 'done'
  // A duplicate answers 409 (or 400): the namespace is there, made by a run at the same time.
  if ((await client.readNamespace(change.name)) === 'missing') throw created.error
  log.info(`Namespace "${change.name}": created by another run at the same time`)
  return 'found done'
}
