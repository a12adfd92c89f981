// A repository of an instance: no call creates one, the first docker push does. An existing
// one's description is set when it has none (as a create would have set it) and otherwise
// follows on_drift; a missing one is planned as the create the first push makes.
import type { Change, DriftItem } from '../resources/types.js'
import type { EnterpriseRepositoryRead, SwrEnterpriseClient } from '../swr/enterprise-client.js'
import type { EnterpriseWanted } from './types.js'

export interface RepositoryDiff {
  change?: Change
  drift: DriftItem[]
  warning?: string
  failure?: string
}

const PUSH_CREATES =
  'the repository does not exist: the first docker push creates it (an SWR Enterprise Edition instance has no call that creates a repository)'

function descriptionChange(name: string, before: string, after: string, reason: string): Change {
  return {
    resource: 'repository',
    name,
    action: 'update',
    before: { description: before },
    after: { description: after },
    reason
  }
}

export function diffRepository(
  wanted: EnterpriseWanted,
  name: string,
  read: EnterpriseRepositoryRead
): RepositoryDiff {
  const description = wanted.description
  if (read.state === 'absent') {
    const after = description ? { description } : {}
    const reason = description
      ? `${PUSH_CREATES}; the first run after it sets the description`
      : PUSH_CREATES
    return {
      change: { resource: 'repository', name, action: 'create', before: null, after, reason },
      drift: []
    }
  }
  const current = read.info.description
  if (!description || current === description) return { drift: [] }
  if (current === '') {
    const reason = 'the repository has no description yet (a push created it)'
    return { change: descriptionChange(name, current, description, reason), drift: [] }
  }
  const drift: DriftItem[] = [{ setting: 'description', actual: current, wanted: description }]
  const found = `Repository "${name}" differs from the inputs: description is ${JSON.stringify(current)}, wanted ${JSON.stringify(description)}`
  if (wanted.onDrift === 'fail') return { drift, failure: `${found} (on_drift: fail).` }
  if (wanted.onDrift === 'warn') {
    return { drift, warning: `${found}; left as it is (on_drift: warn).` }
  }
  const reason = 'on_drift: update, and description differs from the inputs'
  return { change: descriptionChange(name, current, description, reason), drift }
}

export async function applyRepository(
  client: Pick<SwrEnterpriseClient, 'updateRepository'>,
  namespace: string,
  repository: string,
  change: Change
): Promise<void> {
  const { description } = change.after as { description: string }
  await client.updateRepository(namespace, repository, description)
}
