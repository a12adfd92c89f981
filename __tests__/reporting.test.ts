// What a run tells the user when part of it fails, when it is slow, and when it is asked to
// say more: against the bundle, as a runner runs it.
import { describe, expect, it } from 'vitest'
import { errorsOf, resultOf, runAction, visibleLog, warningsOf } from './helpers/action.js'
import { baseInputs, emulatorPerTest, requests, type Emulator } from './helpers/emulator.js'

let emulator: Emulator
emulatorPerTest(started => (emulator = started))

const REGISTRY = 'swr.cn-north-4.myhuaweicloud.com'
const CREATE = '/v2/manage/namespaces/group/repos'
type Entry = { repository: string; path: string; action: string }

describe('a batch that fails in part', () => {
  it('keeps the order given in paths and result, leaving out of paths what does not exist', async () => {
    emulator.addNamespace('group')
    emulator.addRepository('group', 'kept')
    emulator.inject({
      method: 'POST',
      path: CREATE,
      kind: 'status',
      status: 400,
      body: { error_code: 'SVCSTG.SWR.4001029', error_msg: 'invalid repository name' }
    })
    const run = await runAction(
      baseInputs(emulator, { repository: 'broken\nkept', registry: REGISTRY }),
      { SWR_ACTION_MAX_ATTEMPTS: '1' }
    )
    expect(run.exitCode).toBe(1)
    expect(resultOf<Entry>(run.outputs).map(r => [r.repository, r.action, r.path])).toEqual([
      ['broken', 'failed', ''],
      ['kept', 'unchanged', `${REGISTRY}/group/kept`]
    ])
    expect(run.outputs['paths']).toBe(`${REGISTRY}/group/kept`)
    expect(run.outputs['path']).toBe('')
    expect(run.outputs['registry']).toBe(REGISTRY)
  })

  it('writes the job summary even when the docker login that follows fails', async () => {
    emulator.inject({
      method: 'POST',
      path: '/v2/manage/utils/secret',
      kind: 'status',
      status: 400,
      body: { error_code: 'SVCSTG.SWR.4000014', error_msg: 'bad' }
    })
    const { sts } = emulator
    const run = await runAction(
      baseInputs(emulator, {
        registry: REGISTRY,
        docker_login_outputs: 'true',
        access_key_id: sts.accessKeyId,
        secret_access_key: sts.secretAccessKey,
        security_token: sts.securityToken
      })
    )
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain('get a temporary docker login failed: HTTP 400')
    expect(run.summary).toContain(
      '| `app` | `swr.cn-north-4.myhuaweicloud.com/group/app` | created |'
    )
    expect(run.outputs['path']).toBe(`${REGISTRY}/group/app`)
  })
})

describe('a long batch', () => {
  const names = Array.from({ length: 24 }, (_, i) => `svc-${String(i).padStart(2, '0')}`)

  it('has a short group title and logs one line per repository in the order given', async () => {
    emulator.addNamespace('group')
    // The first create answers last, so that completion order differs from the order given.
    emulator.inject({ method: 'POST', path: CREATE, kind: 'delay', delayMs: 150 })
    const run = await runAction(
      baseInputs(emulator, { repository: names.join('\n'), registry: REGISTRY })
    )
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('::group::Ensure 24 repositories exist in group\n')
    const lines = run.stdout.split('\n').filter(l => l.startsWith('Repository "group/'))
    expect(lines.map(l => /"group\/(svc-\d+)"/.exec(l)?.[1])).toEqual(names)
  })
})

describe('a repository named twice', () => {
  it('is handled once and reported', async () => {
    const run = await runAction(
      baseInputs(emulator, { repository: 'web\napi\nweb', registry: REGISTRY })
    )
    expect(run.exitCode).toBe(0)
    expect(warningsOf(run)).toContain(
      'Input "repository" names "web" more than once; it is handled once.'
    )
    expect(resultOf<Entry>(run.outputs).map(r => r.repository)).toEqual(['web', 'api'])
  })
})

