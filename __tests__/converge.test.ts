// read -> plan -> apply in-process, with the real client and transport against the emulator:
// it takes plain objects and never touches process.env or the runner.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Clients } from '../src/standard/apply.js'
import { converge, type ConvergeOptions } from '../src/standard/converge.js'
import { SwrPermissionClient } from '../src/swr/permission-client.js'
import { SwrAccessClient } from '../src/swr/access-client.js'
import { Api } from '../src/http/api.js'
import { signRequest } from '../src/http/signer.js'
import { Transport } from '../src/http/transport.js'
import type { Logger } from '../src/github/runner.js'
import { mapPool } from '../src/pool.js'
import type { Wanted } from '../src/resources/types.js'
import { SwrClient } from '../src/swr/client.js'
import { swrPolicy } from '../src/swr/errors.js'
import { startEmulator, type Emulator } from './helpers/emulator.js'
import { planOutput } from '../src/report.js'

let emulator: Emulator
let transport: Transport
const messages: string[] = []
const log: Logger = {
  info: m => messages.push(`info: ${m}`),
  warning: m => messages.push(`warning: ${m}`),
  debug: () => undefined,
  group: (_name, fn) => fn()
}

beforeEach(async () => {
  emulator = await startEmulator()
  transport = new Transport({ timeoutMs: 1000, maxSockets: 4, userAgent: 'test' })
  messages.length = 0
})
afterEach(async () => {
  transport.close()
  await emulator.close()
})

function client(e: Emulator): Clients {
  const keys = e.accounts.main
  const api = new Api({
    baseUrl: new URL(e.url),
    authorize: request => signRequest(request, keys),
    transport,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, budgetMs: 5000 },
    deadline: Date.now() + 10_000,
    policy: swrPolicy,
    debug: () => undefined
  })
  const swr = new SwrClient(api)
  return {
    swr,
    access: new SwrAccessClient(api),
    permissions: new SwrPermissionClient(api),
    inRegion: () => swr
  }
}

const wanted = (extra: Partial<Wanted> = {}): Wanted => ({
  namespace: 'group',
  repositories: ['app'],
  settings: {},
  onDrift: 'warn',
  ...extra
})
const options = (extra: Partial<ConvergeOptions> = {}): ConvergeOptions => ({
  dryRun: false,
  concurrency: 4,
  log,
  waiting: { sleep: async () => undefined, delays: [1, 2, 4, 8] },
  paths: {},
  onPlan: () => undefined,
  ...extra
})

describe('converge', () => {
  it('creates a batch in a new organization once, with at most one connection per concurrent request', async () => {
    const names = ['a', 'b', 'c', 'd', 'e']
    const report = await converge(
      wanted({ repositories: names }),
      client(emulator),
      options({ paths: { knownHost: 'r.example' } })
    )
    expect(report.organization).toBe('created')
    expect(report.repositories.map(r => r.path)).toEqual(names.map(n => `r.example/group/${n}`))
    expect(emulator.log.filter(e => e.path === '/v2/manage/namespaces')).toHaveLength(1)
    expect(transport.connections).toBeLessThanOrEqual(4)
    expect(messages).toContain('info: Organization "group": created')
  })

  it('reads the path back when the registry host is unknown', async () => {
    const report = await converge(wanted(), client(emulator), options())
    expect(report.repositories[0]?.path).toBe('swr.cn-north-4.myhuaweicloud.com/group/app')
    expect(emulator.log.at(-1)?.method).toBe('GET')
  })

  it('gives up on a repository that never shows after its creation, with a clear message', async () => {
    emulator.settings.consistencyLagMs = 60_000
    emulator.addNamespace('group')
    const report = await converge(wanted(), client(emulator), options())
    expect(report.repositories[0]).toMatchObject({
      action: 'failed',
      created: true,
      error:
        'read repository "group/app" failed: it still reads as missing after it was created (5 reads)'
    })
  })

  it('shows the plan before any write, and a dry run stops there with the same changes', async () => {
    const writesWhenShown: number[] = []
    const onPlan = () => writesWhenShown.push(emulator.log.filter(e => e.method !== 'GET').length)
    const dry = await converge(wanted(), client(emulator), options({ dryRun: true, onPlan }))
    expect(dry.changes.map(c => c.outcome)).toEqual(['planned', 'planned'])
    expect(emulator.log.every(e => e.method === 'GET')).toBe(true)
    const real = await converge(wanted(), client(emulator), options({ onPlan }))
    expect(real.changes.map(c => c.outcome)).toEqual(['done', 'done'])
    expect(planOutput(real.changes)).toEqual(planOutput(dry.changes))
    expect(writesWhenShown).toEqual([0, 0])
  })
})

describe('mapPool', () => {
  it('keeps the order of the items and never runs more than the limit at once', async () => {
    let running = 0
    let most = 0
    const out = await mapPool([30, 5, 20, 1, 10, 2, 8], 3, async ms => {
      running++
      most = Math.max(most, running)
      await new Promise(r => setTimeout(r, ms))
      running--
      return ms * 2
    })
    expect(out).toEqual([60, 10, 40, 2, 20, 4, 16])
    expect(most).toBe(3)
  })
})
