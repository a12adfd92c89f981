// The SWR Enterprise Edition API (the official Go SDK's swr/v2 requests, the Terraform
// provider's swr_enterprise_* resources; README, "Enterprise Edition"), as the operations the
// instance's resources need. Every path starts with the instance's prefix and
// every request names the project in X-Project-Id. Like SwrClient, it turns answers into plain
// outcomes and leaves what to do about them to the resources.
import { hasControl, isObject, quoted } from '../values.js'
import type { Answer, Api, ApiRequest, CallOptions, ServicePolicy } from '../http/api.js'
import type { ApiError } from '../http/errors.js'
import { swrPolicy } from './errors.js'
import {
  REGISTRY_HOST,
  answeredOther,
  checkedSegment,
  isValidRepositoryName,
  sameName
} from './names.js'

export interface InstanceInfo {
  id: string
  name: string
  /** Initial, Creating, Running, Unavailable…: only Running serves. */
  status: string
  /** The registry host users push to, without a scheme; empty unless it is a host name. */
  accessAddress: string
  /** What the instance answered for its access address when that is no host name, quoted. */
  badAccessAddress?: string
}

export interface NamespaceInfo {
  name: string
  /** The API keeps visibility as the string "true" or "false" in metadata.public. */
  isPublic: boolean
}

export interface EnterpriseRepositoryInfo {
  name: string
  description: string
  /** How many artifacts (images) it holds (artifact_count), when the answer says. */
  artifacts?: number
}

export type NamespaceCreate = { outcome: 'created' } | { outcome: 'refused'; error: ApiError }

export type EnterpriseRepositoryRead =
  { state: 'exists'; info: EnterpriseRepositoryInfo } | { state: 'absent' }

/** Harbor's selectors: doublestar globs (`**`, `v*`, `{a,b}`), not regular expressions. */
export interface TagSelector {
  kind: 'doublestar'
  decoration: 'matches' | 'excludes'
  pattern: string
}

export interface ScopeSelectors {
  repository: { kind: 'doublestar'; decoration: 'repoMatches' | 'repoExcludes'; pattern: string }[]
}

export interface RetentionRule {
  priority: number
  disabled: boolean
  action: 'retain'
  template: string
  params: Record<string, number>
  tag_selectors: TagSelector[]
  scope_selectors: ScopeSelectors
  repo_scope_mode: 'regular'
}

export interface RetentionTrigger {
  type: 'manual' | 'scheduled'
  trigger_settings?: { cron?: string }
}

export interface RetentionPolicy {
  name: string
  algorithm: 'or'
  enabled: boolean
  rules: RetentionRule[]
  trigger: RetentionTrigger
}

export interface StoredRetentionPolicy extends RetentionPolicy {
  id: number
}

export interface ImmutableRule {
  priority: number
  disabled: boolean
  action: 'immutable'
  template: 'immutable_template'
  tag_selectors: TagSelector[]
  scope_selectors: ScopeSelectors
}

export interface StoredImmutableRule extends ImmutableRule {
  id: number
}

export interface TemporaryCredential {
  userId: string
  authToken: string
  /** expire_date as the service writes it, unchecked; undefined when the answer has none. */
  expireDate?: string
}

/** The items of a list answer: a bare array, or the first array under one of `keys`. */
function itemsOf(json: unknown, keys: string[]): Record<string, unknown>[] {
  const list = Array.isArray(json)
    ? json
    : isObject(json)
      ? keys.map(k => json[k]).find(Array.isArray)
      : undefined
  return (list ?? []).filter(isObject)
}

/**
 * The API wants a "/" in a repository name encoded twice ("team/app" -> "team%252Fapp"); the
 * signature is computed over the path decoded once, as the official signers do.
 */
export function repositorySegment(repository: string): string {
  return encodeURIComponent(encodeURIComponent(checkedSegment(repository)))
}

/**
 * Not found: the notes infer 404, and some calls are documented with 400, so both count. The
 * API gateway's own 404 (no such API) does not.
 */
