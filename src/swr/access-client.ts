// Who may pull a repository besides its owner, and where its images are copied: SWR's sharing
// with other accounts and its auto-sync rules to other regions (docs/swr-service.md,
// "Sharing and auto-sync"). Both are called in the repository's own region.
import { isObject } from '../values.js'
import type { Answer, Api } from '../http/api.js'
import { CODES, isSwrNotFound, permissionHint } from './errors.js'
import { namespacePath, repositoryPathSegment } from './names.js'
import { readOnce, type ReadBackRunner } from './client.js'

/** One account a repository is shared with: `deadline` is "forever" or an ISO date-time. */
export interface Sharing {
  account: string
  deadline: string
}

/** One auto-sync rule: pushed images are copied to `namespace` in `region`. */
export interface SyncRule {
  region: string
  namespace: string
  syncAuto: boolean
  override: boolean
}

/** A rule's target organization that does not show (yet): SWR's invalid-organization codes. */
const TARGET_MISSING = ['SVCSTG.SWR.4001008', 'SVCSTG.SWR.4001028']

const sharingPath = (namespace: string, repository: string) =>
  `${namespacePath(namespace)}/repositories/${repositoryPathSegment(repository)}/access-domains`

const syncPath = (namespace: string, repository: string) =>
  `${namespacePath(namespace)}/repos/${repositoryPathSegment(repository)}/sync_repo`

/** Account names are compared without regard to case: no source says SWR keeps their case. */
export const accountKey = (account: string) => account.toLowerCase()
export const sameAccount = (a: string, b: string) => accountKey(a) === accountKey(b)

/** A list answer: a bare array, or an object holding one (the docs show both styles). */
function listIn(json: unknown, keys: string[]): unknown[] | undefined {
  if (Array.isArray(json)) return json
  if (!isObject(json)) return undefined
  const key = keys.find(k => Array.isArray(json[k]))
  return key ? (json[key] as unknown[]) : undefined
}

export class SwrAccessClient {
  constructor(private readonly api: Api) {}

  async listSharing(namespace: string, repository: string): Promise<Sharing[]> {
    const operation = `read the sharing of "${namespace}/${repository}"`
    const { json } = await this.api.call(
      { operation, method: 'GET', path: sharingPath(namespace, repository) },
      {
        ok: [200],
        hint: permissionHint('to read sharing (SWR FullAccess or ReadOnlyAccess has it)')
      }
    )
    const list = listIn(json, ['access_domains', 'domains'])
    if (!list) throw new Error(`${operation} failed: the answer is not a list`)
    return list.filter(isObject).map(item => ({
      account: String(item['access_domain'] ?? ''),
      deadline: String(item['deadline'] ?? 'forever')
    }))
  }

  /**
   * Resolves 'absent' when the repository does not show yet (right after its creation), and
   * 'exists' when SWR answers 409: the account has access already (evidence §6), on terms
   * that are for the caller to read back; 'exists, ours' when that 409 follows this run's own
   * attempt whose answer was lost (most likely that attempt shared it).
   */
  async createSharing(
    namespace: string,
    repository: string,
    sharing: Sharing,
    readBack: ReadBackRunner = readOnce
  ): Promise<'created' | 'absent' | 'exists' | 'exists, ours'> {
    const answer = await this.api.call(
      {
        operation: `share "${namespace}/${repository}" with account "${sharing.account}"`,
        method: 'POST',
        path: sharingPath(namespace, repository),
        body: {
          access_domain: sharing.account,
          permit: 'read',
          deadline: sharing.deadline,
          description: ''
        }
      },
      {
        ok: [200, 201],
        // Already shared with that account (a lost answer, or another run): read back.
        accept: a => a.status === 409 || isSwrNotFound(a),
        readBack: async () =>
          (await readBack(() => this.listSharing(namespace, repository))).some(s =>
            sameAccount(s.account, sharing.account)
          ),
        hint: permissionHint('to share repositories (SWR FullAccess has it)')
      }
    )
    if (answer.status === 409) return answer.afterLostAttempt ? 'exists, ours' : 'exists'
    return isSwrNotFound(answer) ? 'absent' : 'created'
  }

