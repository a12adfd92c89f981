// The classes of failure the property-based convergence tests found (issue 23), each pinned by
// one case under the emulator variant that shows it, run as a runner runs the bundle.
import { afterEach, describe, expect, it } from 'vitest'
import { errorsOf, resultOf, runAction, warningsOf } from './helpers/action.js'
import { baseInputs, requests, startEmulator, writes, type Emulator } from './helpers/emulator.js'

let emulator: Emulator
afterEach(async () => {
  await emulator?.close()
})

const REGISTRY = 'swr.cn-north-4.myhuaweicloud.com'

describe('a batch into a new organization, where a create there is refused with 400 or 403', () => {
  it.each(['400-4001008', '403-4039001'] as const)(
    'under %s, a refused create whose organization read answers after this run created it is sent again, not reported',
    async refusal => {
      emulator = await startEmulator({
        variants: { createRepoInMissingOrg: refusal, readRepoInMissingOrg: 'repo-code' }
      })
      const names = ['web', 'api', 'worker', 'db']
      // The first read of the organization answers at once (missing: this run creates it); the
      // second is answered only after that create, as a slow answer would be.
      const organization = '/v2/manage/namespaces/group'
      emulator.inject({ method: 'GET', path: organization, kind: 'delay', delayMs: 0 })
      emulator.inject({ method: 'GET', path: organization, kind: 'delay', delayMs: 150 })
      const inputs = baseInputs(emulator, { repository: names.join('\n'), registry: REGISTRY })
      const run = await runAction(inputs)
      expect(errorsOf(run)).toBe('')
      expect(run.exitCode).toBe(0)
      expect(resultOf(run.outputs).map(r => [r['repository'], r['action']])).toEqual(
        names.map(name => [name, 'created'])
      )
      expect(requests(emulator).filter(r => r === 'POST /v2/manage/namespaces')).toHaveLength(1)
      expect(emulator.state.repositories.size).toBe(4)
      emulator.resetLog()
      expect((await runAction(inputs)).exitCode).toBe(0)
      expect(writes(emulator)).toEqual([])
    }
  )
})

describe('a write to a repository just created whose answer is lost, while SWR lags', () => {
  it('reads back whether the retention policy took effect once the repository shows, and creates exactly one', async () => {
    emulator = await startEmulator({ consistencyLagMs: 30 })
    emulator.addNamespace('group')
    emulator.inject({ method: 'POST', path: /\/retentions$/, kind: 'lose-answer' })
    const inputs = baseInputs(emulator, { registry: REGISTRY, retention_keep_last: '5' })
    const run = await runAction(inputs)
    expect(errorsOf(run)).toBe('')
    // The lost create was carried out while the repository did not show: it did not take effect.
    expect(emulator.log.find(e => e.fault === 'lose-answer')?.status).toBe(404)
    expect(emulator.retentions('group', 'app')).toHaveLength(1)
    emulator.resetLog()
    expect((await runAction(inputs)).exitCode).toBe(0)
    expect(writes(emulator)).toEqual([])
  })

  it('reads back whether the sharing took effect once the repository shows, and shares once', async () => {
    emulator = await startEmulator({ consistencyLagMs: 30, knownAccounts: ['partner-account'] })
    emulator.addNamespace('group')
    emulator.inject({ method: 'POST', path: /\/access-domains$/, kind: 'lose-answer' })
    const inputs = baseInputs(emulator, { registry: REGISTRY, share_with: 'partner-account' })
    const run = await runAction(inputs)
    expect(errorsOf(run)).toBe('')
    expect(emulator.sharing('group', 'app').map(s => s.access_domain)).toEqual(['partner-account'])
  })
})

describe('a repository holding two retention policies (the service keeps a second one)', () => {
  it('replaces one, keeps the other as it is, and the next run writes nothing', async () => {
    emulator = await startEmulator({ variants: { secondRetention: 'store' } })
    emulator.addRepository('group', 'app')
    const days = (n: string) => [{ template: 'date_rule', params: { days: n }, tag_selectors: [] }]
    const first = emulator.addRetention('group', 'app', days('30'))
    const second = emulator.addRetention('group', 'app', days('90'))
    const inputs = baseInputs(emulator, {
      registry: REGISTRY,
      retention_keep_last: '5',
      retention_keep_signatures: 'false'
    })
    const run = await runAction(inputs)
    expect(errorsOf(run)).toBe('')
    const wanted = { template: 'tag_rule', params: { num: '5' }, tag_selectors: [] }
    const after: { id: number; rules: unknown }[] = emulator.retentions('group', 'app')
    expect(after.map(p => p.id)).not.toContain(first.id)
    expect(after.find(p => p.id === second.id)?.rules).toEqual(days('90'))
    expect(after.map(p => p.rules)).toEqual([days('90'), [wanted]])
    for (let rerun = 1; rerun <= 2; rerun++) {
      emulator.resetLog()
      const again = await runAction(inputs)
      expect(again.exitCode).toBe(0)
      expect(writes(emulator)).toEqual([])
      expect(warningsOf(again)).toContain(`leaves policy ${second.id} as it is`)
    }
    expect(emulator.retentions('group', 'app')).toEqual(after)
  })
})
