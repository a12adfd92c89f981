// ensure: absent, prune and max_deletions on an SWR Enterprise Edition instance, run as a
// runner runs the bundle against the emulator.
import { afterEach, describe, expect, it } from 'vitest'
import { errorTitles, errorsOf, runAction, warningsOf } from './helpers/action.js'
import type { Emulator } from './helpers/emulator.js'
import {
  ADDRESS,
  INSTANCE,
  eeInputs,
  eeRequests,
  planOf,
  resultOf,
  startWithInstance,
  writes
} from './helpers/enterprise.js'

let emulator: Emulator
afterEach(async () => {
  await emulator.close()
})
const start = async (variants: Record<string, string> = {}) => {
  emulator = await startWithInstance(variants)
  emulator.addInstanceNamespace(INSTANCE, 'group')
}
const absent = (extra: Record<string, string> = {}) =>
  eeInputs(emulator, { ensure: 'absent', registry: ADDRESS, ...extra })
const names = () => emulator.instanceState(INSTANCE).repositories.map(r => r.name)
const REPO = '~/namespaces/group/repositories'

interface Entry {
  repository: string
  path: string
  action: string
  note?: string
  error?: string
}

describe.each([
  ['the defaults', {}],
  ['eeRepoDelete: 204', { eeRepoDelete: '204' }],
  ['eeMissing: 400', { eeMissing: '400' }]
])('Enterprise Edition ensure: absent under %s', (_name, variants) => {
  it('deletes the existing repositories (artifact count in the plan), reports the missing one absent, and a re-run writes nothing', async () => {
    await start(variants)
    emulator.push(INSTANCE, 'group', 'app')
    emulator.push(INSTANCE, 'group', 'app')
    emulator.push(INSTANCE, 'group', 'team/api')
    const inputs = absent({ repository: 'app\nteam/api\ngone' })
    const run = await runAction(inputs)
    expect(errorsOf(run)).toBe('')
    expect(writes(emulator).sort()).toEqual([`DELETE ${REPO}/app`, `DELETE ${REPO}/team%252Fapi`])
    expect(names()).toEqual([])
    expect(emulator.instanceState(INSTANCE).namespaces.map(n => n.name)).toEqual(['group'])
    expect(planOf(run.outputs)[0]).toMatchObject({
      resource: 'repository',
      name: 'group/app',
      action: 'delete',
      before: { images: 2 },
      reason: 'ensure: absent; it holds 2 artifacts, deleted with it'
    })
    expect(resultOf<Entry>(run.outputs).map(r => [r.repository, r.action, r.path])).toEqual([
      ['app', 'deleted', ''],
      ['team/api', 'deleted', ''],
      ['gone', 'absent', '']
    ])
    expect(run.outputs['deleted']).toBe(`${ADDRESS}/group/app\n${ADDRESS}/group/team/api`)
    emulator.resetLog()
    const again = await runAction(inputs)
    expect(again.exitCode).toBe(0)
    expect(writes(emulator)).toEqual([])
    expect(again.outputs['deleted']).toBe('')
  })
})