function isMissing(answer: Pick<Answer, 'status' | 'error'>): boolean {
  if (answer.error.code?.startsWith('APIGW.')) return false
  return answer.status === 404 || answer.status === 400
}

/** A retention policy that does not exist: answered 400 with this code (evidence §2). */
const RETENTION_NOT_FOUND = 'SWR.400003'

/** The hint to a final 404 that is not the gateway's: the instance or project is not there. */
export const enterprisePolicy: ServicePolicy = {
  isTransient: swrPolicy.isTransient,
  isRefusedUnprocessed: swrPolicy.isRefusedUnprocessed,
  hint(status, error, context) {
    if (status === 404 && !error.code?.startsWith('APIGW.')) return undefined
    return swrPolicy.hint(status, error, context)
  },
  refusesCredentials: swrPolicy.refusesCredentials
}

/** The 403 hint: the IAM permission a call needs (README, "Enterprise Edition"). */
function permission(what: string) {
  return (answer: Answer): string | undefined =>
    answer.status === 403
      ? `The IAM user or agency needs the permission to ${what} in SWR Enterprise Edition (see "Enterprise Edition" in the README).`
      : undefined
}

/**
 * The 400 hint to a retention policy of several rules: an instance may take one rule a policy
 * (docs/swr-enterprise.md), and keeping exception or signature tags takes a second.
 */
function retentionHint(policy: RetentionPolicy, what: string) {
  const needs = permission(what)
  return (answer: Answer): string | undefined =>
    needs(answer) ??
    (answer.status === 400 && policy.rules.length > 1
      ? `The policy holds ${policy.rules.length} rules, and the instance may take one a policy (the official SDK says so of updates). A second rule is what keeps the tags of retention_exceptions and the signature tags (retention_keep_signatures, on by default), and rules kept for other repositories of the namespace count too. One rule cannot keep them: drop retention_exceptions and set retention_keep_signatures to false only if those tags may be deleted, or leave this namespace's retention to the console.`
      : undefined)
}

function repositoryInfoOf(o: Record<string, unknown>, name: string): EnterpriseRepositoryInfo {
  const description = typeof o['description'] === 'string' ? o['description'] : ''
  const count = o['artifact_count']
  const artifacts =
    Number.isSafeInteger(count) && (count as number) >= 0 ? (count as number) : undefined
  return { name, description, ...(artifacts !== undefined ? { artifacts } : {}) }
}

/**
 * What the user can do about a delete the instance refused: the permission (403), or the
 * state that keeps it (immutable tags, answered 412 by Harbor, or another 4xx).
 */
function deleteHint(answer: Answer): string | undefined {
  const needs = permission('delete repositories')(answer)
  if (needs) return needs
  if ([400, 406, 409, 412, 423].includes(answer.status)) {
    return 'The instance says the repository cannot be deleted now, e.g. because immutable tag rules of its namespace keep its tags: remove it from their scope (or disable them) in the SWR console, or do what the message says, then run again; the other repositories were handled'
  }
  return undefined
}

function instanceInfo(json: unknown, id: string): InstanceInfo {
  const o = isObject(json) ? json : {}
  const answered = String(o['access_address'] ?? '')
  // The notes leave open whether a scheme comes with it; a host is what docker wants, and the
  // host of every image path: anything else (a line break, a path) is not taken.
  const address = answered.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '')
  const host = !hasControl(address) && REGISTRY_HOST.test(address)
  return {
    id: String(o['id'] ?? id),
    name: String(o['name'] ?? id),
    status: String(o['status'] ?? ''),
    accessAddress: host ? address : '',
    ...(answered && !host ? { badAccessAddress: quoted(answered, 100) } : {})
  }
}

function namespaceInfo(json: unknown, name: string): NamespaceInfo {
  const o = isObject(json) ? json : {}
  const metadata = isObject(o['metadata']) ? o['metadata'] : {}
  return { name: String(o['name'] ?? name), isPublic: String(metadata['public']) === 'true' }
}

