// Several repositories in one step, the drift policy, dry runs and retention rules, against the
// bundled action.
import { beforeEach, describe, expect, it } from 'vitest'
import { errorTitles, errorsOf, resultOf, runAction, warningsOf } from './helpers/action.js'
import { baseInputs, emulatorPerTest, requests, writes, type Emulator } from './helpers/emulator.js'

let emulator: Emulator
emulatorPerTest(started => (emulator = started))

const REGISTRY = 'swr.cn-north-4.myhuaweicloud.com'

interface ResultEntry {
  repository: string
  path: string
  action: string
  created: boolean
  updated: boolean
  settings?: { is_public: boolean; category: string; description: string }
  drift: { setting: string; actual: unknown; wanted: unknown }[]
  retention?: string
  error?: string
}

describe('several repositories in one step', () => {
  it('ensures the organization once and keeps the order given in every output', async () => {
    const names = ['web', 'api', 'team/worker', 'db', 'cache', 'proxy']
    emulator.settings.latencyMs = 5
    const run = await runAction(
      baseInputs(emulator, { repository: 'web\napi, team/worker\n db,cache,proxy' })
    )
    expect(errorsOf(run)).toBe('')
    const paths = names.map(n => `${REGISTRY}/group/${n}`)
    expect(run.outputs['path']).toBe(paths[0])
    expect(run.outputs['paths']).toBe(paths.join('\n'))
    expect(
      resultOf<ResultEntry>(run.outputs).map(r => [r.repository, r.path, r.action, r.created])
    ).toEqual(names.map((n, i) => [n, paths[i], 'created', true]))
    expect(run.outputs['namespace_created']).toBe('true')
    expect(requests(emulator).filter(r => r === 'POST /v2/manage/namespaces')).toHaveLength(1)
    expect(emulator.state.repositories.size).toBe(6)
  })

  it('reads a batch with one list of the organization, then creates N new repositories with N requests', async () => {
    emulator.addNamespace('group')
    emulator.addRepository('group', 'svc-0', { category: 'linux' })
    // The list matches fuzzily: a look-alike organization and name must not count.
    emulator.addRepository('group2', 'svc-1')
    emulator.addRepository('group', 'svc-10')
    const names = Array.from({ length: 10 }, (_, i) => `svc-${i}`)
    const run = await runAction(
      baseInputs(emulator, { repository: names.join('\n'), registry: REGISTRY })
    )
    expect(run.exitCode).toBe(0)
    expect(requests(emulator)[0]).toBe('GET /v2/manage/repos?namespace=group&limit=1000&offset=0')
    expect(
      requests(emulator)
        .slice(1)
        .every(r => r === 'POST /v2/manage/namespaces/group/repos')
    ).toBe(true)
    expect(requests(emulator)).toHaveLength(10)
    expect(resultOf<ResultEntry>(run.outputs).map(r => r.action)).toEqual([
      'unchanged',
      ...Array(9).fill('created')
    ])
    expect(new Set(emulator.log.map(e => e.connection)).size).toBeLessThanOrEqual(8)
  })

  it('reads up to two repositories one by one, where a list would save nothing', async () => {
    emulator.addNamespace('group')
    await runAction(baseInputs(emulator, { repository: 'a\nb', registry: REGISTRY }))
    expect(
      requests(emulator)
        .filter(r => r.startsWith('GET'))
        .sort()
    ).toEqual([
      'GET /v2/manage/namespaces/group/repos/a',
      'GET /v2/manage/namespaces/group/repos/b'
    ])
  })

  // A re-run of N existing repositories costs at most min(N + 1, pages + 1) requests: the list's
  // first page, then the rest of its pages or the unseen repositories one by one, whichever is
  // fewer. The batch names the organization's last repositories, on its last page.
  it.each([
    [200, 3001, 4, 'every page: 4 pages, fewer than 200 reads'],
    [5, 3001, 4, 'every page: 3 more pages, fewer than 5 reads'],
    [3, 5001, 4, 'the first page, then 3 reads: fewer than 5 more pages'],
    [200, 200, 1, 'one page'],
    [3, 10, 1, 'one page'],
    [2, 10, 2, 'one read each']
  ])(
    'a re-run of %i existing repositories in an organization of %i costs %i requests (%s)',
    async (n, size, cost) => {
      emulator.addNamespace('group')
      const names = Array.from({ length: size }, (_, i) => `svc-${i}`)
      for (const name of names) emulator.addRepository('group', name)
      const batch = names.slice(size - n)
      const run = await runAction(
        baseInputs(emulator, { repository: batch.join('\n'), registry: REGISTRY })
      )
      expect(errorsOf(run)).toBe('')
      expect(resultOf<ResultEntry>(run.outputs).map(r => r.action)).toEqual(
        batch.map(() => 'unchanged')
      )
      expect(requests(emulator)).toHaveLength(cost)
      expect(cost).toBeLessThanOrEqual(Math.min(n + 1, Math.ceil(size / 1000) + 1))
      expect(writes(emulator)).toEqual([])
    }
  )

  it('a batch of which some are on the first page and the rest are few reads only those', async () => {
    emulator.addNamespace('group')
    const names = Array.from({ length: 3001 }, (_, i) => `svc-${i}`)
    for (const name of names) emulator.addRepository('group', name)
    const run = await runAction(
      baseInputs(emulator, {
        repository: ['svc-0', 'svc-1', 'svc-2', 'svc-2999', 'svc-new'].join('\n'),
        registry: REGISTRY
      })
    )
    expect(errorsOf(run)).toBe('')
    expect(requests(emulator)).toEqual([
      'GET /v2/manage/repos?namespace=group&limit=1000&offset=0',
      'GET /v2/manage/namespaces/group/repos/svc-2999',
      'GET /v2/manage/namespaces/group/repos/svc-new',
      'POST /v2/manage/namespaces/group/repos'
    ])
    expect(resultOf<ResultEntry>(run.outputs).map(r => r.action)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'created'
    ])
  })

  it('a page after the first that fails leaves the repositories it would have shown to be read one by one', async () => {
    emulator.addNamespace('group')
    const names = Array.from({ length: 3001 }, (_, i) => `svc-${i}`)
    for (const name of names) emulator.addRepository('group', name)
    emulator.inject({
      method: 'GET',
      path: '/v2/manage/repos',
      query: /offset=2000/,
      kind: 'status',
      status: 500,
      body: { error_code: 'SVCSTG.SWR.5000001', error_msg: 'internal error' }
    })
    const batch = [...names.slice(1000, 1002), ...names.slice(2000, 2002)]
    const run = await runAction(
      baseInputs(emulator, { repository: batch.join('\n'), registry: REGISTRY }),
      { SWR_ACTION_MAX_ATTEMPTS: '1' }
    )
    expect(errorsOf(run)).toBe('')
    expect(resultOf<ResultEntry>(run.outputs).map(r => r.action)).toEqual(
      batch.map(() => 'unchanged')
    )
    expect(requests(emulator).sort()).toEqual([
      'GET /v2/manage/namespaces/group/repos/svc-2000',
      'GET /v2/manage/namespaces/group/repos/svc-2001',
      'GET /v2/manage/repos?namespace=group&limit=1000&offset=0',
      'GET /v2/manage/repos?namespace=group&limit=1000&offset=1000',
      'GET /v2/manage/repos?namespace=group&limit=1000&offset=2000',
      'GET /v2/manage/repos?namespace=group&limit=1000&offset=3000'
    ])
  })

  it('SWR_ACTION_CONCURRENCY bounds the repositories handled, and the connections opened, at once', async () => {
    emulator.addNamespace('group')
    emulator.settings.latencyMs = 20
    const names = Array.from({ length: 10 }, (_, i) => `svc-${i}`)
    const run = await runAction(
      baseInputs(emulator, { repository: names.join('\n'), registry: REGISTRY }),
      { SWR_ACTION_CONCURRENCY: '2' }
    )
    expect(errorsOf(run)).toBe('')
    expect(emulator.state.repositories.size).toBe(10)
    expect(new Set(emulator.log.map(e => e.connection)).size).toBeLessThanOrEqual(2)
  })

  it.each(['0', '33', 'many'])(
    'SWR_ACTION_CONCURRENCY=%s is refused before any request, naming the variable, the value and the rule',
    async value => {
      const run = await runAction(baseInputs(emulator), { SWR_ACTION_CONCURRENCY: value })
      expect(run.exitCode).toBe(1)
      expect(errorsOf(run)).toContain(
        `Variable "SWR_ACTION_CONCURRENCY" is "${value}": it must be a whole number from 1 to 32.`
      )
      expect(emulator.log).toEqual([])
    }
  )

  it('falls back to reading one by one when the list is refused for lack of its permission', async () => {
    emulator.addNamespace('group')
    emulator.inject({
      method: 'GET',
      path: '/v2/manage/repos',
      kind: 'status',
      status: 403,
      body: { error_code: 'SVCSTG.SWR.4039001', error_msg: 'no permission' }
    })
    const run = await runAction(
      baseInputs(emulator, { repository: 'a\nb\nc\nd', registry: REGISTRY })
    )
    expect(run.exitCode).toBe(0)
    expect(requests(emulator).filter(r => r.startsWith('GET /v2/manage/namespaces'))).toHaveLength(
      4
    )
  })

  it('attempts every repository when one fails, reports all failures, and fails the step', async () => {
    emulator.addNamespace('group')
    emulator.addRepository('group', 'kept')
    for (const bad of ['b', 'd']) {
      emulator.inject({
        method: 'POST',
        path: '/v2/manage/namespaces/group/repos',
        kind: 'status',
        status: 400,
        body: { errorCode: 'SVCSTG.SWR.4001048', errorMessage: `rejected (${bad})` }
      })
    }
    emulator.settings.latencyMs = 1
    const run = await runAction(
      baseInputs(emulator, { repository: 'a,b,kept,c,d', registry: REGISTRY }),
      {
        SWR_ACTION_MAX_ATTEMPTS: '1'
      }
    )
    expect(run.exitCode).toBe(1)
    const result = resultOf<ResultEntry>(run.outputs)
    expect(result.map(r => r.repository)).toEqual(['a', 'b', 'kept', 'c', 'd'])
    expect(result.filter(r => r.action === 'failed')).toHaveLength(2)
    expect(result.filter(r => r.action === 'created')).toHaveLength(2)
    expect(result.find(r => r.repository === 'kept')?.action).toBe('unchanged')
    // Which two creates the faults hit depends on timing; whichever they are, each has its own
    // annotation naming it, in the order given, and the last line is a short total.
    const failed = result.filter(r => r.action === 'failed').map(r => `group/${r.repository}`)
    const lines = errorsOf(run).split('\n')
    expect(lines).toHaveLength(3)
    failed.forEach((name, i) =>
      expect(lines[i]).toMatch(
        new RegExp(`^create repository "${name}" failed: HTTP 400 SVCSTG\\.SWR\\.4001048: rejected`)
      )
    )
    expect(lines[2]).toBe(`2 of 5 repositories failed: ${failed.join(', ')}`)
    expect(errorTitles(run)).toEqual(failed.map(name => `SWR repository ${name}`))
    expect(run.summary).toContain('| failed |')
  })
})