describe('Enterprise Edition ensure: absent', () => {
  it('never creates (nor deletes) a namespace: a missing one means every repository is absent', async () => {
    emulator = await startWithInstance()
    const run = await runAction(absent())
    expect(errorsOf(run)).toBe('')
    expect(writes(emulator)).toEqual([])
    expect(resultOf<Entry>(run.outputs)[0]?.action).toBe('absent')
  })

  it("counts a DELETE answered 404 as another run's deletion", async () => {
    await start()
    emulator.push(INSTANCE, 'group', 'app')
    emulator.inject({
      method: 'DELETE',
      path: /\/repositories\/app$/,
      kind: 'status',
      status: 404,
      body: { error_code: 'SWR.404003', error_msg: 'The repository group/app does not exist' }
    })
    const run = await runAction(absent())
    expect(errorsOf(run)).toBe('')
    expect(resultOf<Entry>(run.outputs)[0]?.action).toBe('deleted')
    expect(run.outputs['deleted']).toBe('')
    expect(run.stdout).toContain('deleted by another run at the same time')
  })

  it('reads a DELETE whose answer was lost back, and counts it done', async () => {
    await start()
    emulator.push(INSTANCE, 'group', 'app')
    emulator.inject({ method: 'DELETE', path: /\/repositories\/app$/, kind: 'lose-answer' })
    const run = await runAction(absent())
    expect(errorsOf(run)).toBe('')
    expect(eeRequests(emulator).filter(r => r.includes('/repositories/app'))).toEqual([
      `GET ${REPO}/app`,
      `DELETE ${REPO}/app`,
      `GET ${REPO}/app`
    ])
    expect(run.outputs['deleted']).toBe(`${ADDRESS}/group/app`)
  })

  it.each(['412', '400'])(
    'fails a repository that a console-made immutable tag rule (scope "kep*") keeps (answered %s) with the code and what to do; the others proceed',
    async status => {
      await start({ eeImmutableDelete: status })
      emulator.push(INSTANCE, 'group', 'kept')
      emulator.push(INSTANCE, 'group', 'free')
      emulator.addImmutableRule(INSTANCE, 'group', {
        priority: 0,
        disabled: false,
        action: 'immutable',
        template: 'immutable_template',
        tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'v*' }],
        scope_selectors: {
          repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: 'kep*' }]
        }
      })
      const run = await runAction(absent({ repository: 'kept\nfree' }))
      expect(run.exitCode).toBe(1)
      const [kept, free] = resultOf<Entry>(run.outputs)
      expect(kept?.action).toBe('failed')
      expect(kept?.error).toContain(`HTTP ${status}`)
      expect(kept?.error).toContain('has immutable tags')
      expect(kept?.error).toContain('remove it from their scope (or disable them)')
      expect(kept?.path).toBe(`${ADDRESS}/group/kept`)
      expect(free?.action).toBe('deleted')
      expect(names()).toEqual(['kept'])
    }
  )

  it('makes no write in a dry run', async () => {
    await start()
    emulator.push(INSTANCE, 'group', 'app')
    const run = await runAction(absent({ dry_run: 'true' }))
    expect(errorsOf(run)).toBe('')
    expect(writes(emulator)).toEqual([])
    expect(resultOf<Entry>(run.outputs)[0]?.action).toBe('would delete')
  })

  it('fails before its first write when the plan deletes more than max_deletions', async () => {
    await start()
    for (const name of ['a', 'b']) emulator.push(INSTANCE, 'group', name)
    const run = await runAction(absent({ repository: 'a\nb', max_deletions: '1' }))
    expect(run.exitCode).toBe(1)
    expect(writes(emulator)).toEqual([])
    expect(errorsOf(run)).toContain('more than max_deletions (1) allows: group/a, group/b')
  })

  it('refuses immutable_tags with ensure: absent before any request', async () => {
    emulator = await startWithInstance()
    const run = await runAction(absent({ immutable_tags: 'v*' }))
    expect(errorsOf(run)).toContain(
      'Input "immutable_tags" only describes a repository that exists'
    )
    expect(emulator.log).toEqual([])
  })
})

