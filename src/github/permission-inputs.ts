// The inputs of IAM user grants (organization_permissions, repository_permissions): one grant
// per line, USER=LEVEL.
import { InputError } from './input-rules.js'
import { USER_ID } from '../swr/iam-users.js'
import { isLevel, sameId, type Level } from '../swr/permission-client.js'

export interface GrantInput {
  /** The IAM user name, as IAM spells it (names are case-sensitive). */
  user: string
  /** The IAM user id, when given as name:id; otherwise IAM is asked for it. */
  id?: string
  level: Level
}

export interface PermissionInputs {
  organizationPermissions?: GrantInput[]
  repositoryPermissions?: GrantInput[]
}

// IAM's rule for user names (Creating an IAM User, support.huaweicloud.com/api-iam/iam_08_0006):
// 1 to 64 characters, letters (case-sensitive), digits, spaces, "-", "_" and "."; not starting
// with a digit or a space. Older pages of the same API said 1 to 32: the longer limit is taken.
const USER_NAME = /^[A-Za-z_.-][A-Za-z0-9 _.-]{0,63}$/
const USER_NAME_RULE =
  'an IAM user name: 1 to 64 letters, digits, spaces, "-", "_" or ".", not starting with a digit or a space'

const LINE_RULE =
  'each line must be USER=LEVEL, where USER is an IAM user name or name:id (the id: 32 hexadecimal characters) and LEVEL is read, write or manage'

function refuse(input: string, number: number, line: string, rule: string): InputError {
  return new InputError(`Input "${input}", line ${number} ${JSON.stringify(line)}: ${rule}.`)
}

function parseLine(input: string, number: number, line: string): GrantInput {
  const fail = (rule: string) => refuse(input, number, line, rule)
  const parts = line.split('=')
  if (parts.length !== 2) throw fail(LINE_RULE)
  const user = (parts[0] ?? '').trim()
  const level = (parts[1] ?? '').trim()
  if (!user || !level) throw fail(LINE_RULE)
  if (!isLevel(level)) {
    throw fail(`the level ${JSON.stringify(level)} is unknown: it must be read, write or manage`)
  }
  const colon = user.lastIndexOf(':')
  const name = colon < 0 ? user : user.slice(0, colon).trim()
  const id = colon < 0 ? undefined : user.slice(colon + 1).trim()
  if (!USER_NAME.test(name)) throw fail(`the user name must be ${USER_NAME_RULE}`)
  if (id !== undefined && !USER_ID.test(id)) {
    throw fail(
      'the user id after ":" must be 32 hexadecimal characters, as IAM shows it (or give the name alone, and IAM is asked for the id)'
    )
  }
  return {
    user: name,
    ...(id !== undefined ? { id: id.toLowerCase() } : {}),
    level
  }
}

/** The grants of one input, or undefined when it is empty; each user may appear once. */
export function readGrants(input: string, value: string): GrantInput[] | undefined {
  const lines = value
    .split('\n')
    .map((line, i) => ({ number: i + 1, line: line.trim() }))
    .filter(({ line }) => line.length > 0)
  if (lines.length === 0) return undefined
  const grants: GrantInput[] = []
  for (const { number, line } of lines) {
    const grant = parseLine(input, number, line)
    const same = grants.find(
      g => g.user === grant.user || (g.id && grant.id && sameId(g.id, grant.id))
    )
    if (same) {
      const who = same.user === grant.user ? `the user "${grant.user}"` : `the user id ${grant.id}`
      throw refuse(
        input,
        number,
        line,
        `${who} is listed more than once; each user may appear once`
      )
    }
    grants.push(grant)
  }
  return grants
}

/** Both inputs; with instance_id they are input errors (an instance's namespaces have no IAM user grants). */
export function readPermissions(
  input: (name: string) => string,
  instance: boolean
): PermissionInputs {
  const organization = input('organization_permissions')
  const repository = input('repository_permissions')
  if (instance) {
    const given = organization
      ? 'organization_permissions'
      : repository
        ? 'repository_permissions'
        : ''
    if (given) {
      throw new InputError(
        `Input "${given}" has no meaning for an SWR Enterprise Edition instance (instance_id is set): an instance's namespaces have no IAM user grants. Drop it.`
      )
    }
    return {}
  }
  const organizationPermissions = readGrants('organization_permissions', organization)
  const repositoryPermissions = readGrants('repository_permissions', repository)
  return {
    ...(organizationPermissions ? { organizationPermissions } : {}),
    ...(repositoryPermissions ? { repositoryPermissions } : {})
  }
}