function retentionPolicyOf(item: Record<string, unknown>): StoredRetentionPolicy {
  const trigger = isObject(item['trigger']) ? item['trigger'] : {}
  return {
    id: Number(item['id']),
    name: String(item['name'] ?? ''),
    algorithm: 'or',
    enabled: item['enabled'] !== false,
    rules: Array.isArray(item['rules']) ? (item['rules'] as RetentionRule[]) : [],
    trigger: trigger as unknown as RetentionTrigger
  }
}

export class SwrEnterpriseClient {
  constructor(
    private readonly api: Api,
    readonly projectId: string,
    readonly instanceId: string
  ) {}

  private get prefix(): string {
    return `/v2/${encodeURIComponent(this.projectId)}/instances/${encodeURIComponent(this.instanceId)}`
  }

  private call(request: ApiRequest, options: CallOptions): Promise<Answer> {
    const headers = { ...request.headers, 'X-Project-Id': this.projectId }
    return this.api.call({ ...request, path: `${this.prefix}${request.path}`, headers }, options)
  }

  private ns(namespace: string): string {
    return `/namespaces/${encodeURIComponent(namespace)}`
  }

  private repo(namespace: string, repository: string): string {
    return `${this.ns(namespace)}/repositories/${repositorySegment(repository)}`
  }

  async readInstance(): Promise<InstanceInfo> {
    const operation = `read SWR Enterprise Edition instance "${this.instanceId}"`
    const answer = await this.call(
      { operation, method: 'GET', path: '' },
      {
        ok: [200],
        accept: isMissing,
        hint: a =>
          a.status === 403
            ? `Either project ${this.projectId} is not this account's project in the region (check project_id and HUAWEI_CLOUD_PROJECT_ID), or the IAM user or agency lacks the permission to read SWR Enterprise Edition instances (see "Enterprise Edition" in the README).`
            : undefined
      }
    )
    if (answer.asError) {
      throw new Error(
        `${answer.asError.message}. No instance with id "${this.instanceId}" was found in project ${this.projectId}: check instance_id, and that region (or project_id) is where the instance is.`,
        { cause: answer.asError }
      )
    }
    return instanceInfo(answer.json, this.instanceId)
  }

  /**
   * Whether a retention policy may hold more than one rule: the instance's feature gate
   * enableCombinationRetention (docs/swr-enterprise.md). Undefined when the gates cannot be
   * read (refused, or no such API) or do not say: the instance's own answer will tell.
   */
  async readCombinationRetention(): Promise<boolean | undefined> {
    const answer = await this.call(
      {
        operation: 'read the feature gates of the instance',
        method: 'GET',
        path: '/feature-gates'
      },
      { ok: [200], accept: a => isMissing(a) || a.status === 403 }
    )
    const gate = isObject(answer.json) ? answer.json['enableCombinationRetention'] : undefined
    return typeof gate === 'boolean' ? gate : undefined
  }

  async readNamespace(namespace: string): Promise<NamespaceInfo | 'missing'> {
    const answer = await this.call(
      { operation: `read namespace "${namespace}"`, method: 'GET', path: this.ns(namespace) },
      { ok: [200], accept: isMissing, hint: permission('read namespaces') }
    )
    if (answer.status !== 200) return 'missing'
    const other = isObject(answer.json) && answeredOther(answer.json, { name: namespace })
    if (other) throw new Error(`read namespace "${namespace}" failed: ${other}`)
    return namespaceInfo(answer.json, namespace)
  }

