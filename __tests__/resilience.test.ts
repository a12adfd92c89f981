// What the network and the service really do, injected into the emulator, against the bundle.
import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { errorsOf, runAction, visibleLog, type ActionRun } from './helpers/action.js'
import { baseInputs, emulatorPerTest, requests, type Emulator } from './helpers/emulator.js'

let emulator: Emulator
emulatorPerTest(started => (emulator = started))

const REPO = '/v2/manage/namespaces/group/repos/app'
const CREATE = '/v2/manage/namespaces/group/repos'

function expectCleanSuccess(run: ActionRun): void {
  expect(errorsOf(run)).toBe('')
  expect(run.stderr).toBe('')
  expect(run.exitCode).toBe(0)
  expect(run.outputs['path']).toBe('swr.cn-north-4.myhuaweicloud.com/group/app')
}

function expectCleanFailure(run: ActionRun, message: RegExp | string): void {
  expect(run.exitCode).toBe(1)
  // A clear message, never a stack trace or an unhandled rejection.
  expect(run.stderr).toBe('')
  expect(visibleLog(run)).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/)
  if (typeof message === 'string') expect(errorsOf(run)).toContain(message)
  else expect(errorsOf(run)).toMatch(message)
}

describe('transient faults are retried, then the run succeeds', () => {
  // Each row: a fault on the first read of the repository (an existing one), then success.
  const rows: [string, Parameters<Emulator['inject']>[0]][] = [
    ['connection reset', { kind: 'reset' }],
    ['hang until the request times out', { kind: 'hang' }],
    ['truncated body', { kind: 'truncate' }],
    ['empty body where JSON was expected', { kind: 'empty' }],
    [
      'truncated JSON with a complete length',
      { kind: 'status', status: 200, body: '{"name":"app","is_pu' }
    ],
    ['HTML page from a gateway (502)', { kind: 'html', status: 502 }],
    ['HTML page with status 200', { kind: 'html', status: 200 }],
    [
      '429 too many requests',
      {
        kind: 'status',
        status: 429,
        body: { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached' }
      }
    ],
    [
      '403 throttling',
      {
        kind: 'status',
        status: 403,
        body: {
          error_code: 'APIGW.0308',
          error_msg: 'The throttling threshold has been reached: policy user over ratelimit'
        }
      }
    ],
    [
      '500',
      {
        kind: 'status',
        status: 500,
        body: { errorCode: 'SVCSTG.SWR.5000000', errorMessage: 'internal' }
      }
    ],
    [
      '403 SVCSTG.SWR.4031032 (requests exceed the limit)',
      {
        kind: 'status',
        status: 403,
        body: { error_code: 'SVCSTG.SWR.4031032', error_msg: 'limit' }
      }
    ],
    [
      '403 SVCSTG.SWR.4031042 (too many requests)',
      { kind: 'status', status: 403, body: { error_code: 'SVCSTG.SWR.4031042', error_msg: 'busy' } }
    ],
    [
      'APIGW.0308 with a status other than 403 or 429',
      {
        kind: 'status',
        status: 400,
        body: { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached' }
      }
    ],
    ['502', { kind: 'status', status: 502, body: {} }],
    ['503', { kind: 'status', status: 503, body: {} }],
    ['504', { kind: 'status', status: 504, body: {} }]
  ]
  it.each(rows)('%s', async (_name, fault) => {
    emulator.addRepository('group', 'app')
    emulator.inject({ method: 'GET', path: REPO, times: 2, ...fault })
    const run = await runAction(baseInputs(emulator), { SWR_ACTION_TIMEOUT_MS: '300' })
    expectCleanSuccess(run)
    expect(requests(emulator)).toEqual([`GET ${REPO}`, `GET ${REPO}`, `GET ${REPO}`])
  })

  it('409 "system is busy" on creating the organization', async () => {
    emulator.inject({
      method: 'POST',
      path: '/v2/manage/namespaces',
      kind: 'status',
      status: 409,
      body: {
        errorCode: 'SVCSTG.SWR.4090023',
        errorMessage: 'The system is busy. Try again later.'
      }
    })
    const run = await runAction(baseInputs(emulator))
    expectCleanSuccess(run)
    expect(run.outputs['namespace_created']).toBe('true')
    expect(requests(emulator).filter(r => r === 'POST /v2/manage/namespaces')).toHaveLength(2)
  })

  it('409 "system is busy" on creating a repository is retried, not taken for "it exists"', async () => {
    emulator.addNamespace('group')
    emulator.inject({
      method: 'POST',
      path: '/v2/manage/namespaces/group/repos',
      kind: 'status',
      status: 409,
      times: 2,
      body: { error_code: 'SVCSTG.SWR.4090023', error_msg: 'The system is busy.' }
    })
    const run = await runAction(baseInputs(emulator))
    expectCleanSuccess(run)
    expect(run.outputs['created']).toBe('true')
    expect(requests(emulator).filter(r => r.startsWith('POST'))).toHaveLength(3)
    expect(emulator.repository('group', 'app')).toBeDefined()
  })

  it('honours Retry-After', async () => {
    emulator.addRepository('group', 'app')
    emulator.inject({
      method: 'GET',
      path: REPO,
      kind: 'status',
      status: 503,
      body: {},
      headers: { 'Retry-After': '1' }
    })
    const run = await runAction(baseInputs(emulator))
    expectCleanSuccess(run)
    const [first, second] = emulator.log
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950)
  })

  it("a create whose answer was lost is read back instead of repeated, and reported as this run's", async () => {
    emulator.addNamespace('group')
    emulator.inject({ method: 'POST', path: CREATE, kind: 'lose-answer' })
    const run = await runAction(baseInputs(emulator))
    expectCleanSuccess(run)
    // The read-back finds it, so the create is not sent again; the last GET reads its path.
    expect(emulator.log.map(e => `${e.method} ${e.status}`)).toEqual([
      'GET 404',
      'POST 201',
      'GET 200',
      'GET 200'
    ])
    expect(emulator.state.repositories.size).toBe(1)
    expect(run.outputs['created']).toBe('true')
    expect(run.stdout).toContain(
      'Repository "group/app": its answer was lost; a read shows the repository, so this run most likely created it'
    )
  })

  it('a repository that SWR does not show yet right after its creation is read again', async () => {
    emulator.settings.consistencyLagMs = 60
    const run = await runAction(baseInputs(emulator), { SWR_ACTION_RETRY_BASE_MS: '20' })
    expectCleanSuccess(run)
    const reads = emulator.log.filter(e => e.method === 'GET').map(e => e.status)
    expect(reads[0]).toBe(404)
    expect(reads.at(-1)).toBe(200)
    expect(reads.length).toBeGreaterThan(2)
  })
})

describe('faults that last end in a clear error naming the call', () => {
  it('a gateway that keeps answering with an HTML page', async () => {
    emulator.inject({ method: 'GET', path: REPO, times: 100, kind: 'html', status: 502 })
    const run = await runAction(baseInputs(emulator))
    expectCleanFailure(
      run,
      /read repository "group\/app" failed: HTTP 502: an HTML page titled "502 Bad Gateway" instead of an API answer \(request id [0-9a-f]+\) \(gave up after 6 attempts in [\d.]+ s\)/
    )
    expect(requests(emulator)).toHaveLength(6)
  })

  it('a service that keeps hanging', async () => {
    emulator.inject({ method: 'GET', path: REPO, times: 100, kind: 'hang' })
    const run = await runAction(baseInputs(emulator), {
      SWR_ACTION_TIMEOUT_MS: '150',
      SWR_ACTION_MAX_ATTEMPTS: '3'
    })
    expectCleanFailure(
      run,
      /read repository "group\/app" failed: No answer from http:\/\/127\.0\.0\.1:\d+ within 150 ms \(gave up after 3 attempts/
    )
    expect(requests(emulator)).toHaveLength(3)
  })

  it('a 200 whose body is never valid JSON', async () => {
    emulator.inject({
      method: 'GET',
      path: REPO,
      times: 100,
      kind: 'status',
      status: 200,
      body: '{"cut'
    })
    const run = await runAction(baseInputs(emulator), { SWR_ACTION_MAX_ATTEMPTS: '2' })
    expectCleanFailure(
      run,
      'read repository "group/app" failed: HTTP 200: the answer is not valid JSON: {"cut'
    )
  })

  it('a refused connection', async () => {
    const port = await new Promise<number>(resolve => {
      const server = createServer()
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number }
        server.close(() => resolve(port))
      })
    })
    const run = await runAction(baseInputs(emulator, { endpoint: `http://127.0.0.1:${port}` }))
    expectCleanFailure(
      run,
      /failed: Request to http:\/\/127\.0\.0\.1:\d+ failed: ECONNREFUSED .* \(gave up after 6 attempts/
    )
  })

  it('the total time budget stops retries before the attempts run out', async () => {
    emulator.inject({
      method: 'GET',
      path: REPO,
      times: 100,
      kind: 'status',
      status: 503,
      body: {},
      headers: { 'Retry-After': '5' }
    })
    const run = await runAction(baseInputs(emulator), { SWR_ACTION_RETRY_BUDGET_MS: '2000' })
    expectCleanFailure(run, /HTTP 503.*gave up after 1 attempt in/)
    expect(run.durationMs).toBeLessThan(4000)
  })
})

