// The SWR standard edition's management API (docs/swr-service.md, "Calls"), as the operations
// the resources need. Each turns SWR's answers into plain outcomes; what to do about them is
// the resources' business.
import { isObject } from '../values.js'
import type { Answer, Api } from '../http/api.js'
import type { ApiError } from '../http/errors.js'
import { CODES, isOrganizationNotFound, isSwrNotFound, permissionHint } from './errors.js'
import {
  answeredOther,
  listedRepositoryName,
  namespacePath,
  repositoryPathSegment,
  sameName
} from './names.js'

export interface RepositorySettings {
  is_public: boolean
  category: string
  description: string
}

export interface RepositoryInfo extends RepositorySettings {
  name: string
  /** The external pull address, registry host included, when the answer carries it. */
  path?: string
  /** How many images it holds (num_images), when the answer says. */
  images?: number
}

export interface RetentionRule {
  template: 'date_rule' | 'tag_rule'
  params: Record<string, string>
  tag_selectors: { kind: 'label' | 'regexp'; pattern: string }[]
}

export interface RetentionPolicy {
  id: number
  rules: RetentionRule[]
}

/** The most items a page of the repository list may hold (the API's maximum limit). */
export const LIST_PAGE = 1000

/** One page of the repository list: the organization's repositories on it, and the list's size. */
export interface RepositoryPage {
  infos: RepositoryInfo[]
  total: number
  /** The names of this organization's items that break the repository name rule, as answered. */
  dropped: string[]
}

/**
 * How a read-back after a lost answer is run: by default once; the resources pass one that
 * tries again while a repository just created does not show yet (resources/waiting.ts).
 */
export type ReadBackRunner = <T>(read: () => Promise<T>) => Promise<T>
export const readOnce: ReadBackRunner = read => read()

/** A repository read: found, or absent (and whether SWR said its organization is missing). */
export type RepositoryRead =
  { state: 'exists'; info: RepositoryInfo } | { state: 'absent'; organizationMissing: boolean }

/**
 * A repository create: done (`lost` when only a read-back showed it), already there, or
 * refused with an answer that may mean the organization is missing (400, 403, 404).
 */
export type RepositoryCreate =
  | { outcome: 'created'; lost: boolean }
  | { outcome: 'exists' }
  | { outcome: 'refused'; organizationMissing: boolean; error: ApiError }

const ns = namespacePath

function repoPath(namespace: string, repository: string): string {
  return `${ns(namespace)}/repos/${repositoryPathSegment(repository)}`
}

/** A repository's record, under the name it was asked by (checked to be the one it names). */
function repositoryInfo(json: Record<string, unknown>, repository: string): RepositoryInfo {
  return {
    name: repository,
    category: String(json['category'] ?? ''),
    description: String(json['description'] ?? ''),
    is_public: json['is_public'] === true,
    ...(typeof json['path'] === 'string' && json['path'] ? { path: json['path'] } : {}),
    ...(Number.isSafeInteger(json['num_images']) && (json['num_images'] as number) >= 0
      ? { images: json['num_images'] as number }
      : {})
  }
}

/**
 * What the user can do about a delete SWR refused: a 403 is the IAM permission (unless the
 * credentials themselves were refused, which stops the run), a 406 or 409 a state of the
 * repository that the service names (docs/swr-service.md, "Deleting a repository").
 */
function deleteHint(answer: Answer): string | undefined {
  const permission = permissionHint('swr:repo:deleteRepo')(answer)
  if (permission) return permission
  if (answer.status === 406 && answer.error.code === CODES.repositoryHasImages) {
    return 'This SWR refuses to delete a repository that still holds images: delete its images (in the SWR console, or with DELETE .../repos/{repository}/tags/{tag}), then run again; the other repositories were handled'
  }
  if ([400, 406, 409, 412, 423].includes(answer.status)) {
    return 'SWR says the repository cannot be deleted now: do what its message says (or delete it in the SWR console), then run again; the other repositories were handled'
  }
  return undefined
}

