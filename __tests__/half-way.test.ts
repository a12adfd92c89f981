// Requests that fail half-way, races and read-after-create lag: nothing is lost, duplicated or
// misreported. Against the bundle, as a runner runs it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { errorsOf, planOf, resultOf, runAction } from './helpers/action.js'
import { baseInputs, startEmulator, writes, type Emulator } from './helpers/emulator.js'

let emulator: Emulator
beforeEach(async () => {
  emulator = await startEmulator({ variants: { secondRetention: 'store' } })
})
afterEach(async () => {
  await emulator.close()
})

const REGISTRY = 'swr.cn-north-4.myhuaweicloud.com'
const REPO = '/v2/manage/namespaces/group/repos/app'
const notFound = {
  kind: 'status' as const,
  status: 404,
  body: { error_code: 'SVCSTG.SWR.4040010', error_msg: 'Repository not found' }
}
const keepTen = [{ template: 'tag_rule', params: { num: '10' }, tag_selectors: [] }]

describe('another run creates the repository between our read and our create', () => {
  it('is planned again from what is there: its retention policy is not doubled', async () => {
    emulator.addRepository('group', 'app')
    emulator.addRetention('group', 'app', keepTen)
    emulator.inject({ method: 'GET', path: REPO, ...notFound })
    const run = await runAction(
      baseInputs(emulator, {
        registry: REGISTRY,
        retention_keep_last: '10',
        retention_keep_signatures: 'false'
      })
    )
    expect(errorsOf(run)).toBe('')
    expect(run.outputs['created']).toBe('false')
    expect(resultOf(run.outputs)[0]).toMatchObject({ action: 'unchanged', retention: 'unchanged' })
    expect(emulator.retentions('group', 'app')).toHaveLength(1)
    expect(writes(emulator).map(e => `${e.method} ${e.path}`)).toEqual([
      'POST /v2/manage/namespaces/group/repos'
    ])
  })

  it('fails the repository when what is there drifts under on_drift: fail', async () => {
    emulator.addRepository('group', 'app', { is_public: true })
    emulator.inject({ method: 'GET', path: REPO, ...notFound })
    const run = await runAction(
      baseInputs(emulator, { registry: REGISTRY, is_public: 'false', on_drift: 'fail' })
    )
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain('differs from the inputs (on_drift: fail): is_public is true')
  })
})

describe('a create whose answer is lost', () => {
  it("while SWR does not show the repository yet: the 409 that follows is this run's own", async () => {
    emulator.addNamespace('group')
    emulator.settings.consistencyLagMs = 150
    emulator.inject({
      method: 'POST',
      path: '/v2/manage/namespaces/group/repos',
      kind: 'lose-answer'
    })
    const run = await runAction(baseInputs(emulator, { registry: REGISTRY }))
    expect(errorsOf(run)).toBe('')
    expect(run.outputs['created']).toBe('true')
    expect(run.stdout).toContain('its answer was lost')
    expect(run.stdout).not.toContain('created by another run')
    expect(emulator.state.repositories.size).toBe(1)
  })

  it('of the organization is read back, and the run reports it created it', async () => {
    emulator.inject({ method: 'POST', path: '/v2/manage/namespaces', kind: 'lose-answer' })
    const run = await runAction(baseInputs(emulator, { registry: REGISTRY }))
    expect(errorsOf(run)).toBe('')
    expect(run.outputs).toMatchObject({ namespace_created: 'true', created: 'true' })
    expect(emulator.log.map(e => `${e.method} ${e.path} ${e.status}`)).toEqual([
      `GET ${REPO} 404`,
      'POST /v2/manage/namespaces 201',
      'GET /v2/manage/namespaces/group 200',
      'POST /v2/manage/namespaces/group/repos 201'
    ])
  })
})