describe('Enterprise Edition: repositories taken down leave the scope of the rules that name them', () => {
  it('narrows an immutable tag rule to what stays before the delete and the retention rules after it, and removes a rule left empty', async () => {
    await start()
    for (const name of ['app', 'web']) emulator.push(INSTANCE, 'group', name)
    const rule = (pattern: string) => ({
      priority: 0,
      disabled: false,
      action: 'immutable' as const,
      template: 'immutable_template' as const,
      tag_selectors: [
        { kind: 'doublestar' as const, decoration: 'matches' as const, pattern: 'v*' }
      ],
      scope_selectors: {
        repository: [{ kind: 'doublestar' as const, decoration: 'repoMatches' as const, pattern }]
      }
    })
    emulator.addImmutableRule(INSTANCE, 'group', rule('{app,web}'))
    emulator.addImmutableRule(INSTANCE, 'group', rule('app'))
    emulator.addImmutableRule(INSTANCE, 'group', rule('web-*'))
    // Seed the action's own retention rules for app and web with a present run.
    const seeded = await runAction(
      eeInputs(emulator, { repository: 'app\nweb', retention_keep_last: '5', registry: ADDRESS })
    )
    expect(errorsOf(seeded)).toBe('')
    emulator.resetLog()
    const run = await runAction(absent({ repository: 'app' }))
    expect(errorsOf(run)).toBe('')
    const state = emulator.instanceState(INSTANCE)
    expect(state.repositories.map(r => r.name)).toEqual(['web'])
    expect(
      state.immutableRules.map(
        r => (r['scope_selectors'] as { repository: { pattern: string }[] }).repository[0]?.pattern
      )
    ).toEqual(['web', 'web-*'])
    const scopes = (
      state.retentionPolicies[0]?.['rules'] as {
        scope_selectors: { repository: { pattern: string }[] }
      }[]
    ).map(r => r.scope_selectors.repository[0]?.pattern)
    expect(new Set(scopes)).toEqual(new Set(['web']))
    // The immutable tag rules' scope changes go first (the rule scoped to app alone would keep
    // it from being deleted), the retention policy's once app is gone.
    expect(writes(emulator).map(w => w.replace(/\d+$/, 'N'))).toEqual([
      'PUT ~/namespaces/group/immutabletagrules/N',
      'DELETE ~/namespaces/group/immutabletagrules/N',
      `DELETE ${REPO}/app`,
      'PUT ~/namespaces/group/retention/policies/N'
    ])
    expect(planOf(run.outputs).map(c => `${c.resource} ${c.action}`)).toEqual([
      'immutability update',
      'immutability delete',
      'repository delete',
      'retention update'
    ])
    // The last repository a policy names goes: the retention policy left with no rule goes too.
    const last = await runAction(absent({ repository: 'web' }))
    expect(errorsOf(last)).toBe('')
    const after = emulator.instanceState(INSTANCE)
    expect(after.repositories).toEqual([])
    expect(after.retentionPolicies).toEqual([])
    expect(after.immutableRules).toHaveLength(1)
  })
})

const immutableRule = (pattern: string) => ({
  priority: 0,
  disabled: false,
  action: 'immutable' as const,
  template: 'immutable_template' as const,
  tag_selectors: [{ kind: 'doublestar' as const, decoration: 'matches' as const, pattern: 'v*' }],
  scope_selectors: {
    repository: [{ kind: 'doublestar' as const, decoration: 'repoMatches' as const, pattern }]
  }
})