/** The total of a repository list: Content-Range "{offset}-{count}/{total}", else the items'. */
function totalOf(range: string | string[] | undefined, page: Record<string, unknown>[]): number {
  const text = Array.isArray(range) ? range[0] : range
  const fromHeader = /\/(\d+)\s*$/.exec(text ?? '')?.[1]
  if (fromHeader !== undefined) return Number(fromHeader)
  const fromItem = page[0]?.['total_range']
  return typeof fromItem === 'number' ? fromItem : page.length
}

function sameRules(a: RetentionRule[], b: RetentionRule[]): boolean {
  const norm = (rules: RetentionRule[]) =>
    JSON.stringify(
      rules.map(rule => ({
        template: rule.template,
        params: Object.entries(rule.params ?? {})
          .map(([k, v]) => [k, String(v)])
          .sort(),
        selectors: (rule.tag_selectors ?? []).map(s => `${s.kind}:${s.pattern}`).sort()
      }))
    )
  return norm(a) === norm(b)
}

export { sameRules }

export class SwrClient {
  constructor(private readonly api: Api) {}

  /** 'missing' covers another account's organization that answers 404 (SWR cannot tell). */
  async readOrganization(namespace: string): Promise<'exists' | 'missing'> {
    const answer = await this.api.call(
      { operation: `read organization "${namespace}"`, method: 'GET', path: ns(namespace) },
      { ok: [200], accept: isSwrNotFound, hint: permissionHint('swr:namespace:getNamespace') }
    )
    if (answer.status !== 200) return 'missing'
    const other = isObject(answer.json) && answeredOther(answer.json, { name: namespace })
    if (other) throw new Error(`read organization "${namespace}" failed: ${other}`)
    return 'exists'
  }

  async createOrganization(namespace: string): Promise<'created' | 'exists'> {
    const answer = await this.api.call(
      {
        operation: `create organization "${namespace}"`,
        method: 'POST',
        path: '/v2/manage/namespaces',
        body: { namespace }
      },
      {
        ok: [200, 201, 202],
        accept: a => a.status === 409 && a.error.code !== CODES.busy,
        readBack: async () => (await this.readOrganization(namespace)) === 'exists',
        hint: permissionHint('swr:namespace:createNamespace')
      }
    )
    // A 409 right after an attempt whose answer was lost answers that attempt: ours.
    return answer.status === 409 && !answer.afterLostAttempt ? 'exists' : 'created'
  }

  async readRepository(namespace: string, repository: string): Promise<RepositoryRead> {
    const operation = `read repository "${namespace}/${repository}"`
    const answer = await this.api.call(
      { operation, method: 'GET', path: repoPath(namespace, repository) },
      { ok: [200], accept: isSwrNotFound, hint: permissionHint('swr:repo:getRepo') }
    )
    if (answer.status !== 200) {
      return { state: 'absent', organizationMissing: isOrganizationNotFound(answer) }
    }
    const json = answer.json
    if (!isObject(json) || typeof json['is_public'] !== 'boolean') {
      throw new Error(`${operation} failed: the answer is not a repository (no is_public field)`)
    }
    const other = answeredOther(json, { namespace, name: repository })
    if (other) throw new Error(`${operation} failed: ${other}`)
    const info = repositoryInfo(json, repository)
    return { state: 'exists', info }
  }