  /** Refused with a 409 or 400: a duplicate, or a refusal; the caller reads back to tell. */
  async createNamespace(namespace: string, isPublic: boolean): Promise<NamespaceCreate> {
    const answer = await this.call(
      {
        operation: `create namespace "${namespace}"`,
        method: 'POST',
        path: '/namespaces',
        body: { namespace_name: namespace, metadata: { public: String(isPublic) } }
      },
      {
        ok: [200, 201],
        accept: a => a.status === 409 || a.status === 400,
        readBack: async () => (await this.readNamespace(namespace)) !== 'missing',
        hint: a =>
          a.status === 403 && isPublic
            ? 'The IAM user or agency needs the permission to create namespaces in SWR Enterprise Edition, and swr:EnablePublicNameSpace for a public one (see "Enterprise Edition" in the README).'
            : permission('create namespaces')(a)
      }
    )
    // Right after an attempt whose answer was lost, a 409 most likely answers that attempt.
    if (!answer.asError || answer.afterLostAttempt) return { outcome: 'created' }
    return { outcome: 'refused', error: answer.asError }
  }

  async updateNamespace(namespace: string, isPublic: boolean): Promise<void> {
    await this.call(
      {
        operation: `update namespace "${namespace}"`,
        method: 'PUT',
        path: this.ns(namespace),
        body: { metadata: { public: String(isPublic) } }
      },
      { ok: [200, 201, 204], hint: permission('update namespaces') }
    )
  }

  async readRepository(namespace: string, repository: string): Promise<EnterpriseRepositoryRead> {
    const operation = `read repository "${namespace}/${repository}"`
    const answer = await this.call(
      { operation, method: 'GET', path: this.repo(namespace, repository) },
      { ok: [200], accept: isMissing, hint: permission('read repositories') }
    )
    if (answer.status !== 200) return { state: 'absent' }
    const o = isObject(answer.json) ? answer.json : {}
    // Harbor names a repository with its project ("group/app"); the notes show it without.
    const full = `${namespace}/${repository}`
    const withProject = typeof o['name'] === 'string' && sameName(o['name'], full)
    const other = answeredOther(o, {
      namespace_name: namespace,
      name: withProject ? full : repository
    })
    if (other) throw new Error(`${operation} failed: ${other}`)
    return { state: 'exists', info: repositoryInfoOf(o, repository) }
  }

  /**
   * Deletes the repository with its artifacts. 'absent' when the instance says it does not
   * exist (404; a 400 only once a read shows it gone, since a refusal may answer 400 too);
   * `lost` when the answer was lost and a read showed it gone.
   */
  async deleteRepository(
    namespace: string,
    repository: string
  ): Promise<{ outcome: 'deleted' | 'absent'; lost: boolean }> {
    const gone = async () => (await this.readRepository(namespace, repository)).state === 'absent'
    const answer = await this.call(
      {
        operation: `delete repository "${namespace}/${repository}"`,
        method: 'DELETE',
        path: this.repo(namespace, repository)
      },
      { ok: [200, 202, 204], accept: isMissing, readBack: gone, hint: deleteHint }
    )
    if (answer.lost) return { outcome: 'deleted', lost: true }
    if (answer.status === 400 && !(await gone())) throw answer.asError
    if (answer.status === 404 || answer.status === 400) {
      return answer.afterLostAttempt
        ? { outcome: 'deleted', lost: true }
        : { outcome: 'absent', lost: false }
    }
    return { outcome: 'deleted', lost: false }
  }