describe('Enterprise Edition: what a failed scope change reports', () => {
  it('fails an immutable tag rule DELETE answered 400 SWR.400099 (not the documented 404), since the rule is still listed: not counted as gone', async () => {
    await start()
    emulator.push(INSTANCE, 'group', 'app')
    emulator.addImmutableRule(INSTANCE, 'group', immutableRule('app'))
    emulator.inject({
      method: 'DELETE',
      path: /\/immutabletagrules\/\d+$/,
      kind: 'status',
      status: 400,
      body: { error_code: 'SWR.400099', error_msg: 'the rule cannot be deleted now' }
    })
    const run = await runAction(absent())
    expect(run.exitCode).toBe(1)
    expect(emulator.instanceState(INSTANCE).immutableRules).toHaveLength(1)
    expect(errorTitles(run)).toContain('SWR namespace group')
    expect(errorsOf(run)).toContain('HTTP 400 SWR.400099')
    expect(errorsOf(run)).toContain(
      "1 change of the namespace's retention policy or immutable tag rules failed"
    )
  })

  it('reports a repository deleted while its retention scope narrowing failed (PUT answered 403) as deleted, in deleted, with the policy failure apart and exit code 1', async () => {
    await start()
    for (const name of ['app', 'web']) emulator.push(INSTANCE, 'group', name)
    const seeded = await runAction(
      eeInputs(emulator, { repository: 'app\nweb', retention_keep_last: '5', registry: ADDRESS })
    )
    expect(errorsOf(seeded)).toBe('')
    emulator.inject({
      method: 'PUT',
      path: /\/retention\/policies\/\d+$/,
      kind: 'status',
      status: 403,
      body: { error_code: 'SWR.403001', error_msg: 'no permission' }
    })
    const run = await runAction(absent({ repository: 'app' }))
    expect(run.exitCode).toBe(1)
    expect(names()).toEqual(['web'])
    expect(resultOf<Entry>(run.outputs)).toEqual([
      { repository: 'app', path: '', action: 'deleted', created: false, updated: false, drift: [] }
    ])
    expect(run.outputs['deleted']).toBe(`${ADDRESS}/group/app`)
    expect(errorTitles(run)).toEqual(['SWR namespace group'])
    expect(errorsOf(run)).toContain('HTTP 403 SWR.403001')
    expect(errorsOf(run)).toContain(
      "1 change of the namespace's retention policy or immutable tag rules failed"
    )
  })
})

describe('Enterprise Edition: a delete that fails keeps its retention scope', () => {
  it('leaves the retention rules of a repository whose DELETE failed (403) as they were: no retention write, the repository still named', async () => {
    await start()
    for (const name of ['app', 'web']) emulator.push(INSTANCE, 'group', name)
    const seeded = await runAction(
      eeInputs(emulator, { repository: 'app\nweb', retention_keep_last: '5', registry: ADDRESS })
    )
    expect(errorsOf(seeded)).toBe('')
    const scopesOf = () =>
      new Set(
        (
          emulator.instanceState(INSTANCE).retentionPolicies[0]?.['rules'] as {
            scope_selectors: { repository: { pattern: string }[] }
          }[]
        ).map(r => r.scope_selectors.repository[0]?.pattern)
      )
    const seededScopes = scopesOf()
    expect([...seededScopes].join(' ')).toContain('app')
    emulator.resetLog()
    emulator.inject({
      method: 'DELETE',
      path: /\/repositories\/app$/,
      kind: 'status',
      status: 403,
      body: { error_code: 'SWR.403001', error_msg: 'no permission' }
    })
    const run = await runAction(absent({ repository: 'app' }))
    expect(run.exitCode).toBe(1)
    expect(names().sort()).toEqual(['app', 'web'])
    expect(writes(emulator)).toEqual([`DELETE ${REPO}/app`])
    expect(scopesOf()).toEqual(seededScopes)
    expect(resultOf<Entry>(run.outputs)[0]).toMatchObject({
      repository: 'app',
      action: 'failed',
      path: `${ADDRESS}/group/app`
    })
  })
})