describe('drift policy', () => {
  beforeEach(() => {
    emulator.addRepository('group', 'app', {
      is_public: false,
      category: 'linux',
      description: 'old'
    })
  })
  const wanted = { is_public: 'true', category: 'linux', description: 'new' }

  it('warn (the default) never changes a repository, and never makes a private one public', async () => {
    const run = await runAction(baseInputs(emulator, wanted))
    expect(run.exitCode).toBe(0)
    expect(writes(emulator)).toHaveLength(0)
    expect(emulator.repository('group', 'app')).toMatchObject({
      is_public: false,
      description: 'old'
    })
    expect(warningsOf(run)).toContain(
      'Repository "group/app" differs from the inputs and was left as it is (on_drift: warn): is_public is false, wanted true; description is "old", wanted "new".'
    )
    const [entry] = resultOf<ResultEntry>(run.outputs)
    expect(entry).toMatchObject({
      action: 'unchanged',
      updated: false,
      settings: { is_public: false, category: 'linux', description: 'old' }
    })
    expect(entry?.drift).toEqual([
      { setting: 'is_public', actual: false, wanted: true },
      { setting: 'description', actual: 'old', wanted: 'new' }
    ])
    expect(run.summary).toContain('is_public: false → true<br>description: old → new')
  })

  it('update changes the settings to match', async () => {
    const run = await runAction(baseInputs(emulator, { ...wanted, on_drift: 'update' }))
    expect(run.exitCode).toBe(0)
    expect(requests(emulator)).toEqual([
      'GET /v2/manage/namespaces/group/repos/app',
      'PATCH /v2/manage/namespaces/group/repos/app'
    ])
    expect(emulator.repository('group', 'app')).toMatchObject({
      is_public: true,
      category: 'linux',
      description: 'new'
    })
    expect(resultOf<ResultEntry>(run.outputs)[0]).toMatchObject({
      action: 'updated',
      updated: true,
      settings: { is_public: true, category: 'linux', description: 'new' }
    })
    expect(run.summary).toContain('| updated | public, linux, "new" |')
  })

  it('update keeps the description when the input has none', async () => {
    await runAction(
      baseInputs(emulator, { is_public: 'true', category: 'linux', on_drift: 'update' })
    )
    expect(emulator.repository('group', 'app')).toMatchObject({
      is_public: true,
      description: 'old'
    })
  })

  it('fail fails the step and names the differences', async () => {
    const run = await runAction(baseInputs(emulator, { ...wanted, on_drift: 'fail' }))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain(
      'Repository "group/app" differs from the inputs (on_drift: fail): is_public is false, wanted true'
    )
    expect(writes(emulator)).toHaveLength(0)
  })

  it('a repository that matches is unchanged with no warning', async () => {
    const run = await runAction(
      baseInputs(emulator, { category: 'linux', description: 'old', on_drift: 'fail' })
    )
    expect(run.exitCode).toBe(0)
    expect(warningsOf(run)).toBe('')
    expect(resultOf<ResultEntry>(run.outputs)[0]).toMatchObject({ action: 'unchanged', drift: [] })
  })
})