  /**
   * The namespace's repositories, every page (100 each), under their names without the
   * namespace (Harbor names them "group/app"), each once; items of another namespace are
   * dropped, and so are items whose name breaks the name rule (`dropped`, as answered).
   */
  async listRepositories(
    namespace: string
  ): Promise<{ infos: EnterpriseRepositoryInfo[]; dropped: string[] }> {
    const operation = `list the repositories of namespace "${namespace}"`
    const page = async (offset: number) => {
      const { json } = await this.call(
        {
          operation,
          method: 'GET',
          path: `${this.ns(namespace)}/repositories`,
          query: { limit: '100', offset: String(offset) }
        },
        { ok: [200], hint: permission('list repositories') }
      )
      if (!isObject(json) || !Array.isArray(json['repositories'])) {
        throw new Error(`${operation} failed: the answer is not a list of repositories`)
      }
      const total = typeof json['total'] === 'number' ? json['total'] : undefined
      return { items: json['repositories'].filter(isObject), total }
    }
    const first = await page(0)
    const items = [...first.items]
    if (first.total !== undefined) {
      // The first page's total says how many more there are: read them all at once.
      const offsets: number[] = []
      for (let offset = 100; offset < first.total; offset += 100) offsets.push(offset)
      for (const rest of await Promise.all(offsets.map(page))) items.push(...rest.items)
    } else {
      for (let last = first.items; last.length === 100;) {
        last = (await page(items.length)).items
        items.push(...last)
      }
    }
    // Keyed by name: a list that shifts between page reads shows an item on two pages, and it
    // is one repository (planned, counted and deleted once).
    const found = new Map<string, EnterpriseRepositoryInfo>()
    const dropped: string[] = []
    for (const item of items) {
      const ns = item['namespace_name']
      const raw = item['name']
      if (typeof raw !== 'string' || (ns !== undefined && ns !== namespace)) continue
      const name = raw.startsWith(`${namespace}/`) ? raw.slice(namespace.length + 1) : raw
      // A name that breaks the name rule is no repository to match or delete (a ".." would
      // address the namespace's path): dropped, and said; case is kept, compared exactly.
      if (!isValidRepositoryName(name)) {
        if (!dropped.includes(raw)) dropped.push(raw)
        continue
      }
      found.set(name, repositoryInfoOf(item, name))
    }
    return { infos: [...found.values()], dropped }
  }

  async updateRepository(namespace: string, repository: string, description: string) {
    await this.call(
      {
        operation: `update repository "${namespace}/${repository}"`,
        method: 'PUT',
        path: this.repo(namespace, repository),
        body: { description }
      },
      { ok: [200, 201, 204], hint: permission('update repositories') }
    )
  }

  /** The namespace's retention policies, from the instance-wide list (pages of 100). */
  async listRetentionPolicies(namespace: string): Promise<StoredRetentionPolicy[]> {
    return (
      await this.pages('/retention/policies', 'read the retention policies of the instance', [
        'retentions',
        'policies'
      ])
    )
      .filter(item => item['namespace_name'] === namespace)
      .map(retentionPolicyOf)
  }

  /** `isOurs` tells, in a read after a lost answer, whether the policy was made. */
  async createRetentionPolicy(
    namespace: string,
    policy: RetentionPolicy,
    isOurs: (stored: StoredRetentionPolicy) => boolean
  ): Promise<void> {
    await this.call(
      {
        operation: `create retention policy of namespace "${namespace}"`,
        method: 'POST',
        path: `${this.ns(namespace)}/retention/policies`,
        body: policy
      },
      {
        ok: [200, 201],
        readBack: async () => (await this.listRetentionPolicies(namespace)).some(isOurs),
        hint: retentionHint(policy, 'create retention policies')
      }
    )
  }

  async updateRetentionPolicy(namespace: string, id: number, policy: RetentionPolicy) {
    await this.call(
      {
        operation: `update retention policy ${id} of namespace "${namespace}"`,
        method: 'PUT',
        path: `${this.ns(namespace)}/retention/policies/${id}`,
        body: policy
      },
      { ok: [200, 201, 204], hint: retentionHint(policy, 'update retention policies') }
    )
  }

  /**
   * A policy that is already gone (404, or 400 SWR.400003: evidence §2) counts as deleted;
   * another 400 only once the list shows it gone, since a refusal may answer 400 too.
   */
  async deleteRetentionPolicy(namespace: string, id: number): Promise<void> {
    const answer = await this.call(
      {
        operation: `delete retention policy ${id} of namespace "${namespace}"`,
        method: 'DELETE',
        path: `${this.ns(namespace)}/retention/policies/${id}`
      },
      { ok: [200, 204], accept: isMissing, hint: permission('delete retention policies') }
    )
    if (answer.status !== 400 || answer.error.code === RETENTION_NOT_FOUND) return
    const stored = await this.listRetentionPolicies(namespace)
    if (stored.some(p => p.id === id)) throw answer.asError
  }

