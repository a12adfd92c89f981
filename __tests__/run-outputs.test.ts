// The `changed` and `docker_login_expires_at` outputs, against the bundle: whether the run
// wrote anything (or, in a dry run, would), and when a temporary docker login expires.
import { describe, expect, it } from 'vitest'
import { errorsOf, runAction, visibleLog, warningsOf } from './helpers/action.js'
import { baseInputs, emulatorPerTest, writes, type Emulator } from './helpers/emulator.js'
import { eeInputs, startWithInstance } from './helpers/enterprise.js'

let emulator: Emulator
emulatorPerTest(started => (emulator = started))

const REGISTRY = 'swr.cn-north-4.myhuaweicloud.com'
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/

describe('changed', () => {
  it('is true when the run creates, false when a re-run finds everything in place', async () => {
    const first = await runAction(baseInputs(emulator, { registry: REGISTRY }))
    expect(errorsOf(first)).toBe('')
    expect(first.outputs['changed']).toBe('true')
    emulator.resetLog()
    const again = await runAction(baseInputs(emulator, { registry: REGISTRY }))
    expect(again.outputs['changed']).toBe('false')
    expect(writes(emulator)).toEqual([])
  })

  it('is true when only a retention policy is written to an existing repository', async () => {
    emulator.addNamespace('group')
    emulator.addRepository('group', 'app')
    const run = await runAction(
      baseInputs(emulator, { registry: REGISTRY, retention_keep_last: '5' })
    )
    expect(errorsOf(run)).toBe('')
    expect(run.outputs['created']).toBe('false')
    expect(run.outputs['changed']).toBe('true')
  })

  it('in a dry run: true when the run would write, false when it would not, and nothing is written', async () => {
    const would = await runAction(baseInputs(emulator, { registry: REGISTRY, dry_run: 'true' }))
    expect(would.outputs['changed']).toBe('true')
    expect(writes(emulator)).toEqual([])
    emulator.addNamespace('group')
    emulator.addRepository('group', 'app')
    const nothing = await runAction(baseInputs(emulator, { registry: REGISTRY, dry_run: 'true' }))
    expect(nothing.outputs['changed']).toBe('false')
  })

  it('is false when the only create is one another run made first', async () => {
    emulator.addNamespace('group')
    // The read says absent; the create then answers 409: another run made it meanwhile.
    emulator.inject({
      method: 'GET',
      path: '/v2/manage/namespaces/group/repos/app',
      kind: 'status',
      status: 404,
      body: { error_code: 'SVCSTG.SWR.4040010', error_msg: 'The image does not exist' }
    })
    emulator.addRepository('group', 'app')
    const run = await runAction(baseInputs(emulator, { registry: REGISTRY }))
    expect(errorsOf(run)).toBe('')
    expect(run.outputs['created']).toBe('false')
    expect(run.outputs['changed']).toBe('false')
  })

  it('Enterprise Edition: true when the namespace is created, false when the first push is left to create the repository', async () => {
    const ee = await startWithInstance()
    try {
      const created = await runAction(eeInputs(ee, { namespace: 'team' }))
      expect(errorsOf(created)).toBe('')
      expect(created.outputs['changed']).toBe('true')
      const pending = await runAction(eeInputs(ee, { namespace: 'team', repository: 'other' }))
      expect(errorsOf(pending)).toBe('')
      expect(pending.outputs['changed']).toBe('false')
      const dry = await runAction(eeInputs(ee, { namespace: 'next', dry_run: 'true' }))
      expect(dry.outputs['changed']).toBe('true')
    } finally {
      await ee.close()
    }
  })
})

describe('docker_login_expires_at', () => {
  const temporaryKeys = (e: Emulator, extra: Record<string, string> = {}) =>
    baseInputs(e, {
      access_key_id: e.sts.accessKeyId,
      secret_access_key: e.sts.secretAccessKey,
      security_token: e.sts.securityToken,
      docker_login_outputs: 'true',
      ...extra
    })

  it("is the temporary login's X-Swr-Expireat, in ISO 8601 UTC to the second", async () => {
    const before = Date.now()
    const run = await runAction(temporaryKeys(emulator))
    expect(errorsOf(run)).toBe('')
    const expiresAt = run.outputs['docker_login_expires_at'] ?? ''
    expect(expiresAt).toMatch(ISO_UTC)
    // The emulator's login lasts 24 hours from its answer.
    const at = Date.parse(expiresAt)
    expect(at).toBeGreaterThan(before + 24 * 3600_000 - 2000)
    expect(at).toBeLessThanOrEqual(Date.now() + 24 * 3600_000)
    expect(visibleLog(run)).toContain(`valid until ${expiresAt}`)
    expect(warningsOf(run)).toBe('')
  })

  it('is empty for the long-term login of long-term keys', async () => {
    const run = await runAction(baseInputs(emulator, { docker_login_outputs: 'true' }))
    expect(errorsOf(run)).toBe('')
    expect(run.outputs['docker_login_expires_at']).toBe('')
    expect(warningsOf(run)).toBe('')
  })

  it.each([
    ['not a date', 'tomorrow', 'is not an ISO 8601 date'],
    ['without a time zone', '2099-01-01T00:00:00', 'is not an ISO 8601 date'],
    ['in the past', '2001-01-01T00:00:00Z', 'is in the past'],
    ['years ahead', '2999-01-01T00:00:00Z', 'more than 7 days ahead'],
    ['absent', undefined, 'sent no X-Swr-Expireat header']
  ])('is empty, with a warning, when the header is %s', async (_, header, words) => {
    const auth = Buffer.from('cn-north-4@TMPLOGIN:secret-password').toString('base64')
    emulator.inject({
      method: 'POST',
      path: '/v2/manage/utils/secret',
      kind: 'status',
      status: 200,
      body: { auths: { [REGISTRY]: { auth } } },
      ...(header !== undefined ? { headers: { 'X-Swr-Expireat': header } } : {})
    })
    const run = await runAction(temporaryKeys(emulator))
    expect(errorsOf(run)).toBe('')
    expect(run.outputs['docker_username']).toBe('cn-north-4@TMPLOGIN')
    expect(run.outputs['docker_login_expires_at']).toBe('')
    expect(warningsOf(run)).toContain(words)
    expect(warningsOf(run)).toContain('docker_login_expires_at is left empty')
  })
})