describe('answers that are not transient are not retried', () => {
  it.each([
    [
      400,
      { errorCode: 'SVCSTG.SWR.4001048', errorMessage: 'bad' },
      'HTTP 400 SVCSTG.SWR.4001048: bad'
    ],
    [
      401,
      { error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information' },
      'HTTP 401 APIGW.0301'
    ],
    [
      403,
      { errorCode: 'SVCSTG.SWR.4030000', errorMessage: 'Policy does not allow' },
      'HTTP 403 SVCSTG.SWR.4030000'
    ],
    [
      409,
      { errorCode: 'SVCSTG.SWR.4090999', errorMessage: 'conflict' },
      'HTTP 409 SVCSTG.SWR.4090999'
    ]
  ])('%i', async (status, body, message) => {
    emulator.inject({ method: 'GET', path: REPO, kind: 'status', status, body })
    const run = await runAction(baseInputs(emulator))
    expectCleanFailure(run, message)
    expect(requests(emulator)).toHaveLength(1)
  })
})

describe('a service that stays busy', () => {
  it('fails the create with its busy answer: a 409 that never reads as existing is not "exists"', async () => {
    emulator.addNamespace('group')
    emulator.inject({
      method: 'POST',
      path: '/v2/manage/namespaces/group/repos',
      kind: 'status',
      status: 409,
      times: 10,
      body: { error_code: 'SVCSTG.SWR.4090023', error_msg: 'The system is busy.' }
    })
    const run = await runAction(baseInputs(emulator), { SWR_ACTION_MAX_ATTEMPTS: '2' })
    expectCleanFailure(run, 'HTTP 409 SVCSTG.SWR.4090023')
    expect(errorsOf(run)).toContain('gave up after 2 attempts')
    expect(run.outputs['created']).not.toBe('true')
    expect(emulator.repository('group', 'app')).toBeUndefined()
  })
})

describe('races', () => {
  it('twenty runs at once create the organization and the repository once, and one says so', async () => {
    const runs = await Promise.all(
      Array.from({ length: 20 }, () => runAction(baseInputs(emulator)))
    )
    for (const run of runs) expectCleanSuccess(run)
    expect(runs.filter(r => r.outputs['created'] === 'true')).toHaveLength(1)
    expect(runs.filter(r => r.outputs['namespace_created'] === 'true')).toHaveLength(1)
    expect(emulator.state.namespaces.size).toBe(1)
    expect(emulator.state.repositories.size).toBe(1)
    const creates = emulator.log.filter(e => e.method === 'POST' && e.path === CREATE)
    expect(creates.filter(e => e.status === 201)).toHaveLength(1)
  })
})
