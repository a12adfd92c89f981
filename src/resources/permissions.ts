// IAM users' grants on the organization (organization_permissions) and on each repository
// (repository_permissions): a missing grant is created, a different level changed, and grants
// of users not listed follow on_drift, as accounts not listed in share_with do. SWR keys a grant
// by user id, so a user renamed in IAM is the same user. The caller's own entry (self_auth) is
// never changed or removed.
import type { DriftPolicy } from '../github/inputs.js'
import { CredentialsRefused } from '../http/errors.js'
import type { IamUserDirectory } from '../swr/iam-users.js'
import {
  LEVELS,
  type Grant,
  type GrantList,
  type GrantScope,
  type Level,
  sameId,
  type SwrPermissionClient
} from '../swr/permission-client.js'
import { messageOf, quoted } from '../values.js'
import type { AccessDiff } from './access-change.js'
import type { Change, Wanted, WantedGrant } from './types.js'
import { untilVisible, type Waiting } from './waiting.js'

/** A grant as read: `self` marks the caller's own entry. */
export interface GrantEntry extends Grant {
  self?: boolean
}

/** A grant as the plan shows it, before and after. */
export interface GrantState {
  user: string
  user_id: string | null
  level: string
}

export type PermissionKind = 'organization-permission' | 'repository-permission'

export type PermissionClient = Pick<
  SwrPermissionClient,
  'readGrants' | 'createGrant' | 'updateGrant' | 'deleteGrant'
>

/** SWR's auth as a level's name; another value is shown as it is. */
export function levelOf(auth: number): string {
  const found = (Object.keys(LEVELS) as Level[]).find(level => LEVELS[level] === auth)
  return found ?? `auth ${auth}`
}

/** The grants read, the caller's own entry marked; none for what does not exist (yet). */
export async function readGrantEntries(
  client: Pick<SwrPermissionClient, 'readGrants'>,
  scope: GrantScope
): Promise<GrantEntry[]> {
  const read = await client.readGrants(scope)
  if (read === 'missing') return []
  return entriesOf(read)
}

export function entriesOf(read: GrantList): GrantEntry[] {
  return [...(read.self ? [{ ...read.self, self: true }] : []), ...read.others]
}

/** Each grant with its user's id: given, or found at IAM once per name; a failure stays with its grant. */
async function resolveGrants(
  grants: WantedGrant[] | undefined,
  directory: Pick<IamUserDirectory, 'lookUp'> | undefined
): Promise<WantedGrant[] | undefined> {
  if (!grants) return undefined
  return Promise.all(
    grants.map(async grant => {
      if (grant.id !== undefined || !directory) return grant
      try {
        return { ...grant, id: (await directory.lookUp(grant.user)).id }
      } catch (err) {
        if (err instanceof CredentialsRefused) throw err
        return { ...grant, lookupError: messageOf(err) }
      }
    })
  )
}

/** Both inputs' grants resolved, as the plan needs them. */
export async function resolveWanted(
  wanted: Wanted,
  directory: Pick<IamUserDirectory, 'lookUp'> | undefined
): Promise<Wanted> {
  const [organizationPermissions, repositoryPermissions] = await Promise.all([
    resolveGrants(wanted.organizationPermissions, directory),
    resolveGrants(wanted.repositoryPermissions, directory)
  ])
  return {
    ...wanted,
    ...(organizationPermissions ? { organizationPermissions } : {}),
    ...(repositoryPermissions ? { repositoryPermissions } : {})
  }
}

function change(
  resource: PermissionKind,
  name: string,
  action: Change['action'],
  before: GrantState | null,
  after: GrantState | null,
  reason: string
): Change {
  return {
    resource,
    name,
    action,
    before: before ? { ...before } : null,
    after: after ? { ...after } : null,
    reason
  }
}

/** The entry a wanted grant is about: by id when known (a renamed user is the same), else by exact name. */
function entryFor(grant: WantedGrant, current: GrantEntry[]): GrantEntry | undefined {
  if (grant.id !== undefined) return current.find(e => sameId(e.id, grant.id as string))
  return current.find(e => e.user === grant.user)
}

const stateOf = (entry: GrantEntry): GrantState => ({
  user: entry.user,
  user_id: entry.id,
  level: levelOf(entry.auth)
})

/**
 * `current` is undefined for what this run creates, which has no grants yet. `input` names
 * the input the grants come from, `subject` what they are on ('Organization "group"').
 */