describe('dry run', () => {
  it('makes no write request and reports what a real run would do', async () => {
    emulator.addRepository('elsewhere', 'x')
    const run = await runAction(
      baseInputs(emulator, {
        repository: 'app\nteam/api',
        dry_run: 'true',
        registry: REGISTRY,
        retention_keep_last: '10'
      })
    )
    expect(errorsOf(run)).toBe('')
    expect(writes(emulator)).toHaveLength(0)
    expect(emulator.state.namespaces.has('group')).toBe(false)
    expect(
      resultOf<ResultEntry>(run.outputs).map(r => [r.repository, r.action, r.retention])
    ).toEqual([
      ['app', 'would create', 'would create'],
      ['team/api', 'would create', 'would create']
    ])
    expect(run.outputs['created']).toBe('false')
    expect(run.outputs['paths']).toBe(`${REGISTRY}/group/app\n${REGISTRY}/group/team/api`)
    expect(run.summary).toContain('(dry run: nothing was changed)')
    expect(run.summary).toContain('Organization `group`: would be created.')
    expect(run.stdout).toContain(
      '::group::Ensure group/app and group/team/api exist (dry run: nothing is changed)'
    )
  })

  it('reports an update it would make, and the retention change', async () => {
    emulator.addRepository('group', 'app', { is_public: true })
    const run = await runAction(
      baseInputs(emulator, {
        dry_run: 'true',
        on_drift: 'update',
        is_public: 'false',
        retention_keep_days: '30',
        docker_login_outputs: 'true',
        access_key_id: emulator.sts.accessKeyId,
        secret_access_key: emulator.sts.secretAccessKey,
        security_token: emulator.sts.securityToken
      })
    )
    expect(run.exitCode).toBe(0)
    expect(writes(emulator)).toHaveLength(0)
    expect(resultOf<ResultEntry>(run.outputs)[0]).toMatchObject({
      action: 'would update',
      retention: 'would create'
    })
    expect(run.summary).toContain('Organization `group`: exists.')
    expect(warningsOf(run)).toContain('dry_run does not make')
  })
})

