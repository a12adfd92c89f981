// The inputs a new user gets wrong, run as a runner runs the bundle: a list written with commas,
// a tag no image could carry, a name in the wrong case, and the credential inputs of other
// Huawei Cloud actions. What is accepted reaches the emulator as meant; what is refused is
// refused before any request, with an error that names the input, the value and the rule.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { errorsOf, runAction, visibleLog } from './helpers/action.js'
import { baseInputs, startEmulator, type Emulator } from './helpers/emulator.js'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(async () => {
  await emulator.close()
})
beforeEach(() => {
  emulator.clearState()
  emulator.resetLog()
})

/** A run refused before any request: exit 1, its one error, and no request made. */
async function refused(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const run = await runAction(inputs, env)
  expect(run.exitCode).toBe(1)
  expect(emulator.log).toEqual([])
  return { run, error: errorsOf(run) }
}

describe('retention_exceptions', () => {
  it('"latest, stable" keeps both tags: each is its own label selector in the policy', async () => {
    const run = await runAction(
      baseInputs(emulator, {
        retention_keep_last: '10',
        retention_keep_signatures: 'false',
        retention_exceptions: 'latest, stable'
      })
    )
    expect(errorsOf(run)).toBe('')
    expect(emulator.retentions('group', 'app').map((p: { rules: unknown[] }) => p.rules)).toEqual([
      [
        {
          template: 'tag_rule',
          params: { num: '10' },
          tag_selectors: [
            { kind: 'label', pattern: 'latest' },
            { kind: 'label', pattern: 'stable' }
          ]
        }
      ]
    ])
  })

  it('an entry no tag could be ("env=prod") is named with the rule, and nothing is sent', async () => {
    const { error } = await refused(
      baseInputs(emulator, { retention_keep_last: '10', retention_exceptions: 'latest,env=prod' })
    )
    expect(error).toBe(
      'Input "retention_exceptions" has the entry "env=prod": "=" at position 4 is not allowed; it must be a tag (at most 128 letters, digits, "_", "." and "-", not starting with "." or "-"), or a regular expression after "re:", such as "re:^v[0-9]+".'
    )
  })
})

describe('share_with', () => {
  it('comma-separated accounts are each shared', async () => {
    emulator.knownAccounts.add('partner-one')
    emulator.knownAccounts.add('partner-two')
    const run = await runAction(
      baseInputs(emulator, { share_with: 'partner-one, partner-two until 2099-06-30' })
    )
    expect(errorsOf(run)).toBe('')
    expect(
      emulator
        .sharing('group', 'app')
        .map((s: { access_domain: string; deadline: string }) => [
          s.access_domain,
          s.deadline.slice(0, 10)
        ])
    ).toEqual([
      ['partner-one', 'forever'],
      ['partner-two', '2099-06-30']
    ])
  })

  it('a bad entry among several is named on its own, and nothing is sent', async () => {
    const { error } = await refused(baseInputs(emulator, { share_with: 'partner-one,ab' }))
    expect(error).toBe(
      'Input "share_with" has the entry "ab": the account name must be 6-32 characters: letters, digits, "-" and "_", starting with a letter (the rule of Huawei Cloud account names).'
    )
  })
})

describe('names', () => {
  it('an uppercase namespace is answered with the lowercase name to use', async () => {
    const { error } = await refused(baseInputs(emulator, { namespace: 'My-Group' }))
    expect(error).toContain(
      'Input "namespace" is "My-Group": "M" at position 1 and "G" at position 4 are uppercase (names are lowercase; use "my-group"); it must be 1-64 characters'
    )
  })

  it('a repository with a character not allowed says which one and where', async () => {
    const { error } = await refused(baseInputs(emulator, { repository: 'team/app:latest' }))
    expect(error).toContain(
      'Input "repository" is "team/app:latest": ":" at position 9 is not allowed; it must be 1-128 characters'
    )
  })
})

describe('credential inputs of other Huawei Cloud actions', () => {
  const SECRET = 'SK-given-under-the-wrong-name'
  const noKeys = () => baseInputs(emulator, { access_key_id: '', secret_access_key: '' })

  it.each([
    ['huaweicloud/swr-login', 'access-key-id', 'access-key-secret'],
    ['huaweicloud/auth-action', 'access_key', 'secret_key']
  ])(
    'as %s names them: the error names the inputs meant, and the secret is masked',
    async (_, ak, sk) => {
      const { run, error } = await refused(noKeys(), {
        [`INPUT_${ak.toUpperCase()}`]: 'AK-given-under-the-wrong-name',
        [`INPUT_${sk.toUpperCase()}`]: SECRET
      })
      expect(error).toContain(
        `"${ak}" and "${sk}" are not inputs of this action; did you mean "access_key_id" and "secret_access_key"?`
      )
      expect(run.stdout).toContain(`::add-mask::${SECRET}`)
      expect(visibleLog(run)).not.toContain(SECRET)
      expect(run.stderr).not.toContain(SECRET)
    }
  )
})
