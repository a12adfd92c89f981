// A dry run plans exactly what a real run from the same state then does; after the real run a
// dry run plans nothing and a re-run writes nothing. Run against the bundle, on states that
// mix every kind of change.
import { describe, expect, it } from 'vitest'
import { errorsOf, planOf, runAction, type PlannedChange } from './helpers/action.js'
import { baseInputs, emulatorPerTest, writes, type Emulator } from './helpers/emulator.js'

let emulator: Emulator
emulatorPerTest(started => (emulator = started))

const REGISTRY = 'swr.cn-north-4.myhuaweicloud.com'

/** Dry run, real run, dry run, real run: returns the first plan after checking the rest. */
async function agree(inputs: Record<string, string>): Promise<PlannedChange[]> {
  const dry = await runAction({ ...inputs, dry_run: 'true' })
  expect(errorsOf(dry)).toBe('')
  expect(writes(emulator)).toEqual([])
  const real = await runAction(inputs)
  expect(errorsOf(real)).toBe('')
  expect(planOf(real.outputs)).toEqual(planOf(dry.outputs))
  const after = await runAction({ ...inputs, dry_run: 'true' })
  expect(planOf(after.outputs)).toEqual([])
  emulator.resetLog()
  const again = await runAction(inputs)
  expect(planOf(again.outputs)).toEqual([])
  expect(writes(emulator)).toEqual([])
  return planOf(dry.outputs)
}

const rules = (template: string, params: Record<string, string>) => [
  { template, params, tag_selectors: [{ kind: 'label', pattern: 'latest' }] }
]

describe('a dry run and a real run plan the same changes', () => {
  it('in an existing organization: a new repository, drift under update, retention created, updated and replaced', async () => {
    emulator.addRepository('group', 'drifted', { category: 'lang', description: 'old' })
    emulator.addRepository('group', 'bare', { category: 'linux', description: 'the app' })
    emulator.addRepository('group', 'count', { category: 'linux', description: 'the app' })
    emulator.addRetention('group', 'count', rules('tag_rule', { num: '3' }))
    emulator.addRepository('group', 'days', { category: 'linux', description: 'the app' })
    emulator.addRetention('group', 'days', rules('date_rule', { days: '30' }))
    const plan = await agree(
      baseInputs(emulator, {
        repository: 'fresh\ndrifted\nbare\ncount\ndays',
        registry: REGISTRY,
        category: 'linux',
        description: 'the app',
        on_drift: 'update',
        retention_keep_last: '10',
        retention_exceptions: 'latest'
      })
    )
    expect(plan.map(c => `${c.resource} ${c.name} ${c.action}`)).toEqual([
      'repository group/fresh create',
      'retention group/fresh create',
      'repository group/drifted update',
      'retention group/drifted create',
      'retention group/bare create',
      'retention group/count update',
      'retention group/days replace'
    ])
    expect(plan[2]).toMatchObject({
      before: { is_public: false, category: 'lang', description: 'old' },
      after: { is_public: false, category: 'linux', description: 'the app' },
      reason: 'on_drift: update, and category, description differ from the inputs'
    })
    expect(emulator.repository('group', 'drifted')).toMatchObject({ category: 'linux' })
    for (const name of ['fresh', 'drifted', 'bare', 'count', 'days']) {
      const policies = emulator.retentions('group', name) as { rules: { params: unknown }[] }[]
      expect(policies.map(p => p.rules[0]?.params)).toEqual([{ num: '10' }])
    }
  })

  it('in a new organization: the organization, then its repositories and their retention', async () => {
    const plan = await agree(
      baseInputs(emulator, {
        repository: 'web\napi',
        registry: REGISTRY,
        retention_keep_days: '14'
      })
    )
    expect(plan.map(c => `${c.resource} ${c.name} ${c.action}`)).toEqual([
      'organization group create',
      'repository group/web create',
      'retention group/web create',
      'repository group/api create',
      'retention group/api create'
    ])
    expect(plan[0]).toEqual({
      resource: 'organization',
      name: 'group',
      action: 'create',
      before: null,
      after: { namespace: 'group' },
      reason: 'the organization does not exist, and a repository is to be created in it'
    })
  })
})