  /**
   * One page of the organization's repositories, read through the list API
   * (docs/swr-service.md, "Listing repositories"): it matches fuzzily, so only exact matches
   * are kept. `total` is what the whole list holds (look-alike organizations' repositories
   * included), never less than what this page shows. Resolves undefined when the list is
   * refused (it needs its own IAM permission) or is not a list.
   */
  async listRepositoryPage(namespace: string, offset: number): Promise<RepositoryPage | undefined> {
    const answer = await this.api.call(
      {
        operation: `list the repositories of "${namespace}"`,
        method: 'GET',
        path: '/v2/manage/repos',
        query: { namespace, limit: String(LIST_PAGE), offset: String(offset) }
      },
      { ok: [200], accept: a => a.status === 403 }
    )
    if (answer.status !== 200 || !Array.isArray(answer.json)) return undefined
    const page = answer.json.filter(isObject)
    const total = Math.max(
      totalOf(answer.response.headers['content-range'], page),
      offset + page.length
    )
    const dropped: string[] = []
    const infos = page
      // The list matches fuzzily: an item counts only when it names this organization exactly,
      // and under its name in the inputs' form, so that the reads find it by that name.
      .filter(
        item =>
          typeof item['namespace'] === 'string' &&
          sameName(item['namespace'], namespace) &&
          typeof item['name'] === 'string' &&
          typeof item['is_public'] === 'boolean'
      )
      // A name that breaks the name rule is no repository to match or delete: dropped, and
      // said (case is kept: a name is compared exactly, never folded onto another).
      .flatMap(item => {
        const name = listedRepositoryName(String(item['name']))
        if (name === undefined) dropped.push(String(item['name']))
        return name === undefined ? [] : [repositoryInfo(item, name)]
      })
    return { infos, total, dropped }
  }

  async createRepository(
    namespace: string,
    repository: string,
    settings: RepositorySettings
  ): Promise<RepositoryCreate> {
    const refusal = (a: Answer) => [400, 403, 404].includes(a.status)
    const answer = await this.api.call(
      {
        operation: `create repository "${namespace}/${repository}"`,
        method: 'POST',
        path: `${ns(namespace)}/repos`,
        body: { repository, ...settings }
      },
      {
        ok: [200, 201, 202],
        accept: a => (a.status === 409 && a.error.code !== CODES.busy) || refusal(a),
        readBack: async () => (await this.readRepository(namespace, repository)).state === 'exists',
        hint: permissionHint('swr:repo:createRepo')
      }
    )
    if (answer.lost) return { outcome: 'created', lost: true }
    if (answer.status === 409) {
      // Right after an attempt whose answer was lost, the 409 most likely answers that attempt.
      return answer.afterLostAttempt ? { outcome: 'created', lost: true } : { outcome: 'exists' }
    }
    if (answer.asError) {
      const organizationMissing = isOrganizationNotFound(answer)
      return { outcome: 'refused', organizationMissing, error: answer.asError }
    }
    return { outcome: 'created', lost: false }
  }

  async updateRepository(
    namespace: string,
    repository: string,
    settings: RepositorySettings
  ): Promise<void> {
    await this.api.call(
      {
        operation: `update repository "${namespace}/${repository}"`,
        method: 'PATCH',
        path: repoPath(namespace, repository),
        body: settings
      },
      { ok: [200, 201, 204], hint: permissionHint('swr:repo:updateRepo') }
    )
  }

  /**
   * Deletes the repository with its images. 'absent' when SWR answers it does not exist
   * (another run deleted it first); `lost` when the answer was lost and a read showed it gone.
   */
  async deleteRepository(
    namespace: string,
    repository: string
  ): Promise<{ outcome: 'deleted' | 'absent'; lost: boolean }> {
    const answer = await this.api.call(
      {
        operation: `delete repository "${namespace}/${repository}"`,
        method: 'DELETE',
        path: repoPath(namespace, repository)
      },
      {
        ok: [200, 202, 204],
        accept: isSwrNotFound,
        readBack: async () => (await this.readRepository(namespace, repository)).state === 'absent',
        hint: deleteHint
      }
    )
    if (answer.lost) return { outcome: 'deleted', lost: true }
    // After an attempt whose answer was lost, a 404 most likely answers that attempt: ours.
    if (answer.status === 404) {
      return answer.afterLostAttempt
        ? { outcome: 'deleted', lost: true }
        : { outcome: 'absent', lost: false }
    }
    return { outcome: 'deleted', lost: false }
  }

