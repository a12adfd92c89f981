// ensure: absent with replicate_to: the auto-sync rules, the repository and its replicas, in
// that order, each in its own region. Run as a runner runs the bundle, through a CONNECT proxy
// so that the default regional endpoints are used (as in replication.test.ts).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { errorsOf, planOf, resultOf, runAction } from './helpers/action.js'
import { baseInputs, startEmulator, type Emulator } from './helpers/emulator.js'
import { makeTestCertificates } from '../test/support/tls.js'
import { startConnectProxy } from '../test/support/connect-proxy.js'

const SOURCE = 'swr-api.cn-north-4.myhuaweicloud.com'
const SINGAPORE = 'swr-api.ap-southeast-1.myhuaweicloud.com'
const tls = makeTestCertificates([SOURCE, SINGAPORE])
const REGISTRY = 'swr.cn-north-4.myhuaweicloud.com'

let emulator: Emulator
let proxy: Awaited<ReturnType<typeof startConnectProxy>>
beforeAll(async () => {
  emulator = await startEmulator({ tls: { key: tls.key, cert: tls.cert } })
  proxy = await startConnectProxy(emulator.httpsPort as number)
})
afterAll(async () => {
  await proxy.close()
  await emulator.close()
})
beforeEach(() => {
  emulator.clearState()
  emulator.resetLog()
})
afterEach(() => {
  emulator.clearFaults()
})

const run = (extra: Record<string, string>) =>
  runAction(
    { ...baseInputs(emulator, extra), endpoint: '' },
    { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: tls.caFile }
  )

interface Entry {
  repository: string
  action: string
  replication?: { region: string; namespace: string; path: string; action: string }[]
}

describe('ensure: absent with replicate_to', () => {
  it('deletes the auto-sync rules first, then the repository, then the replica in each target', async () => {
    emulator.addRepository('group', 'app', { num_images: 2 })
    emulator.addSyncRule('group', 'app', {
      remoteRegionId: 'ap-southeast-1',
      remoteNamespace: 'group'
    })
    emulator.inRegion('ap-southeast-1').addRepository('group', 'app', { num_images: 2 })
    const result = await run({ ensure: 'absent', replicate_to: 'ap-southeast-1' })
    expect(errorsOf(result)).toBe('')
    expect(emulator.log.map(e => `${e.region} ${e.method} ${e.rawPath}`)).toEqual([
      'cn-north-4 GET /v2/manage/namespaces/group/repos/app',
      'cn-north-4 GET /v2/manage/namespaces/group/repos/app/sync_repo',
      'ap-southeast-1 GET /v2/manage/namespaces/group/repos/app',
      'cn-north-4 DELETE /v2/manage/namespaces/group/repos/app/sync_repo',
      'cn-north-4 DELETE /v2/manage/namespaces/group/repos/app',
      'ap-southeast-1 DELETE /v2/manage/namespaces/group/repos/app'
    ])
    expect(emulator.syncRules('group', 'app')).toEqual([])
    expect(emulator.inRegion('ap-southeast-1').repository('group', 'app')).toBeUndefined()
    expect(emulator.inRegion('ap-southeast-1').namespace('group')).toBeDefined()
    expect(planOf(result.outputs).map(c => [c.resource, c.action, c.region ?? ''])).toEqual([
      ['replication', 'delete', ''],
      ['repository', 'delete', ''],
      ['repository', 'delete', 'ap-southeast-1']
    ])
    expect(resultOf<Entry>(result.outputs)[0]?.replication).toEqual([
      {
        region: 'ap-southeast-1',
        namespace: 'group',
        path: 'swr.ap-southeast-1.myhuaweicloud.com/group/app',
        action: 'removed'
      }
    ])
    expect(result.outputs['deleted']?.split('\n')).toEqual([
      `${REGISTRY}/group/app`,
      'swr.ap-southeast-1.myhuaweicloud.com/group/app'
    ])
  })

  it('deletes a replica left behind when the source is gone already', async () => {
    emulator.addNamespace('group')
    emulator.inRegion('ap-southeast-1').addRepository('group', 'app')
    const result = await run({ ensure: 'absent', replicate_to: 'ap-southeast-1' })
    expect(errorsOf(result)).toBe('')
    expect(resultOf<Entry>(result.outputs)[0]?.action).toBe('absent')
    expect(emulator.inRegion('ap-southeast-1').repository('group', 'app')).toBeUndefined()
  })

  it('prunes a repository with its auto-sync rule and its replica, and leaves the listed one and its replica', async () => {
    for (const name of ['app', 'app-pr-1']) {
      emulator.addRepository('group', name)
      emulator.addSyncRule('group', name, {
        remoteRegionId: 'ap-southeast-1',
        remoteNamespace: 'group'
      })
      emulator.inRegion('ap-southeast-1').addRepository('group', name)
    }
    const result = await run({
      repository: 'app',
      prune: 'app-pr-*',
      replicate_to: 'ap-southeast-1'
    })
    expect(errorsOf(result)).toBe('')
    expect(emulator.repository('group', 'app-pr-1')).toBeUndefined()
    expect(emulator.inRegion('ap-southeast-1').repository('group', 'app-pr-1')).toBeUndefined()
    expect(emulator.repository('group', 'app')).toBeDefined()
    expect(emulator.inRegion('ap-southeast-1').repository('group', 'app')).toBeDefined()
    expect(emulator.syncRules('group', 'app')).toHaveLength(1)
    expect(
      emulator.log.filter(e => e.method === 'DELETE').map(e => `${e.region} ${e.rawPath}`)
    ).toEqual([
      'cn-north-4 /v2/manage/namespaces/group/repos/app-pr-1/sync_repo',
      'cn-north-4 /v2/manage/namespaces/group/repos/app-pr-1',
      'ap-southeast-1 /v2/manage/namespaces/group/repos/app-pr-1'
    ])
    expect(result.outputs['replica_paths']).toBe('swr.ap-southeast-1.myhuaweicloud.com/group/app')
  })
})