export function diffGrants(
  resource: PermissionKind,
  name: string,
  subject: string,
  input: string,
  wanted: WantedGrant[],
  current: GrantEntry[] | undefined,
  onDrift: DriftPolicy
): AccessDiff {
  const entries = current ?? []
  const changes: Change[] = []
  const warnings: string[] = []
  const matched = new Set<GrantEntry>()
  for (const grant of wanted) {
    const entry = entryFor(grant, entries)
    if (entry) matched.add(entry)
    if (entry?.self) {
      if (levelOf(entry.auth) !== grant.level) {
        warnings.push(
          `${subject}: "${grant.user}" is the caller's own entry (${levelOf(entry.auth)}), which the action never changes; its line in ${input} is left as it is.`
        )
      }
      continue
    }
    const after: GrantState = {
      user: grant.user,
      user_id: entry?.id ?? grant.id ?? null,
      level: grant.level
    }
    if (!entry) {
      const created = change(
        resource,
        name,
        'create',
        null,
        after,
        `"${grant.user}" has no permission here, wanted ${grant.level}`
      )
      // Without an id nothing can be granted: the grant fails, the rest go on.
      if (grant.id === undefined)
        created.blocked = grant.lookupError ?? `no id is known for IAM user "${grant.user}"`
      changes.push(created)
    } else if (levelOf(entry.auth) !== grant.level) {
      const reason = `"${grant.user}" has ${levelOf(entry.auth)}, wanted ${grant.level}`
      changes.push(change(resource, name, 'update', stateOf(entry), after, reason))
    }
  }
  const extra = entries.filter(e => !e.self && !matched.has(e))
  const warning = (text?: string) => [...warnings, ...(text ? [text] : [])].join(' ') || undefined
  if (extra.length === 0) return { changes, ...(warning() ? { warning: warning() } : {}) }
  const listed = extra.map(e => quoted(e.user, 64)).join(', ')
  const found = `${subject} grants ${listed} permissions, not listed in ${input}`
  if (onDrift === 'fail') return { changes: [], failure: `${found} (on_drift: fail).` }
  if (onDrift === 'warn') {
    return { changes, warning: warning(`${found}; left as they are (on_drift: warn).`) as string }
  }
  const deletes = extra.map(e =>
    change(
      resource,
      name,
      'delete',
      stateOf(e),
      null,
      `on_drift: update, and ${quoted(e.user, 64)} is not listed in ${input}`
    )
  )
  return { changes: [...changes, ...deletes], ...(warning() ? { warning: warning() } : {}) }
}

const grantOf = (state: GrantState): Grant => ({
  id: state.user_id as string,
  user: state.user,
  auth: LEVELS[state.level as Level]
})

/**
 * Applies one change. 'found done' when a create found the grant made already at the level
 * wanted by another run; one made by this run's attempt whose answer was lost is 'done'.
 */
export async function applyGrant(
  client: PermissionClient,
  scope: GrantScope,
  change: Change,
  waiting: Waiting
): Promise<'done' | 'found done'> {
  if (change.blocked) throw new Error(change.blocked)
  if (change.action === 'delete') {
    await client.deleteGrant(scope, grantOf(change.before as unknown as GrantState))
    return 'done'
  }
  const grant = grantOf(change.after as unknown as GrantState)
  if (change.action === 'update') {
    await client.updateGrant(scope, grant)
    return 'done'
  }
  const where =
    scope.repository === undefined ? scope.namespace : `${scope.namespace}/${scope.repository}`
  let outcome = 'absent' as Awaited<ReturnType<PermissionClient['createGrant']>>
  await untilVisible(
    waiting,
    async () => {
      outcome = await client.createGrant(scope, grant)
      return outcome === 'absent' ? 'absent' : 'done'
    },
    tries =>
      `grant IAM user "${grant.user}" on "${where}" failed: "${where}" still reads as missing (${tries} tries)`
  )
  if (outcome === 'created') return 'done'
  // A 409 after this run's own lost attempt: that attempt made the grant, this run's change.
  return converge(client, scope, grant, waiting, where, outcome === 'exists, ours')
}

/**
 * SWR answered 409: the user has a grant already. It is read back (waiting while SWR does not
 * show it yet), and its level changed when it is not the one wanted, unless it is the caller's
 * own entry.
 */
async function converge(
  client: PermissionClient,
  scope: GrantScope,
  grant: Grant,
  waiting: Waiting,
  where: string,
  ours: boolean
): Promise<'done' | 'found done'> {
  let found: GrantEntry | undefined
  await untilVisible(
    waiting,
    async () => {
      found = (await readGrantEntries(client, scope)).find(e => sameId(e.id, grant.id))
      return found ? 'done' : 'absent'
    },
    tries =>
      `grant IAM user "${grant.user}" on "${where}" failed: SWR answered 409 (the permission exists), but ${tries} reads of its permissions do not show that user`
  )
  // The caller's own entry: on what this run created nothing was read, so a line naming the
  // caller was planned as a create; SWR has it already (the creator's), and it is never changed.
  if (found?.self) return 'found done'
  if (found?.auth === grant.auth) return ours ? 'done' : 'found done'
  await client.updateGrant(scope, grant)
  return 'done'
}