  /** The namespace's immutable tag rules, from the instance-wide list (pages of 100). */
  async listImmutableRules(namespace: string): Promise<StoredImmutableRule[]> {
    return (
      await this.pages('/immutabletagrules', 'read the immutable tag rules of the instance', [
        'immutable_rules',
        'rules'
      ])
    )
      .filter(item => item['namespace_name'] === namespace)
      .map(item => ({ ...(item as unknown as ImmutableRule), id: Number(item['id']) }))
  }

  /** Every item of an instance-wide list, read 100 at a time (offsets are multiples of it). */
  private async pages(path: string, operation: string, keys: string[]) {
    const items: Record<string, unknown>[] = []
    for (let offset = 0; ; offset += 100) {
      const { json } = await this.call(
        { operation, method: 'GET', path, query: { limit: '100', offset: String(offset) } },
        { ok: [200], hint: permission('list policies and rules') }
      )
      const page = itemsOf(json, keys)
      items.push(...page)
      const total = isObject(json) && typeof json['total'] === 'number' ? json['total'] : undefined
      if (page.length < 100 || (total !== undefined && items.length >= total)) return items
    }
  }

  async createImmutableRule(
    namespace: string,
    rule: ImmutableRule,
    isOurs: (stored: StoredImmutableRule) => boolean
  ): Promise<void> {
    await this.call(
      {
        operation: `create immutable tag rule of namespace "${namespace}"`,
        method: 'POST',
        path: `${this.ns(namespace)}/immutabletagrules`,
        body: rule
      },
      {
        ok: [200, 201],
        readBack: async () => (await this.listImmutableRules(namespace)).some(isOurs),
        hint: permission('create immutable tag rules')
      }
    )
  }

  async updateImmutableRule(namespace: string, id: number, rule: ImmutableRule): Promise<void> {
    await this.call(
      {
        operation: `update immutable tag rule ${id} of namespace "${namespace}"`,
        method: 'PUT',
        path: `${this.ns(namespace)}/immutabletagrules/${id}`,
        body: rule
      },
      { ok: [200, 201, 204], hint: permission('update immutable tag rules') }
    )
  }

  /**
   * A rule that is already gone (a plain 404: evidence §2) counts as deleted; a 400 only once
   * the list shows it gone, since a refusal may answer 400 too.
   */
  async deleteImmutableRule(namespace: string, id: number): Promise<void> {
    const answer = await this.call(
      {
        operation: `delete immutable tag rule ${id} of namespace "${namespace}"`,
        method: 'DELETE',
        path: `${this.ns(namespace)}/immutabletagrules/${id}`
      },
      { ok: [200, 204], accept: isMissing, hint: permission('delete immutable tag rules') }
    )
    if (answer.status !== 400) return
    const stored = await this.listImmutableRules(namespace)
    if (stored.some(r => r.id === id)) throw answer.asError
  }

  /** A docker login for the instance, valid for a day. A retry is harmless: each answer is a login. */
  async temporaryCredential(): Promise<TemporaryCredential> {
    const operation = 'get a temporary docker login for the instance'
    const { json } = await this.call(
      { operation, method: 'POST', path: '/temp-credential' },
      { ok: [200, 201], hint: permission('create temporary credentials') }
    )
    const o = isObject(json) ? json : {}
    const userId = typeof o['user_id'] === 'string' ? o['user_id'] : ''
    const authToken = typeof o['auth_token'] === 'string' ? o['auth_token'] : ''
    if (!userId || !authToken) {
      throw new Error(`${operation} failed: the answer has no user_id and auth_token`)
    }
    const expireDate = typeof o['expire_date'] === 'string' ? o['expire_date'] : undefined
    return { userId, authToken, ...(expireDate !== undefined ? { expireDate } : {}) }
  }
}