describe('read-after-create lag', () => {
  it('never breaks the retention policy created on a new repository', async () => {
    emulator.addNamespace('group')
    emulator.settings.consistencyLagMs = 150
    const run = await runAction(
      baseInputs(emulator, { registry: REGISTRY, retention_keep_last: '10' }),
      { SWR_ACTION_RETRY_BASE_MS: '60' }
    )
    expect(errorsOf(run)).toBe('')
    const posts = emulator.log.filter(e => e.method === 'POST' && e.path.endsWith('/retentions'))
    expect(posts.map(e => e.status)).toContain(404)
    expect(posts.at(-1)?.status).toBe(201)
    expect(emulator.retentions('group', 'app')).toHaveLength(1)
  })
})

describe('a read that fails after the repository was found', () => {
  it("keeps the repository's path and organization, and fails only that repository", async () => {
    emulator.addRepository('group', 'app')
    emulator.inject({
      method: 'GET',
      path: `${REPO}/retentions`,
      kind: 'status',
      status: 403,
      body: { error_code: 'SVCSTG.SWR.4039002', error_msg: 'no permission' }
    })
    const run = await runAction(
      baseInputs(emulator, { registry: REGISTRY, retention_keep_last: '3' })
    )
    expect(run.exitCode).toBe(1)
    expect(resultOf(run.outputs)[0]).toMatchObject({
      action: 'failed',
      path: `${REGISTRY}/group/app`
    })
    expect(run.outputs['paths']).toBe(`${REGISTRY}/group/app`)
    expect(run.summary).toContain('Organization `group`: exists.')
  })
})

describe('a retention policy replaced half-way', () => {
  it('says that the old policy is gone when the new one cannot be created', async () => {
    emulator.addRepository('group', 'app')
    emulator.addRetention('group', 'app', [
      { template: 'date_rule', params: { days: '30' }, tag_selectors: [] }
    ])
    emulator.inject({
      method: 'POST',
      path: `${REPO}/retentions`,
      kind: 'status',
      status: 400,
      body: { error_code: 'SVCSTG.SWR.4000014', error_msg: 'invalid rule' }
    })
    const run = await runAction(
      baseInputs(emulator, { registry: REGISTRY, retention_keep_last: '10' })
    )
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain('so the repository now has no retention policy')
    expect(planOf(run.outputs).map(c => c['action'])).toEqual(['replace'])
  })
})

describe('a retention policy delete whose answer is lost', () => {
  it('counts as done when its retry answers 400 4000306 (no such policy), and the replacement is made', async () => {
    emulator.addRepository('group', 'app')
    emulator.addRetention('group', 'app', [
      { template: 'date_rule', params: { days: '30' }, tag_selectors: [] }
    ])
    emulator.inject({ method: 'DELETE', path: /\/retentions\/\d+$/, kind: 'lose-answer' })
    const run = await runAction(
      baseInputs(emulator, { registry: REGISTRY, retention_keep_last: '10' })
    )
    expect(errorsOf(run)).toBe('')
    const deletes = emulator.log.filter(e => e.method === 'DELETE')
    expect(deletes.map(e => e.status)).toEqual([200, 400])
    expect(deletes[1]?.code).toBe('SVCSTG.SWR.4000306')
    const policies = emulator.retentions('group', 'app') as { rules: unknown[] }[]
    expect(policies).toHaveLength(1)
    expect(policies[0]?.rules).toEqual([
      expect.objectContaining({ template: 'tag_rule', params: { num: '10' } })
    ])
    expect(resultOf(run.outputs)[0]?.['retention']).toBe('replaced')
  })
})

describe('a repository whose path cannot be known', () => {
  it('fails with the remedy instead of an empty path', async () => {
    emulator.addRepository('group', 'app')
    emulator.inject({
      method: 'GET',
      path: REPO,
      kind: 'status',
      status: 200,
      body: { name: 'app', is_public: false, category: 'other', description: '' }
    })
    const run = await runAction(baseInputs(emulator))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain('cannot be derived from the endpoint: set input registry')
  })
})