  async updateSharing(namespace: string, repository: string, sharing: Sharing): Promise<void> {
    await this.api.call(
      {
        operation: `change the sharing of "${namespace}/${repository}" with account "${sharing.account}"`,
        method: 'PATCH',
        path: `${sharingPath(namespace, repository)}/${encodeURIComponent(sharing.account)}`,
        body: { permit: 'read', deadline: sharing.deadline, description: '' }
      },
      { ok: [200, 201, 204], hint: permissionHint('to change sharing (SWR FullAccess has it)') }
    )
  }

  /** Sharing that is already gone counts as stopped. */
  async deleteSharing(namespace: string, repository: string, account: string): Promise<void> {
    await this.api.call(
      {
        operation: `stop sharing "${namespace}/${repository}" with account "${account}"`,
        method: 'DELETE',
        path: `${sharingPath(namespace, repository)}/${encodeURIComponent(account)}`
      },
      {
        ok: [200, 204],
        accept: a =>
          isSwrNotFound(a) || (a.status === 400 && a.error.code === CODES.sharingNotFound),
        hint: permissionHint('to stop sharing (SWR FullAccess has it)')
      }
    )
  }

  async listSyncRules(namespace: string, repository: string): Promise<SyncRule[]> {
    const operation = `read the auto-sync rules of "${namespace}/${repository}"`
    const { json } = await this.api.call(
      { operation, method: 'GET', path: syncPath(namespace, repository) },
      {
        ok: [200],
        hint: permissionHint('to read auto-sync rules (SWR FullAccess or ReadOnlyAccess has it)')
      }
    )
    const list = listIn(json, ['sync_repos', 'rules'])
    if (!list) throw new Error(`${operation} failed: the answer is not a list`)
    return list.filter(isObject).map(item => ({
      region: String(item['remoteRegionId'] ?? ''),
      namespace: String(item['remoteNamespace'] ?? ''),
      // The SDK's model spells it synAuto, a documented example syncAuto; a rule that says
      // neither is taken as automatic rather than replaced on every run.
      syncAuto: (item['syncAuto'] ?? item['synAuto']) !== false,
      override: item['override'] === true
    }))
  }

  /**
   * Resolves 'absent' when the repository, or the target organization, does not show yet
   * (right after its creation). A rule to the same target that exists already (a lost answer,
   * another run) counts as created: a different `override` is seen on the next read.
   */
  async createSyncRule(
    namespace: string,
    repository: string,
    rule: SyncRule,
    readBack: ReadBackRunner = readOnce
  ): Promise<'created' | 'absent'> {
    const same = (r: SyncRule) => r.region === rule.region && r.namespace === rule.namespace
    const absent = (a: Answer) =>
      isSwrNotFound(a) || (a.status === 400 && TARGET_MISSING.includes(a.error.code ?? ''))
    const answer = await this.api.call(
      {
        operation: `create the auto-sync of "${namespace}/${repository}" to ${rule.region}/${rule.namespace}`,
        method: 'POST',
        path: syncPath(namespace, repository),
        body: {
          remoteRegionId: rule.region,
          remoteNamespace: rule.namespace,
          syncAuto: rule.syncAuto,
          override: rule.override
        }
      },
      {
        ok: [200, 201],
        accept: a => a.status === 409 || absent(a),
        readBack: async () =>
          (await readBack(() => this.listSyncRules(namespace, repository))).some(same),
        hint: permissionHint('to create auto-sync rules (SWR FullAccess has it)')
      }
    )
    return answer.status !== 409 && absent(answer) ? 'absent' : 'created'
  }

  /** A rule that is already gone counts as deleted. */
  async deleteSyncRule(namespace: string, repository: string, rule: SyncRule): Promise<void> {
    await this.api.call(
      {
        operation: `delete the auto-sync of "${namespace}/${repository}" to ${rule.region}/${rule.namespace}`,
        method: 'DELETE',
        path: syncPath(namespace, repository),
        body: { remoteRegionId: rule.region, remoteNamespace: rule.namespace }
      },
      {
        ok: [200, 204],
        // The Terraform provider reads 400 4001158 as "gone" (evidence §5), as a 404.
        accept: a =>
          isSwrNotFound(a) || (a.status === 400 && a.error.code === CODES.syncRuleNotFound),
        hint: permissionHint('to delete auto-sync rules (SWR FullAccess has it)')
      }
    )
  }
}
