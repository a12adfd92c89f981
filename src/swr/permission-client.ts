// IAM users' grants on an organization or a repository (docs/swr-service.md, "Permissions of
// IAM users"): GET, POST, PATCH and DELETE on .../access, the bodies bare JSON arrays. SWR keeps
// a grant per user id and needs the user's name beside it; a delete names ids only.
import { isObject, quoted } from '../values.js'
import type { Answer, Api } from '../http/api.js'
import { isSwrNotFound, permissionHint } from './errors.js'
import { answeredOther, namespacePath, repositoryPathSegment } from './names.js'

/** SWR's levels and the `auth` values its API gives them (evidence §5: 7 manage, 3 write, 1 read). */
export const LEVELS = { read: 1, write: 3, manage: 7 } as const
export type Level = keyof typeof LEVELS

/** Whether text names a level: own keys only, so "constructor" or "__proto__" is none. */
export const isLevel = (text: string): text is Level => Object.hasOwn(LEVELS, text)

/** One grant as SWR keeps it: `auth` 7 manage, 3 write, 1 read. */
export interface Grant {
  id: string
  user: string
  auth: number
}

/** Whether two IAM user ids are the same user: ids are hexadecimal, and case says nothing. */
export const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

/** Where grants live: the organization, or one of its repositories. */
export interface GrantScope {
  namespace: string
  repository?: string
}

/** What a read found: the caller's own entry (never changed) and everyone else's. */
export interface GrantList {
  self?: Grant
  others: Grant[]
}

// OTC's error table: the organization's and a repository's "permission already exists" and
// "permission was not found" (evidence §5).
const EXISTS = ['SVCSTG.SWR.4090076', 'SVCSTG.SWR.4090089']
const NOT_FOUND = ['SVCSTG.SWR.4040078', 'SVCSTG.SWR.4040091']

const accessPath = (scope: GrantScope) =>
  scope.repository === undefined
    ? `${namespacePath(scope.namespace)}/access`
    : `${namespacePath(scope.namespace)}/repos/${repositoryPathSegment(scope.repository)}/access`

const what = (scope: GrantScope) =>
  scope.repository === undefined
    ? `organization "${scope.namespace}"`
    : `repository "${scope.namespace}/${scope.repository}"`

/** An entry of the answer, kept only when it has the shape asked for: an id, a name, a level. */
function grantOf(item: unknown): Grant | undefined {
  if (!isObject(item)) return undefined
  const id = item['user_id']
  const user = item['user_name']
  const auth = Number(item['auth'])
  if (typeof id !== 'string' || !id || typeof user !== 'string') return undefined
  return { id, user, auth: Number.isFinite(auth) ? auth : 0 }
}

/**
 * The 403 hint: only the organization's get and create actions are documented (evidence §8);
 * the others, and a repository's, are not published verbatim, so they are named by what they do.
 */
function needs(scope: GrantScope, verb: 'get' | 'create' | 'update' | 'delete') {
  if (scope.repository !== undefined) {
    const does = { get: 'read', create: 'grant', update: 'change', delete: 'remove' }[verb]
    return permissionHint(`to ${does} image permissions (SWR FullAccess has it)`)
  }
  if (verb === 'update' || verb === 'delete') {
    return permissionHint(
      `the ${verb} action of organization permissions (see the IAM console; SWR FullAccess has it)`
    )
  }
  return permissionHint(`swr:namespace:${verb}NamespaceAccess (SWR FullAccess has it)`)
}

const body = (grant: Grant) => [{ user_id: grant.id, user_name: grant.user, auth: grant.auth }]

const isGrantNotFound = (a: Answer) => isSwrNotFound(a) && NOT_FOUND.includes(a.error.code ?? '')

export class SwrPermissionClient {
  constructor(private readonly api: Api) {}

