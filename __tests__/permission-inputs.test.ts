// The permission inputs and the grants' plan, as pure functions: every input error names the
// input and the line; grants are matched by user id (a renamed user is the same), users not
// listed follow on_drift, and the caller's own entry is never planned.
import { describe, expect, it } from 'vitest'
import { getInputs, type DriftPolicy } from '../src/github/inputs.js'
import { readGrants } from '../src/github/permission-inputs.js'
import { diffGrants, type GrantEntry } from '../src/resources/permissions.js'

const ID = '0f1e2d3c4b5a69788796a5b4c3d2e1f0'
const env = (extra: Record<string, string>) => ({
  INPUT_NAMESPACE: 'group',
  INPUT_REPOSITORY: 'app',
  INPUT_REGION: 'cn-north-4',
  INPUT_ACCESS_KEY_ID: 'AK',
  INPUT_SECRET_ACCESS_KEY: 'SK',
  ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
})

describe('organization_permissions and repository_permissions', () => {
  it('read USER=LEVEL lines: a name, or name:id (the id lowercased), with spaces around = allowed', () => {
    expect(readGrants('x', `ci bot = write\nlead:${ID.toUpperCase()}=manage\n\n`)).toEqual([
      { user: 'ci bot', level: 'write' },
      { user: 'lead', id: ID, level: 'manage' }
    ])
  })

  it.each([
    ['alice', 'line 1 "alice": each line must be USER=LEVEL'],
    ['alice=read=write', 'each line must be USER=LEVEL'],
    ['alice=Admin', 'the level "Admin" is unknown'],
    [' =read', 'each line must be USER=LEVEL'],
    ['9lives=read', 'the user name must be an IAM user name'],
    [`${'a'.repeat(65)}=read`, 'the user name must be an IAM user name'],
    ['alice:xyz=read', 'the user id after ":" must be 32 hexadecimal characters'],
    ['alice=read\nbob=read\nalice=write', 'line 3 "alice=write": the user "alice" is listed'],
    [`a:${ID}=read\nb:${ID}=read`, `the user id ${ID} is listed more than once`]
  ])('refuse %j naming the input and the line', (value, words) => {
    expect(() => readGrants('organization_permissions', value)).toThrow(
      expect.objectContaining({ message: expect.stringContaining(words) })
    )
    expect(() => readGrants('organization_permissions', value)).toThrow(
      /^Input "organization_permissions", line \d/
    )
  })

  it('need IAM only for a name without an id, at iam_endpoint or the region default', () => {
    expect(getInputs(env({ repository_permissions: `bob:${ID}=read` })).iamEndpoint).toBeUndefined()
    expect(getInputs(env({ repository_permissions: 'bob=read' })).iamEndpoint?.href).toBe(
      'https://iam.cn-north-4.myhuaweicloud.com/'
    )
  })

  it('are refused with instance_id', () => {
    expect(() =>
      getInputs(
        env({ instance_id: 'inst', project_id: '0'.repeat(32), organization_permissions: 'a=read' })
      )
    ).toThrow('Input "organization_permissions" has no meaning for an SWR Enterprise Edition')
  })
})

describe('the grants plan', () => {
  const self: GrantEntry = { id: 'f'.repeat(32), user: 'main', auth: 7, self: true }
  const entry = (user: string, id: string, auth: number): GrantEntry => ({ id, user, auth })
  const diff = (
    wanted: Parameters<typeof diffGrants>[4],
    current: GrantEntry[],
    onDrift: DriftPolicy = 'warn'
  ) =>
    diffGrants(
      'organization-permission',
      'group',
      'Organization "group"',
      'organization_permissions',
      wanted,
      current,
      onDrift
    )

  it('matches by id: a renamed user with the level wanted needs nothing', () => {
    expect(
      diff([{ user: 'new-name', id: ID, level: 'write' }], [self, entry('old-name', ID, 3)])
    ).toEqual({ changes: [] })
  })

  it('plans a create, an update with the level before, and never the caller itself', () => {
    const d = diff(
      [
        { user: 'a', id: 'a'.repeat(32), level: 'read' },
        { user: 'b', id: 'b'.repeat(32), level: 'manage' },
        { user: 'main', id: self.id, level: 'read' }
      ],
      [self, entry('b', 'b'.repeat(32), 3)]
    )
    expect(d.changes.map(c => [c.action, c.before, c.after])).toEqual([
      ['create', null, { user: 'a', user_id: 'a'.repeat(32), level: 'read' }],
      [
        'update',
        { user: 'b', user_id: 'b'.repeat(32), level: 'write' },
        { user: 'b', user_id: 'b'.repeat(32), level: 'manage' }
      ]
    ])
    expect(d.warning).toContain("the caller's own entry")
  })

  it('a user IAM could not find is a create that says why it cannot be made', () => {
    const d = diff(
      [{ user: 'ghost', level: 'read', lookupError: 'no IAM user named "ghost"' }],
      [self]
    )
    expect(d.changes[0]?.blocked).toBe('no IAM user named "ghost"')
  })

  it.each([
    ['warn', 0, 'left as they are (on_drift: warn)', undefined],
    ['update', 1, undefined, undefined],
    ['fail', 0, undefined, '(on_drift: fail)']
  ] as const)('a user not listed under %s: %s deletes', (onDrift, deletes, warning, failure) => {
    const d = diff([], [self, entry('stranger', ID, 1)], onDrift)
    expect(d.changes.filter(c => c.action === 'delete')).toHaveLength(deletes)
    if (warning) expect(d.warning).toContain(warning)
    else expect(d.warning).toBeUndefined()
    if (failure) expect(d.failure).toContain(failure)
    else expect(d.failure).toBeUndefined()
  })
})