describe('deadlines', () => {
  it('cut off an answer that drips, although bytes keep arriving', async () => {
    emulator.addRepository('group', 'app')
    emulator.inject({ method: 'GET', kind: 'drip', intervalMs: 100, times: 10 })
    const run = await runAction(baseInputs(emulator), {
      SWR_ACTION_TIMEOUT_MS: '400',
      SWR_ACTION_MAX_ATTEMPTS: '2'
    })
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toMatch(
      /No answer from http:\/\/127\.0\.0\.1:\d+ within 400 ms \(gave up after 2 attempts/
    )
    expect(run.durationMs).toBeLessThan(5000)
  })

  it('refuse a zero timeout before any request, naming the variable', async () => {
    const run = await runAction(baseInputs(emulator), { SWR_ACTION_TIMEOUT_MS: '0' })
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain('Variable "SWR_ACTION_TIMEOUT_MS" is "0"')
    expect(emulator.log).toHaveLength(0)
  })

  it('keep retries within the run budget, across calls', async () => {
    // The read takes 1 s of a 2 s budget; the create's retries get only what is left. With a
    // budget per call, they would go on until 3 s.
    emulator.addNamespace('group')
    emulator.inject({ method: 'GET', kind: 'delay', delayMs: 1000 })
    emulator.inject({ method: 'POST', kind: 'status', status: 503, body: {}, times: 1000 })
    const run = await runAction(baseInputs(emulator), {
      SWR_ACTION_RETRY_BUDGET_MS: '2000',
      SWR_ACTION_MAX_ATTEMPTS: '100',
      SWR_ACTION_RETRY_BASE_MS: '50',
      SWR_ACTION_RETRY_MAX_MS: '50'
    })
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toMatch(/create repository "group\/app" failed/)
    const posts = emulator.log.filter(e => e.method === 'POST').map(e => e.at)
    expect(posts.length).toBeGreaterThan(1)
    expect(Math.max(...posts) - (emulator.log[0]?.at ?? 0)).toBeLessThan(2500)
  })
})

describe('debug logging', () => {
  it('is off without RUNNER_DEBUG, and lists each request with it', async () => {
    const quiet = await runAction(baseInputs(emulator))
    expect(quiet.stdout).not.toContain('::debug::')
    const loud = await runAction(baseInputs(emulator, { repository: 'other' }), {
      RUNNER_DEBUG: '1'
    })
    expect(loud.stdout).toMatch(
      /::debug::GET \/v2\/manage\/namespaces\/group\/repos\/other -> 404 in \d+ ms/
    )
  })
})

describe('the plan in the log', () => {
  it('is shown before it is applied, one line per change', async () => {
    const run = await runAction(baseInputs(emulator, { registry: REGISTRY }))
    const log = visibleLog(run)
    expect(log).toContain(
      'Plan: 2 changes:\n  + Create organization group: the organization does not exist, and a repository is to be created in it\n  + Create repository group/app: the repository does not exist'
    )
    expect(log.indexOf('Plan: 2 changes:')).toBeLessThan(
      log.indexOf('Organization "group": created')
    )
    expect(requests(emulator)).toHaveLength(3)
  })
})

describe('retention and signatures', () => {
  const selectorsOf = (e: Emulator) =>
    (e.retentions('group', 'app') as { rules: { tag_selectors: { pattern: string }[] }[] }[]).map(
      p => p.rules[0]?.tag_selectors.map(t => t.pattern)
    )

  it('keeps signature, attestation and SBOM tags by default, and lets them go when told', async () => {
    await runAction(baseInputs(emulator, { registry: REGISTRY, retention_keep_last: '5' }))
    expect(selectorsOf(emulator)).toEqual([['^sha256-', '\\.(sig|att|sbom)$']])
    const off = await runAction(
      baseInputs(emulator, {
        registry: REGISTRY,
        retention_keep_last: '5',
        retention_keep_signatures: 'false'
      })
    )
    expect(resultOf<{ retention: string }>(off.outputs)[0]?.retention).toBe('updated')
    expect(selectorsOf(emulator)).toEqual([[]])
  })
})

describe('a region masked by huaweicloud/auth-action', () => {
  it('is detected when the region comes from HUAWEI_CLOUD_REGION, with the remedy', async () => {
    const fromEnvironment = await runAction(baseInputs(emulator, { region: '' }), {
      HUAWEI_CLOUD_REGION: 'cn-north-4'
    })
    expect(warningsOf(fromEnvironment)).toContain(
      'The region (cn-north-4) comes from HUAWEI_CLOUD_REGION, which huaweicloud/auth-action registers as a secret'
    )
    const given = await runAction(baseInputs(emulator, { repository: 'other' }))
    expect(warningsOf(given)).not.toContain('HUAWEI_CLOUD_REGION')
  })
})