  async listRetentions(namespace: string, repository: string): Promise<RetentionPolicy[]> {
    const operation = `read retention policies of "${namespace}/${repository}"`
    const { json } = await this.api.call(
      { operation, method: 'GET', path: `${repoPath(namespace, repository)}/retentions` },
      { ok: [200] }
    )
    if (!Array.isArray(json)) throw new Error(`${operation} failed: the answer is not a list`)
    return json.filter(isObject).map(policy => ({
      id: Number(policy['id']),
      rules: Array.isArray(policy['rules']) ? (policy['rules'] as RetentionRule[]) : []
    }))
  }

  /** Resolves 'absent' when the repository does not show yet (right after its creation). */
  async createRetention(
    namespace: string,
    repository: string,
    rules: RetentionRule[],
    readBack: ReadBackRunner = readOnce
  ): Promise<'created' | 'absent'> {
    const answer = await this.api.call(
      {
        operation: `create retention policy of "${namespace}/${repository}"`,
        method: 'POST',
        path: `${repoPath(namespace, repository)}/retentions`,
        body: { algorithm: 'or', rules }
      },
      {
        ok: [200, 201],
        accept: isSwrNotFound,
        readBack: async () =>
          (await readBack(() => this.listRetentions(namespace, repository))).some(p =>
            sameRules(p.rules, rules)
          )
      }
    )
    return answer.status === 404 ? 'absent' : 'created'
  }

  async updateRetention(
    namespace: string,
    repository: string,
    id: number,
    rules: RetentionRule[]
  ): Promise<void> {
    await this.api.call(
      {
        operation: `update retention policy ${id} of "${namespace}/${repository}"`,
        method: 'PATCH',
        path: `${repoPath(namespace, repository)}/retentions/${id}`,
        body: { algorithm: 'or', rules }
      },
      { ok: [200, 201, 204] }
    )
  }

  /** A policy that is already gone counts as deleted. */
  async deleteRetention(namespace: string, repository: string, id: number): Promise<void> {
    await this.api.call(
      {
        operation: `delete retention policy ${id} of "${namespace}/${repository}"`,
        method: 'DELETE',
        path: `${repoPath(namespace, repository)}/retentions/${id}`
      },
      {
        ok: [200, 204],
        accept: a =>
          isSwrNotFound(a) || (a.status === 400 && a.error.code === CODES.retentionNotFound)
      }
    )
  }

  /**
   * The temporary docker login the service issues for the caller's credentials, with its
   * X-Swr-Expireat header as sent (unchecked; undefined when absent).
   */
  async temporaryLogin(
    region: string
  ): Promise<{ registry: string; username: string; password: string; expiresAt?: string }> {
    const operation = 'get a temporary docker login'
    const { json, response } = await this.api.call(
      {
        operation,
        method: 'POST',
        path: '/v2/manage/utils/secret',
        query: { projectname: region }
      },
      { ok: [200, 201] }
    )
    const auths = isObject(json) && isObject(json['auths']) ? json['auths'] : undefined
    const [registry, entry] = Object.entries(auths ?? {})[0] ?? []
    const auth = isObject(entry) && typeof entry['auth'] === 'string' ? entry['auth'] : undefined
    const decoded = auth ? Buffer.from(auth, 'base64').toString('utf8') : ''
    const colon = decoded.indexOf(':')
    if (!registry || colon < 1)
      throw new Error(`${operation} failed: the answer has no auths entry`)
    const header = response.headers['x-swr-expireat']
    const expiresAt = Array.isArray(header) ? header[0] : header
    return {
      registry,
      username: decoded.slice(0, colon),
      password: decoded.slice(colon + 1),
      ...(expiresAt !== undefined ? { expiresAt } : {})
    }
  }
}