  /** 'missing' when the organization or repository does not show (not yet, or not at all). */
  async readGrants(scope: GrantScope): Promise<GrantList | 'missing'> {
    const operation = `read the IAM user permissions of ${what(scope)}`
    const answer = await this.api.call(
      { operation, method: 'GET', path: accessPath(scope) },
      {
        ok: [200],
        accept: a => isSwrNotFound(a) && !isGrantNotFound(a),
        hint: needs(scope, 'get')
      }
    )
    if (answer.asError) return 'missing'
    const json = answer.json
    if (!isObject(json)) throw new Error(`${operation} failed: the answer is not an object`)
    // `name` is the organization's; for a repository the SDKs' field says "organization name"
    // too, where the emulator answers the repository's: either is taken, nothing else.
    const other = answeredOther(json, { name: scope.repository ?? scope.namespace })
    const organizationsName =
      scope.repository !== undefined && !answeredOther(json, { name: scope.namespace })
    if (other && !organizationsName) throw new Error(`${operation} failed: ${other}`)
    const self = grantOf(json['self_auth'])
    // The SDKs mark others_auths optional: missing or null is nobody else.
    const listed = json['others_auths'] ?? []
    if (!Array.isArray(listed)) {
      throw new Error(
        `${operation} failed: the answer's others_auths is ${typeof listed}, not a list of users`
      )
    }
    // The caller's own entry may be listed among the others too (the API reference's example).
    const others = listed
      .map(grantOf)
      .filter((g): g is Grant => g !== undefined && !(self && sameId(g.id, self.id)))
    return { ...(self ? { self } : {}), others }
  }

  /**
   * 'absent' when the organization or repository does not show yet (right after its creation);
   * 'exists' when SWR answers 409: the user has a grant already (another run), at a level for
   * the caller to read back; 'exists, ours' when that 409 follows this run's own attempt whose
   * answer was lost (most likely that attempt made it): read back too, but this run's create.
   */
  async createGrant(
    scope: GrantScope,
    grant: Grant
  ): Promise<'created' | 'absent' | 'exists' | 'exists, ours'> {
    const answer = await this.api.call(
      {
        operation: `grant IAM user ${quoted(grant.user, 64)} on ${what(scope)}`,
        method: 'POST',
        path: accessPath(scope),
        body: body(grant)
      },
      {
        // 200 for an organization, 201 for a repository in the API reference; either may come.
        ok: [200, 201],
        accept: a => a.status === 409 || (isSwrNotFound(a) && !isGrantNotFound(a)),
        readBack: async () => {
          const read = await this.readGrants(scope)
          return read !== 'missing' && read.others.some(g => sameId(g.id, grant.id))
        },
        hint: needs(scope, 'create')
      }
    )
    if (answer.status === 409) {
      if (answer.error.code && !EXISTS.includes(answer.error.code) && answer.asError) {
        throw answer.asError
      }
      return answer.afterLostAttempt ? 'exists, ours' : 'exists'
    }
    return answer.asError ? 'absent' : 'created'
  }

  async updateGrant(scope: GrantScope, grant: Grant): Promise<void> {
    await this.api.call(
      {
        operation: `change the level of IAM user ${quoted(grant.user, 64)} on ${what(scope)}`,
        method: 'PATCH',
        path: accessPath(scope),
        body: body(grant)
      },
      {
        ok: [200, 201, 204],
        hint: needs(scope, 'update')
      }
    )
  }

  /** A grant that is already gone counts as removed. */
  async deleteGrant(scope: GrantScope, grant: Grant): Promise<void> {
    await this.api.call(
      {
        // The name is SWR's: quoted as one line.
        operation: `remove IAM user ${quoted(grant.user, 64)} from ${what(scope)}`,
        method: 'DELETE',
        path: accessPath(scope),
        body: [grant.id]
      },
      {
        ok: [200, 204],
        accept: isGrantNotFound,
        hint: needs(scope, 'delete')
      }
    )
  }
}
