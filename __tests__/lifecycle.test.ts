// ensure: absent, prune and max_deletions in the standard edition, run as a runner runs the
// bundle against the emulator.
import { describe, expect, it } from 'vitest'
import { errorsOf, planOf, resultOf, runAction, warningsOf } from './helpers/action.js'
import { baseInputs, emulatorPerTest, requests, writes, type Emulator } from './helpers/emulator.js'

let emulator: Emulator
emulatorPerTest(started => (emulator = started))

const REGISTRY = 'swr.cn-north-4.myhuaweicloud.com'
const absent = (extra: Record<string, string> = {}) =>
  baseInputs(emulator, { ensure: 'absent', registry: REGISTRY, ...extra })

interface Entry {
  repository: string
  path: string
  action: string
  created: boolean
  note?: string
  error?: string
  replication?: { region: string; namespace: string; path: string; action: string }[]
}

describe('ensure: absent', () => {
  it('deletes an existing repository with one DELETE, reporting its image count, and never the organization', async () => {
    emulator.addRepository('group', 'app', { num_images: 3 })
    const run = await runAction(absent())
    expect(errorsOf(run)).toBe('')
    expect(requests(emulator)).toEqual([
      'GET /v2/manage/namespaces/group/repos/app',
      'DELETE /v2/manage/namespaces/group/repos/app'
    ])
    expect(emulator.repository('group', 'app')).toBeUndefined()
    expect(emulator.namespace('group')).toBeDefined()
    expect(planOf(run.outputs)).toEqual([
      {
        resource: 'repository',
        name: 'group/app',
        action: 'delete',
        before: { is_public: false, category: 'other', description: '', images: 3 },
        after: null,
        reason: 'ensure: absent; it holds 3 images, deleted with it'
      }
    ])
    expect(resultOf<Entry>(run.outputs)).toEqual([
      { repository: 'app', path: '', action: 'deleted', created: false, updated: false, drift: [] }
    ])
    expect(run.outputs).toMatchObject({
      deleted: `${REGISTRY}/group/app`,
      created: 'false',
      changed: 'true',
      path: '',
      paths: ''
    })
    expect(run.summary).toContain('delete')
  })

  it('reports a repository that does not exist as absent and sends no DELETE; a re-run writes nothing', async () => {
    emulator.addRepository('group', 'a')
    emulator.addRepository('group', 'b')
    const inputs = absent({ repository: 'a\nb\nc' })
    const first = await runAction(inputs)
    expect(errorsOf(first)).toBe('')
    expect(resultOf<Entry>(first.outputs).map(r => [r.repository, r.action])).toEqual([
      ['a', 'deleted'],
      ['b', 'deleted'],
      ['c', 'absent']
    ])
    expect(first.outputs['deleted']).toBe(`${REGISTRY}/group/a\n${REGISTRY}/group/b`)
    emulator.resetLog()
    const again = await runAction(inputs)
    expect(again.exitCode).toBe(0)
    expect(writes(emulator)).toEqual([])
    expect(resultOf<Entry>(again.outputs).map(r => r.action)).toEqual([
      'absent',
      'absent',
      'absent'
    ])
    expect(again.outputs).toMatchObject({ deleted: '', changed: 'false' })
  })

  it('reads a listed repository the list does not show (a list lagging a create) before calling it absent, and deletes it', async () => {
    for (const name of ['a', 'b', 'c']) emulator.addRepository('group', name)
    const item = (name: string) => ({ name, namespace: 'group', is_public: false })
    emulator.inject({
      method: 'GET',
      path: '/v2/manage/repos',
      kind: 'status',
      status: 200,
      body: [item('a'), item('b')],
      headers: { 'Content-Range': '0-2/2' }
    })
    const run = await runAction(absent({ repository: 'a\nb\nc' }))
    expect(errorsOf(run)).toBe('')
    expect(requests(emulator).filter(r => r.startsWith('GET'))).toEqual([
      'GET /v2/manage/repos?namespace=group&limit=1000&offset=0',
      'GET /v2/manage/namespaces/group/repos/c'
    ])
    expect(resultOf<Entry>(run.outputs).map(r => [r.repository, r.action])).toEqual([
      ['a', 'deleted'],
      ['b', 'deleted'],
      ['c', 'deleted']
    ])
    expect(emulator.state.repositories.size).toBe(0)
  })

  it('finishes a half-deleted batch: only the repositories still there are deleted', async () => {
    emulator.addRepository('group', 'b')
    const run = await runAction(absent({ repository: 'a\nb\nc' }))
    expect(run.exitCode).toBe(0)
    expect(writes(emulator).map(w => `${w.method} ${w.rawPath}`)).toEqual([
      'DELETE /v2/manage/namespaces/group/repos/b'
    ])
  })

  it('deletes a name with "/" through "$" in the path', async () => {
    emulator.addRepository('group', 'team/app')
    const run = await runAction(absent({ repository: 'team/app' }))
    expect(errorsOf(run)).toBe('')
    expect(requests(emulator)).toContain('DELETE /v2/manage/namespaces/group/repos/team$app')
    expect(emulator.repository('group', 'team/app')).toBeUndefined()
  })

  it("counts a DELETE answered 404 (another run deleted it first) as done, not as this run's deletion", async () => {
    emulator.addRepository('group', 'app')
    emulator.inject({
      method: 'DELETE',
      path: '/v2/manage/namespaces/group/repos/app',
      kind: 'status',
      status: 404,
      body: { error_code: 'SVCSTG.SWR.4040010', error_msg: 'The image repository was not found' }
    })
    const run = await runAction(absent())
    expect(errorsOf(run)).toBe('')
    expect(resultOf<Entry>(run.outputs)[0]?.action).toBe('deleted')
    expect(run.outputs['deleted']).toBe('')
    expect(run.stdout).toContain('deleted by another run at the same time')
  })

  it('reads a DELETE whose answer was lost back, and counts it done once the repository is gone', async () => {
    emulator.addRepository('group', 'app')
    emulator.inject({
      method: 'DELETE',
      path: '/v2/manage/namespaces/group/repos/app',
      kind: 'lose-answer'
    })
    const run = await runAction(absent())
    expect(errorsOf(run)).toBe('')
    expect(requests(emulator)).toEqual([
      'GET /v2/manage/namespaces/group/repos/app',
      'DELETE /v2/manage/namespaces/group/repos/app',
      'GET /v2/manage/namespaces/group/repos/app'
    ])
    expect(run.outputs['deleted']).toBe(`${REGISTRY}/group/app`)
    expect(run.stdout).toContain('its answer was lost')
  })

  it('accepts a DELETE answered 200 as well as 204', async () => {
    emulator.variants.deleteRepoSuccess = '200'
    emulator.addRepository('group', 'app')
    const run = await runAction(absent())
    expect(errorsOf(run)).toBe('')
    expect(run.outputs['deleted']).toBe(`${REGISTRY}/group/app`)
  })

  it('warns that the path SWR answered for a repository it deletes is not trusted, as for one it keeps', async () => {
    emulator.addRepository('group', 'app')
    emulator.inject({
      kind: 'rewrite',
      patch: { path: 'evil.example/other/x' },
      method: 'GET',
      path: '/v2/manage/namespaces/group/repos/app'
    })
    const run = await runAction(baseInputs(emulator, { ensure: 'absent' }))
    expect(errorsOf(run)).toBe('')
    expect(emulator.repository('group', 'app')).toBeUndefined()
    expect(warningsOf(run)).toContain(
      'SWR answered the path "evil.example/other/x" for repository "group/app", which is not'
    )
  })

  it('makes no write in a dry run, and says what it would delete', async () => {
    emulator.addRepository('group', 'app', { num_images: 1 })
    const run = await runAction(absent({ dry_run: 'true' }))
    expect(errorsOf(run)).toBe('')
    expect(writes(emulator)).toEqual([])
    expect(emulator.repository('group', 'app')).toBeDefined()
    expect(resultOf<Entry>(run.outputs)[0]?.action).toBe('would delete')
    expect(planOf(run.outputs)[0]?.reason).toContain('it holds 1 image,')
    expect(run.outputs['deleted']).toBe('')
  })

  it.each([
    ['406-4060012', 'HTTP 406 SVCSTG.SWR.4060012', 'cannot be deleted now'],
    ['403-4030170', 'HTTP 403 SVCSTG.SWR.4030170', 'swr:repo:deleteRepo']
  ])(
    'fails a repository whose delete SWR refuses (%s) with its code and what to do; the others proceed',
    async (refusal, code, remedy) => {
      emulator.addRepository('group', 'a')
      emulator.addRepository('group', 'b', { refuseDelete: refusal })
      emulator.addRepository('group', 'c')
      const run = await runAction(absent({ repository: 'a\nb\nc' }))
      expect(run.exitCode).toBe(1)
      const result = resultOf<Entry>(run.outputs)
      expect(result.map(r => r.action)).toEqual(['deleted', 'failed', 'deleted'])
      expect(result[1]?.error).toContain(code)
      expect(result[1]?.error).toContain(remedy)
      expect(result[1]?.path).toBe(`${REGISTRY}/group/b`)
      expect(emulator.repository('group', 'b')).toBeDefined()
      expect(emulator.repository('group', 'c')).toBeUndefined()
      expect(errorsOf(run)).toContain('1 of 3 repositories failed: group/b')
    }
  )

  it('under an SWR that refuses to delete a repository holding images (406 4060012), fails it saying to delete its images first; an empty one is deleted', async () => {
    emulator.variants.deleteRepoWithImages = 'refuse-406'
    emulator.addRepository('group', 'full', { num_images: 2 })
    emulator.addRepository('group', 'empty', { num_images: 0 })
    const run = await runAction(absent({ repository: 'full\nempty' }))
    expect(run.exitCode).toBe(1)
    const [full, empty] = resultOf<Entry>(run.outputs)
    expect(full?.error).toContain('HTTP 406 SVCSTG.SWR.4060012')
    expect(full?.error).toContain('delete its images')
    expect(empty?.action).toBe('deleted')
    expect(emulator.repository('group', 'full')).toBeDefined()
  })

  it('stops at refused credentials: no further DELETE is sent', async () => {
    for (const name of ['a', 'b', 'c']) emulator.addRepository('group', name)
    emulator.inject({
      method: 'DELETE',
      kind: 'status',
      status: 401,
      body: { error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information' }
    })
    const run = await runAction(absent({ repository: 'a\nb\nc' }), {
      SWR_ACTION_CONCURRENCY: '1'
    })
    expect(run.exitCode).toBe(1)
    expect(requests(emulator).filter(r => r.startsWith('DELETE'))).toHaveLength(1)
    expect(errorsOf(run)).toContain('The run stopped at this answer')
    expect(emulator.state.repositories.size).toBe(3)
  })
})

describe('max_deletions', () => {
  it('fails a plan that deletes more repositories than allowed before its first write, naming them', async () => {
    for (const name of ['a', 'b', 'c']) emulator.addRepository('group', name)
    const run = await runAction(absent({ repository: 'a\nb\nc', max_deletions: '2' }))
    expect(run.exitCode).toBe(1)
    expect(writes(emulator)).toEqual([])
    expect(errorsOf(run)).toContain(
      'The plan deletes 3 repositories, more than max_deletions (2) allows: group/a, group/b, group/c.'
    )
  })

  it('fails a dry run over the limit too, so that the dry run shows what the real run would do', async () => {
    for (const name of ['a', 'b']) emulator.addRepository('group', name)
    const run = await runAction(absent({ repository: 'a\nb', max_deletions: '1', dry_run: 'true' }))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain('more than max_deletions (1)')
  })

  it('counts only what exists: absent repositories take no deletion', async () => {
    emulator.addRepository('group', 'a')
    const run = await runAction(absent({ repository: 'a\nb\nc', max_deletions: '1' }))
    expect(errorsOf(run)).toBe('')
  })
})

describe('input errors before any request', () => {
  it.each([
    [{ category: 'linux' }, 'Input "category" only describes a repository that exists'],
    [
      { is_public: 'true', on_drift: 'update', retention_keep_last: '5' },
      'Inputs "is_public", "on_drift", "retention_keep_last" only describe a repository that exists'
    ],
    [{ share_with: 'partner-account' }, '"share_with"'],
    [{ replicate_to: 'ap-southeast-1', replicate_override: 'true' }, '"replicate_override"'],
    [
      { organization_permissions: 'ci-bot=write', repository_permissions: 'lead=manage' },
      'Inputs "organization_permissions", "repository_permissions" only describe a repository that exists'
    ]
  ])('refuses present-only inputs with ensure: absent (%o)', async (extra, message) => {
    const run = await runAction(absent(extra))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain(message)
    expect(errorsOf(run)).toContain('set ensure to "present"')
    expect(emulator.log).toEqual([])
  })

  it('refuses prune with ensure: absent, naming both inputs, before any request', async () => {
    const run = await runAction(absent({ prune: 'app-pr-*' }))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain('Inputs "ensure" and "prune" do not go together')
    expect(emulator.log).toEqual([])
  })

  it('refuses an unknown ensure value, naming it', async () => {
    const run = await runAction(baseInputs(emulator, { ensure: 'deleted' }))
    expect(errorsOf(run)).toContain('Input "ensure" is "deleted": it must be "present"')
    expect(emulator.log).toEqual([])
  })

  it.each(['app-pr-[0-9]*', 'App-*', 'a/***', 'a?b', '/app', 'a**b'])(
    'refuses the prune pattern %s, naming the syntax',
    async pattern => {
      const run = await runAction(baseInputs(emulator, { prune: pattern }))
      expect(errorsOf(run)).toContain(`Input "prune" is ${JSON.stringify(pattern)}`)
      expect(errorsOf(run)).toContain('"**" for any number of whole segments')
      expect(emulator.log).toEqual([])
    }
  )

  it('refuses a max_deletions that is not a whole number', async () => {
    const run = await runAction(baseInputs(emulator, { max_deletions: '-1' }))
    expect(errorsOf(run)).toContain('Input "max_deletions" is "-1"')
    expect(emulator.log).toEqual([])
  })
})

describe('prune', () => {
  it('deletes only the exact matches of a 1,500-repository organization, read in two pages, and never a look-alike', async () => {
    for (let i = 0; i < 1500 - 3; i++) emulator.addRepository('group', `svc-${i}`)
    for (const name of ['app-pr-1', 'app-pr-2', 'app-pr-3']) emulator.addRepository('group', name)
    // Look-alikes: another organization whose name contains "group", another segment, a prefix.
    emulator.addRepository('group2', 'app-pr-4')
    emulator.addRepository('subgroup', 'app-pr-5')
    const run = await runAction(
      baseInputs(emulator, { repository: 'app-pr-2', prune: 'app-pr-*', registry: REGISTRY })
    )
    expect(errorsOf(run)).toBe('')
    expect(requests(emulator)).toEqual([
      'GET /v2/manage/repos?namespace=group&limit=1000&offset=0',
      'GET /v2/manage/repos?namespace=group&limit=1000&offset=1000',
      'DELETE /v2/manage/namespaces/group/repos/app-pr-1',
      'DELETE /v2/manage/namespaces/group/repos/app-pr-3'
    ])
    expect(emulator.repository('group', 'app-pr-2')).toBeDefined()
    expect(emulator.repository('group2', 'app-pr-4')).toBeDefined()
    expect(emulator.repository('subgroup', 'app-pr-5')).toBeDefined()
    expect(resultOf<Entry>(run.outputs).map(r => [r.repository, r.action, r.note ?? ''])).toEqual([
      ['app-pr-2', 'unchanged', ''],
      ['app-pr-1', 'deleted', 'matches prune pattern "app-pr-*"'],
      ['app-pr-3', 'deleted', 'matches prune pattern "app-pr-*"']
    ])
    expect(run.outputs['deleted']).toBe(`${REGISTRY}/group/app-pr-1\n${REGISTRY}/group/app-pr-3`)
    expect(run.outputs['path']).toBe(`${REGISTRY}/group/app-pr-2`)
  })

  it('matches "*" within one segment and "**" across segments', async () => {
    for (const name of ['app-pr-1', 'team/app-pr-1', 'previews/a', 'previews/a/b', 'previews'])
      emulator.addRepository('group', name)
    const run = await runAction(
      baseInputs(emulator, { repository: '', prune: 'app-pr-*\npreviews/**', registry: REGISTRY })
    )
    expect(errorsOf(run)).toBe('')
    expect([...emulator.state.repositories.keys()].sort()).toEqual([
      'group/previews',
      'group/team/app-pr-1'
    ])
  })

  it('with no repository listed, deletes every match, and a re-run writes nothing', async () => {
    emulator.addRepository('group', 'app-pr-1')
    emulator.addRepository('group', 'app')
    const inputs = baseInputs(emulator, { repository: '', prune: 'app-pr-*', registry: REGISTRY })
    const run = await runAction(inputs)
    expect(errorsOf(run)).toBe('')
    expect(resultOf<Entry>(run.outputs).map(r => r.repository)).toEqual(['app-pr-1'])
    expect(emulator.repository('group', 'app')).toBeDefined()
    emulator.resetLog()
    const again = await runAction(inputs)
    expect(again.exitCode).toBe(0)
    expect(writes(emulator)).toEqual([])
  })

  it('makes no write in a dry run', async () => {
    emulator.addRepository('group', 'app-pr-1', { num_images: 4 })
    const run = await runAction(
      baseInputs(emulator, { repository: 'app', prune: 'app-pr-*', dry_run: 'true' })
    )
    expect(errorsOf(run)).toBe('')
    expect(writes(emulator)).toEqual([])
    expect(planOf(run.outputs).find(c => c.action === 'delete')).toMatchObject({
      name: 'group/app-pr-1',
      before: { images: 4 },
      reason:
        'it matches prune pattern "app-pr-*" and is not listed in repository; it holds 4 images, deleted with it'
    })
  })

  it('fails before its first write when a pattern matches more than max_deletions', async () => {
    for (let i = 0; i < 12; i++) emulator.addRepository('group', `app-${i}`)
    const run = await runAction(baseInputs(emulator, { repository: 'app-0', prune: 'app-*' }))
    expect(run.exitCode).toBe(1)
    expect(writes(emulator)).toEqual([])
    expect(errorsOf(run)).toContain(
      'The plan deletes 11 repositories, more than max_deletions (10)'
    )
  })

  it('drops list items named "..", ".", with a line break or in uppercase, with an escaped warning: no DELETE leaves the repository routes, and deleted holds only the valid match', async () => {
    for (const name of ['keep', 'app-pr-2', 'app-pr-3']) emulator.addRepository('group', name)
    const item = (name: string) => ({
      name,
      namespace: 'group',
      category: 'other',
      description: '',
      is_public: false,
      num_images: 0
    })
    const forged = 'app-pr-1\nevil.example/group/forged'
    const list = ['keep', 'app-pr-3', '..', '.', forged, 'App-PR-2'].map(item)
    emulator.inject({
      method: 'GET',
      path: '/v2/manage/repos',
      kind: 'status',
      status: 200,
      body: list,
      headers: { 'Content-Range': `0-${list.length}/${list.length}` }
    })
    const run = await runAction(
      baseInputs(emulator, { repository: 'keep', prune: '*\napp-pr-*', registry: REGISTRY })
    )
    expect(errorsOf(run)).toBe('')
    expect(writes(emulator).map(w => `${w.method} ${w.rawPath}`)).toEqual([
      'DELETE /v2/manage/namespaces/group/repos/app-pr-3'
    ])
    // The uppercase item is not folded onto app-pr-2, which stays.
    expect(emulator.repository('group', 'app-pr-2')).toBeDefined()
    expect(emulator.namespace('group')).toBeDefined()
    expect(run.outputs['deleted']).toBe(`${REGISTRY}/group/app-pr-3`)
    expect(resultOf<Entry>(run.outputs).map(r => r.repository)).toEqual(['keep', 'app-pr-3'])
    const warnings = warningsOf(run).split('\n')
    expect(warnings.filter(w => w.includes('not a valid repository name'))).toEqual([
      'The list of the repositories of "group" holds 4 items whose name is not a valid repository name: "..", ".", "app-pr-1\\nevil.example/group/forged", "App-PR-2". They are left alone: neither matched against prune nor deleted.'
    ])
    expect(run.stdout).not.toMatch(/^evil\.example/m)
  })

  it('fails the run before anything is planned when the list is refused: a partial list would spare repositories', async () => {
    emulator.addRepository('group', 'app-pr-1')
    emulator.inject({
      method: 'GET',
      path: '/v2/manage/repos',
      kind: 'status',
      status: 403,
      body: { error_code: 'SVCSTG.SWR.4039001', error_msg: 'no permission' }
    })
    const run = await runAction(baseInputs(emulator, { prune: 'app-pr-*' }))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain('prune needs the list of the repositories of "group"')
    expect(writes(emulator)).toEqual([])
  })
})
