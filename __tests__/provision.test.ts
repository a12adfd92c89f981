// The provisioning logic in-process, with the real client and transport against the emulator:
// it takes a plain plan object and never touches process.env or the runner.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Api, SwrClient } from '../src/swr/client.js'
import { mapPool, provision, retentionRules, type ProvisionPlan } from '../src/provision.js'
import { renderSummary } from '../src/github/summary.js'
import { signRequest } from '../src/http/signer.js'
import { Transport } from '../src/http/transport.js'
import type { Logger } from '../src/github/runner.js'
import { startEmulator, type Emulator } from './helpers/emulator.js'

let emulator: Emulator
let transport: Transport
const messages: string[] = []
const log: Logger = {
  info: m => messages.push(`info: ${m}`),
  warning: m => messages.push(`warning: ${m}`),
  debug: m => messages.push(`debug: ${m}`),
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

function client(e: Emulator): SwrClient {
  const keys = e.accounts.main
  return new SwrClient(
    new Api({
      baseUrl: new URL(e.url),
      authorize: request => signRequest(request, keys),
      transport,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, budgetMs: 5000 },
      log
    })
  )
}

const plan = (extra: Partial<ProvisionPlan> = {}): ProvisionPlan => ({
  namespace: 'group',
  repositories: ['app'],
  settings: { is_public: false, category: 'other', description: '' },
  onDrift: 'warn',
  dryRun: false,
  concurrency: 4,
  consistencyDelayMs: 1,
  ...extra
})
const noSleep = async () => undefined

describe('provision', () => {
  it('creates a batch in a new organization once, with one connection per concurrent request', async () => {
    const result = await provision(
      plan({ repositories: ['a', 'b', 'c', 'd', 'e'], registry: 'r.example' }),
      client(emulator),
      log,
      noSleep
    )
    expect(result.namespaceAction).toBe('created')
    expect(result.repositories.map(r => r.path)).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map(n => `r.example/group/${n}`)
    )
    expect(emulator.log.filter(e => e.path === '/v2/manage/namespaces')).toHaveLength(1)
    expect(transport.connections).toBeLessThanOrEqual(4)
    expect(messages).toContain('info: Organization "group": created')
  })

  it('reads the path back when the registry is unknown', async () => {
    const result = await provision(plan(), client(emulator), log, noSleep)
    expect(result.repositories[0]?.path).toBe('swr.cn-north-4.myhuaweicloud.com/group/app')
    expect(emulator.log.at(-1)?.method).toBe('GET')
  })

  it('gives up on a repository that never appears after its creation, with a clear message', async () => {
    emulator.settings.consistencyLagMs = 60_000
    const result = await provision(plan(), client(emulator), log, noSleep)
    expect(result.repositories[0]).toMatchObject({
      action: 'failed',
      error:
        'read repository "group/app" failed: it still reads as missing after it was created (5 reads)'
    })
  })

  it('summarises every repository in one table', async () => {
    emulator.addRepository('group', 'old', { is_public: true, category: 'lang' })
    const p = plan({ repositories: ['old', 'new'], registry: 'r.example' })
    const result = await provision(p, client(emulator), log, noSleep)
    const summary = renderSummary(p, result)
    expect(summary).toContain(
      '| `old` | `swr.cn-north-4.myhuaweicloud.com/group/old` | unchanged | public, lang | — | is_public: true → false<br>category: lang → other |'
    )
    expect(summary).toContain(
      '| `new` | `r.example/group/new` | created | private, other | — | — |'
    )
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

describe('retentionRules', () => {
  it('maps keep_days to a date rule with its exceptions', () => {
    expect(
      retentionRules({ keepDays: 7, exceptions: [{ kind: 'label', pattern: 'stable' }] })
    ).toEqual([
      {
        template: 'date_rule',
        params: { days: '7' },
        tag_selectors: [{ kind: 'label', pattern: 'stable' }]
      }
    ])
  })
})