describe('retention rules converge', () => {
  const retentions = (e: Emulator) =>
    e.retentions('group', 'app').map((p: { rules: { params?: unknown }[] }) => p.rules)

  it('creates, leaves alone, updates and replaces the policy, writing only what differs', async () => {
    const inputs = baseInputs(emulator, {
      registry: REGISTRY,
      retention_keep_last: '10',
      retention_exceptions: 'latest\nre:^v\\d+$'
    })
    const first = await runAction(inputs)
    expect(first.exitCode).toBe(0)
    expect(resultOf<ResultEntry>(first.outputs)[0]?.retention).toBe('created')
    expect(retentions(emulator)).toEqual([
      [
        {
          template: 'tag_rule',
          params: { num: '10' },
          // The signature, attestation and SBOM tags are kept by default.
          tag_selectors: [
            { kind: 'label', pattern: 'latest' },
            { kind: 'regexp', pattern: '^v\\d+$' },
            { kind: 'regexp', pattern: '^sha256-' },
            { kind: 'regexp', pattern: '\\.(sig|att|sbom)$' }
          ]
        }
      ]
    ])
    // A new repository's policy is created without reading the (empty) list first.
    expect(requests(emulator).filter(r => r.endsWith('/retentions'))).toEqual([
      'POST /v2/manage/namespaces/group/repos/app/retentions'
    ])

    emulator.resetLog()
    const again = await runAction(inputs)
    expect(resultOf<ResultEntry>(again.outputs)[0]?.retention).toBe('unchanged')
    expect(writes(emulator)).toHaveLength(0)

    emulator.resetLog()
    const more = await runAction({ ...inputs, retention_keep_last: '20' })
    expect(resultOf<ResultEntry>(more.outputs)[0]?.retention).toBe('updated')
    expect(writes(emulator).map(e => e.method)).toEqual(['PATCH'])
    expect(retentions(emulator)[0]?.[0]?.params).toEqual({ num: '20' })

    emulator.resetLog()
    const days = await runAction({ ...inputs, retention_keep_last: '', retention_keep_days: '30' })
    expect(resultOf<ResultEntry>(days.outputs)[0]?.retention).toBe('replaced')
    expect(writes(emulator).map(e => e.method)).toEqual(['DELETE', 'POST'])
    expect(retentions(emulator)).toEqual([
      [expect.objectContaining({ template: 'date_rule', params: { days: '30' } })]
    ])
    expect(days.summary).toContain('| replaced |')
  })
})