describe('Enterprise Edition prune', () => {
  it("deletes only exact matches from the namespace's whole list, read 100 a page", async () => {
    await start()
    for (let i = 0; i < 150; i++) emulator.push(INSTANCE, 'group', `svc-${i}`)
    for (const name of ['app-pr-1', 'app-pr-2', 'team/app-pr-3'])
      emulator.push(INSTANCE, 'group', name)
    emulator.addInstanceNamespace(INSTANCE, 'group2')
    emulator.push(INSTANCE, 'group2', 'app-pr-9')
    const run = await runAction(
      eeInputs(emulator, { repository: 'app-pr-2', prune: 'app-pr-*', registry: ADDRESS })
    )
    expect(errorsOf(run)).toBe('')
    expect(eeRequests(emulator).filter(r => r.startsWith(`GET ${REPO}?`))).toEqual([
      `GET ${REPO}?limit=100&offset=0`,
      `GET ${REPO}?limit=100&offset=100`
    ])
    expect(writes(emulator)).toEqual([`DELETE ${REPO}/app-pr-1`])
    expect(names()).toContain('app-pr-2')
    expect(names()).toContain('team/app-pr-3')
    expect(names()).toContain('app-pr-9')
    expect(resultOf<Entry>(run.outputs).map(r => [r.repository, r.action, r.note ?? ''])).toEqual([
      ['app-pr-2', 'unchanged', ''],
      ['app-pr-1', 'deleted', 'matches prune pattern "app-pr-*"']
    ])
  })

  it('drops list items named "..", ".", with a line break or in uppercase, with an escaped warning: no DELETE reaches the namespace path, and deleted holds only the valid match', async () => {
    await start()
    for (const name of ['keep', 'app-pr-2', 'app-pr-3']) emulator.push(INSTANCE, 'group', name)
    const forged = 'app-pr-1\nevil.example/group/forged'
    const list = ['keep', 'app-pr-3', '..', '.', forged, 'App-PR-2'].map(name => ({
      name: `group/${name}`,
      namespace_name: 'group',
      artifact_count: 0
    }))
    emulator.inject({
      method: 'GET',
      path: /\/namespaces\/group\/repositories$/,
      kind: 'status',
      status: 200,
      body: { repositories: list, total: list.length }
    })
    const run = await runAction(
      eeInputs(emulator, { repository: 'keep', prune: '*\napp-pr-*', registry: ADDRESS })
    )
    expect(errorsOf(run)).toBe('')
    expect(writes(emulator)).toEqual([`DELETE ${REPO}/app-pr-3`])
    expect(names().sort()).toEqual(['app-pr-2', 'keep'])
    expect(run.outputs['deleted']).toBe(`${ADDRESS}/group/app-pr-3`)
    expect(resultOf<Entry>(run.outputs).map(r => r.repository)).toEqual(['keep', 'app-pr-3'])
    expect(
      warningsOf(run)
        .split('\n')
        .filter(w => w.includes('not a valid repository name'))
    ).toEqual([
      'The list of the repositories of namespace "group" holds 4 items whose name is not a valid repository name: "group/..", "group/.", "group/app-pr-1\\nevil.example/group/forged", "group/App-PR-2". They are left alone: neither matched against prune nor deleted.'
    ])
    expect(run.stdout).not.toMatch(/^evil\.example/m)
  })

  it('takes a repository that a shifting list shows on two pages once: planned, counted and deleted once', async () => {
    await start()
    emulator.push(INSTANCE, 'group', 'app-pr-1')
    for (let i = 0; i < 150; i++) emulator.push(INSTANCE, 'group', `svc-${i}`)
    // Between the two page reads the list shifted: the second page starts with app-pr-1 again.
    const item = (name: string) => ({ name: `group/${name}`, namespace_name: 'group' })
    emulator.inject({
      method: 'GET',
      path: /\/namespaces\/group\/repositories$/,
      query: /offset=100/,
      kind: 'status',
      status: 200,
      body: {
        repositories: ['app-pr-1', ...Array.from({ length: 50 }, (_, i) => `svc-${i + 100}`)].map(
          item
        ),
        total: 151
      }
    })
    const run = await runAction(
      eeInputs(emulator, {
        repository: '',
        prune: 'app-pr-*',
        registry: ADDRESS,
        max_deletions: '1'
      })
    )
    expect(errorsOf(run)).toBe('')
    expect(writes(emulator)).toEqual([`DELETE ${REPO}/app-pr-1`])
    expect(planOf(run.outputs).filter(c => c.action === 'delete')).toHaveLength(1)
    expect(resultOf<Entry>(run.outputs).map(r => [r.repository, r.action])).toEqual([
      ['app-pr-1', 'deleted']
    ])
    expect(run.outputs['deleted']).toBe(`${ADDRESS}/group/app-pr-1`)
  })
})
