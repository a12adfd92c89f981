// IAM user ids for grants given by name (docs/swr-service.md, "Permissions of IAM users"):
// Keystone's GET /v3/users?name=... on the IAM endpoint, signed like every other call. The
// name filter is IAM's, which is not promised to be exact: the answer is filtered here, on the
// exact (case-sensitive) name. Each name is asked once per run.
import { isObject } from '../values.js'
import type { Answer, Api } from '../http/api.js'

export interface IamUser {
  id: string
  name: string
}

/** IAM user ids: 32 hexadecimal characters, as IAM's user list shows them. */
export const USER_ID = /^[0-9a-fA-F]{32}$/

const refusedHint = (answer: Answer): string | undefined =>
  answer.status === 403
    ? 'Looking up IAM users needs the IAM permission iam:users:listUsers; without it, write the user as name:id (the id as the IAM console shows it), which needs no lookup.'
    : undefined

/** The lookups of one run: one request per name, however many grants name it. */
export class IamUserDirectory {
  private readonly lookups = new Map<string, Promise<IamUser>>()

  constructor(private readonly api: Api) {}

  /** The user of that exact name; throws when IAM has none, or refuses the lookup. */
  lookUp(name: string): Promise<IamUser> {
    let lookup = this.lookups.get(name)
    if (!lookup) {
      lookup = this.fetch(name)
      this.lookups.set(name, lookup)
    }
    return lookup
  }

  private async fetch(name: string): Promise<IamUser> {
    const operation = `look up IAM user "${name}"`
    const { json } = await this.api.call(
      { operation, method: 'GET', path: '/v3/users', query: { name } },
      { ok: [200], hint: refusedHint }
    )
    if (!isObject(json) || !Array.isArray(json['users'])) {
      throw new Error(`${operation} failed: the answer has no list of users`)
    }
    const found = json['users']
      .filter(isObject)
      .filter(u => u['name'] === name && typeof u['id'] === 'string' && USER_ID.test(u['id']))
    if (found.length === 0) throw new Error(`no IAM user named "${name}" in this account`)
    if (found.length > 1) {
      throw new Error(
        `IAM has ${found.length} users named "${name}" in this account: write the user as name:id to choose one`
      )
    }
    return { id: String(found[0]?.['id']).toLowerCase(), name }
  }
}
