// An instance's retention and immutable tags, as a runner runs the bundle: namespace policies
// scoped to the repositories of the run, converged so that a re-run writes nothing, with
// what other workflows keep there left alone.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { errorsOf, runAction, warningsOf } from './helpers/action.js'
import type { Emulator } from './helpers/emulator.js'
import {
  INSTANCE,
  eeInputs,
  eeRequests,
  planOf,
  resultOf,
  startWithInstance,
  writes
} from './helpers/enterprise.js'

let emulator: Emulator
beforeEach(async () => {
  emulator = await startWithInstance()
  emulator.addInstanceNamespace(INSTANCE, 'group')
  emulator.push(INSTANCE, 'group', 'app')
  emulator.push(INSTANCE, 'group', 'web')
})
afterEach(async () => {
  await emulator.close()
})

const state = () => emulator.instanceState(INSTANCE)
const scope = (pattern: string) => ({
  repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern }]
})
const keep = (template: string, n: number, decoration: string, pattern: string, repos: string) => ({
  priority: 0,
  disabled: false,
  action: 'retain',
  template,
  params: { [template]: n },
  tag_selectors: [{ kind: 'doublestar', decoration, pattern }],
  scope_selectors: scope(repos),
  repo_scope_mode: 'regular'
})

async function convergedTwice(inputs: Record<string, string>) {
  const run = await runAction(inputs)
  expect(errorsOf(run)).toBe('')
  emulator.resetLog()
  const again = await runAction(inputs)
  expect(errorsOf(again)).toBe('')
  expect(planOf(again.outputs)).toEqual([])
  expect(writes(emulator)).toEqual([])
  return run
}

describe('retention', () => {
  it('becomes a namespace policy scoped to the repositories, exceptions excluded from the count and kept by their own rule; a re-run writes nothing', async () => {
    const run = await convergedTwice(
      eeInputs(emulator, {
        repository: 'web\napp',
        retention_keep_last: '10',
        retention_exceptions: 'latest\nstable'
      })
    )
    expect(resultOf(run.outputs).map(r => r['retention'])).toEqual(['created', 'created'])
    const [policy, ...more] = state().retentionPolicies
    expect(more).toEqual([])
    expect(policy).toMatchObject({
      name: 'group-retention',
      algorithm: 'or',
      enabled: true,
      namespace_name: 'group',
      trigger: { type: 'scheduled', trigger_settings: { cron: '0 0 0 * * ?' } }
    })
    const patterns = '{latest,stable,sha256-*,*.sig,*.att,*.sbom}'
    expect(policy?.['rules']).toEqual([
      expect.objectContaining(keep('latestPushedK', 10, 'excludes', patterns, '{app,web}')),
      expect.objectContaining(keep('nDaysSinceLastPush', 36500, 'matches', patterns, '{app,web}'))
    ])
  })

  it('on an instance whose feature gate says one rule a policy, keeping signature tags fails before writing, saying why; one rule is created without reading the gate', async () => {
    emulator.variants['eeRetentionRules'] = 'one'
    const refused = await runAction(eeInputs(emulator, { retention_keep_last: '10' }))
    expect(refused.exitCode).toBe(1)
    expect(errorsOf(refused)).toContain(
      'would hold 2 rules, and the instance takes one rule a policy (its feature gate enableCombinationRetention is false)'
    )
    expect(errorsOf(refused)).toContain('retention_keep_signatures')
    expect(writes(emulator)).toEqual([])
    expect(eeRequests(emulator).filter(r => r.endsWith('/feature-gates'))).toHaveLength(1)
    expect(state().retentionPolicies).toEqual([])

    emulator.resetLog()
    const run = await convergedTwice(
      eeInputs(emulator, { retention_keep_last: '10', retention_keep_signatures: 'false' })
    )
    expect(resultOf(run.outputs)[0]?.['retention']).toBe('created')
    expect(state().retentionPolicies[0]?.['rules']).toEqual([
      expect.objectContaining(keep('latestPushedK', 10, 'matches', '**', 'app'))
    ])
    expect(eeRequests(emulator).filter(r => r.endsWith('/feature-gates'))).toEqual([])
  })

  it("on such an instance, one rule of the run's beside another workflow's fails before writing, naming the other rules and the ways out", async () => {
    emulator.variants['eeRetentionRules'] = 'one'
    const theirs = keep('latestPushedK', 99, 'matches', '**', 'other')
    emulator.addInstanceRetention(INSTANCE, 'group', {
      name: 'by-hand',
      algorithm: 'or',
      enabled: true,
      rules: [theirs],
      trigger: { type: 'scheduled', trigger_settings: { cron: '0 0 5 * * ?' } }
    })
    const before = state().retentionPolicies
    const run = await runAction(
      eeInputs(emulator, { retention_keep_last: '7', retention_keep_signatures: 'false' })
    )
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain("the namespace's policy holds 1 rule for other repositories")
    expect(errorsOf(run)).toContain(
      "leave this namespace's retention to one workflow or to the console"
    )
    expect(writes(emulator)).toEqual([])
    expect(state().retentionPolicies).toEqual(before)
  })

  it('a dry run on such an instance reports the same failure, having read the gate', async () => {
    emulator.variants['eeRetentionRules'] = 'one'
    const dry = await runAction(eeInputs(emulator, { retention_keep_last: '10', dry_run: 'true' }))
    expect(dry.exitCode).toBe(1)
    expect(errorsOf(dry)).toContain('enableCombinationRetention is false')
    expect(resultOf(dry.outputs)[0]?.['retention']).toBe('failed')
    expect(writes(emulator)).toEqual([])
  })

  it('on an instance whose feature gates say nothing of combination, the policy is sent and its refusal explained', async () => {
    emulator.variants['eeRetentionRules'] = 'one'
    emulator.variants['eeFeatureGates'] = 'absent'
    const refused = await runAction(eeInputs(emulator, { retention_keep_last: '10' }))
    expect(refused.exitCode).toBe(1)
    expect(errorsOf(refused)).toContain('The policy holds 2 rules, and the instance may take one')
    expect(state().retentionPolicies).toEqual([])
  })

  it('on an instance that allows several rules, the gate is read once before a policy of two is created, and not on a re-run', async () => {
    const inputs = eeInputs(emulator, { retention_keep_last: '10' })
    expect(errorsOf(await runAction(inputs))).toBe('')
    const calls = eeRequests(emulator).filter(r => /feature-gates|retention/.test(r))
    expect(calls).toEqual([
      'GET ~/retention/policies?limit=100&offset=0',
      'GET ~/feature-gates',
      'POST ~/namespaces/group/retention/policies'
    ])
    expect(state().retentionPolicies[0]?.['rules']).toHaveLength(2)
    await convergedTwice(inputs)
    expect(eeRequests(emulator).filter(r => r.endsWith('/feature-gates'))).toEqual([])
  })

  it('on an instance that takes one rule a policy on update only, a change to a two-rule policy is refused with the reason and the policy is left as it was', async () => {
    emulator.variants['eeRetentionRules'] = 'one-on-update'
    await convergedTwice(eeInputs(emulator, { retention_keep_last: '10' }))
    const before = state().retentionPolicies
    expect(before[0]?.['rules']).toHaveLength(2)

    const changed = await runAction(eeInputs(emulator, { retention_keep_last: '5' }))
    expect(changed.exitCode).toBe(1)
    expect(errorsOf(changed)).toContain('The policy holds 2 rules, and the instance may take one')
    expect(state().retentionPolicies).toEqual(before)
  })

  it('by days, without signature tags when told, matches every tag', async () => {
    await convergedTwice(
      eeInputs(emulator, { retention_keep_days: '30', retention_keep_signatures: 'false' })
    )
    expect(state().retentionPolicies[0]?.['rules']).toEqual([
      expect.objectContaining(keep('nDaysSinceLastPush', 30, 'matches', '**', 'app'))
    ])
  })

  it("is merged into the namespace's policy: other scopes' rules and its schedule kept, the run's own replaced", async () => {
    const theirs = keep('latestPushedK', 99, 'matches', '**', 'other')
    emulator.addInstanceRetention(INSTANCE, 'group', {
      name: 'by-hand',
      algorithm: 'or',
      enabled: true,
      rules: [theirs, keep('latestPushedK', 3, 'matches', '**', 'app')],
      trigger: { type: 'scheduled', trigger_settings: { cron: '0 0 5 * * ?' } }
    })
    const run = await convergedTwice(
      eeInputs(emulator, { retention_keep_last: '7', retention_keep_signatures: 'false' })
    )
    expect(resultOf(run.outputs)[0]?.['retention']).toBe('updated')
    const [policy] = state().retentionPolicies
    expect(policy).toMatchObject({
      name: 'by-hand',
      trigger: { trigger_settings: { cron: '0 0 5 * * ?' } }
    })
    expect(policy?.['rules']).toEqual([
      expect.objectContaining(theirs),
      expect.objectContaining(keep('latestPushedK', 7, 'matches', '**', 'app'))
    ])
  })

  it("made by another run between the read and the create takes the run's rules instead (409 on the create)", async () => {
    const theirs = keep('latestPushedK', 99, 'matches', '**', 'other')
    emulator.addInstanceRetention(INSTANCE, 'group', {
      name: 'other-run',
      algorithm: 'or',
      enabled: true,
      rules: [theirs],
      trigger: { type: 'scheduled', trigger_settings: { cron: '0 0 5 * * ?' } }
    })
    // The list says there is none, as it would have a moment before the other run's create.
    emulator.inject({
      method: 'GET',
      path: /\/retention\/policies$/,
      kind: 'status',
      status: 200,
      body: { total: 0, retentions: [] }
    })
    const run = await runAction(
      eeInputs(emulator, { retention_keep_last: '7', retention_keep_signatures: 'false' })
    )
    expect(errorsOf(run)).toBe('')
    expect(writes(emulator)).toEqual([
      'POST ~/namespaces/group/retention/policies',
      `PUT ~/namespaces/group/retention/policies/${state().retentionPolicies[0]?.['id']}`
    ])
    expect(state().retentionPolicies[0]?.['rules']).toEqual([
      expect.objectContaining(theirs),
      expect.objectContaining(keep('latestPushedK', 7, 'matches', '**', 'app'))
    ])
  })

  it('is found on the second page of the instance-wide lists, read 100 at a time with offsets that are multiples of 100: a re-run writes nothing', async () => {
    const policy = (repos: string) => ({
      name: 'theirs',
      algorithm: 'or',
      enabled: true,
      rules: [keep('latestPushedK', 3, 'matches', '**', repos)],
      trigger: { type: 'scheduled', trigger_settings: { cron: '0 0 5 * * ?' } }
    })
    const immutable = (pattern: string) => ({
      tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern }],
      scope_selectors: scope('**')
    })
    for (let i = 0; i < 120; i++) {
      emulator.addInstanceNamespace(INSTANCE, `ns-${i}`)
      emulator.addInstanceRetention(INSTANCE, `ns-${i}`, policy('x'))
      if (i < 8)
        for (let j = 0; j < 15; j++)
          emulator.addImmutableRule(INSTANCE, `ns-${i}`, immutable(`v${j}*`))
    }
    const inputs = eeInputs(emulator, { retention_keep_last: '7', immutable_tags: 'v*' })
    await convergedTwice(inputs)
    const lists = eeRequests(emulator).filter(r =>
      /retention\/policies\?|immutabletagrules\?/.test(r)
    )
    expect(lists.sort()).toEqual([
      'GET ~/immutabletagrules?limit=100&offset=0',
      'GET ~/immutabletagrules?limit=100&offset=100',
      'GET ~/retention/policies?limit=100&offset=0',
      'GET ~/retention/policies?limit=100&offset=100'
    ])
    expect(state().retentionPolicies.filter(p => p['namespace_name'] === 'group')).toHaveLength(1)
  })

  it('whose create loses its answer is read back, not made twice', async () => {
    emulator.inject({ method: 'POST', path: /\/retention\/policies$/, kind: 'lose-answer' })
    const run = await runAction(eeInputs(emulator, { retention_keep_last: '7' }))
    expect(errorsOf(run)).toBe('')
    expect(state().retentionPolicies).toHaveLength(1)
    expect(writes(emulator)).toEqual(['POST ~/namespaces/group/retention/policies'])
  })

  it('of a namespace this run creates is created with it', async () => {
    const run = await runAction(
      eeInputs(emulator, { namespace: 'fresh', retention_keep_last: '5' })
    )
    expect(errorsOf(run)).toBe('')
    expect(writes(emulator)).toEqual([
      'POST ~/namespaces',
      'POST ~/namespaces/fresh/retention/policies'
    ])
    expect(state().retentionPolicies.map(p => p['namespace_name'])).toEqual(['fresh'])
  })
})

describe('immutable_tags', () => {
  const rulesOf = () =>
    state().immutableRules.map(r => ({
      pattern: r['tag_selectors'][0].pattern,
      scope: r['scope_selectors'].repository[0].pattern,
      disabled: r['disabled']
    }))
  const rule = (pattern: string, repos: string, disabled = false) => ({
    priority: 0,
    disabled,
    action: 'immutable',
    template: 'immutable_template',
    tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern }],
    scope_selectors: scope(repos)
  })

  it('become one rule per pattern scoped to the repositories; a re-run writes nothing', async () => {
    const run = await convergedTwice(
      eeInputs(emulator, { repository: 'app\nweb', immutable_tags: 'v*\nrelease-{a,b}' })
    )
    expect(resultOf(run.outputs).map(r => r['immutability'])).toEqual(['created', 'created'])
    expect(rulesOf()).toEqual([
      { pattern: 'v*', scope: '{app,web}', disabled: false },
      { pattern: 'release-{a,b}', scope: '{app,web}', disabled: false }
    ])
  })

  it('enable a disabled rule of a listed pattern', async () => {
    emulator.addImmutableRule(INSTANCE, 'group', rule('v*', 'app', true))
    await convergedTwice(eeInputs(emulator, { immutable_tags: 'v*' }))
    expect(rulesOf()).toEqual([{ pattern: 'v*', scope: 'app', disabled: false }])
  })

  it('leave rules of other scopes alone, whatever on_drift says', async () => {
    emulator.addImmutableRule(INSTANCE, 'group', rule('x*', 'web'))
    await convergedTwice(eeInputs(emulator, { immutable_tags: 'v*', on_drift: 'update' }))
    expect(rulesOf()).toEqual([
      { pattern: 'x*', scope: 'web', disabled: false },
      { pattern: 'v*', scope: 'app', disabled: false }
    ])
  })

  it('leave an unlisted rule of the same scope and warn under on_drift: warn', async () => {
    emulator.addImmutableRule(INSTANCE, 'group', rule('old-*', 'app'))
    const run = await runAction(eeInputs(emulator, { immutable_tags: 'v*' }))
    expect(warningsOf(run)).toContain(
      'Namespace "group" has immutable tag rules for app that immutable_tags does not list: old-*; left as they are (on_drift: warn).'
    )
    expect(rulesOf().map(r => r.pattern)).toEqual(['old-*', 'v*'])
  })

  it('delete an unlisted rule of the same scope under on_drift: update', async () => {
    const old = emulator.addImmutableRule(INSTANCE, 'group', rule('old-*', 'app'))
    const run = await convergedTwice(
      eeInputs(emulator, { immutable_tags: 'v*', on_drift: 'update' })
    )
    expect(planOf(run.outputs).map(c => `${c.resource} ${c.action}`)).toEqual([
      'immutability create',
      'immutability delete'
    ])
    expect(rulesOf().map(r => r.pattern)).toEqual(['v*'])
    expect(state().immutableRules.some(r => r['id'] === old['id'])).toBe(false)
  })

  it('fail the run on an unlisted rule of the same scope under on_drift: fail, writing nothing', async () => {
    emulator.addImmutableRule(INSTANCE, 'group', rule('old-*', 'app'))
    const run = await runAction(eeInputs(emulator, { immutable_tags: 'v*', on_drift: 'fail' }))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain('immutable_tags does not list: old-* (on_drift: fail).')
    expect(writes(emulator)).toEqual([])
  })
})

describe('when the list of repositories changes between runs', () => {
  const scopes = (rules: unknown[]) =>
    (rules as { scope_selectors: { repository: { pattern: string }[] } }[]).map(
      r => r.scope_selectors.repository[0]?.pattern
    )

  it('retention replaces the rules made for the earlier list, so the new count holds', async () => {
    await convergedTwice(eeInputs(emulator, { repository: 'app', retention_keep_last: '20' }))
    const run = await convergedTwice(
      eeInputs(emulator, { repository: 'app\nweb', retention_keep_last: '5' })
    )
    expect(planOf(run.outputs).map(c => `${c.resource} ${c.action}`)).toEqual(['retention update'])
    const rules = state().retentionPolicies[0]?.['rules'] as unknown[]
    expect(new Set(scopes(rules))).toEqual(new Set(['{app,web}']))
  })

  it('immutable tag rules made for the earlier list follow on_drift: fail names them', async () => {
    await convergedTwice(eeInputs(emulator, { repository: 'app', immutable_tags: 'v*' }))
    const run = await runAction(
      eeInputs(emulator, { repository: 'app\nweb', immutable_tags: 'release-*', on_drift: 'fail' })
    )
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain('v* (for app)')
    expect(writes(emulator)).toEqual([])
  })

  it('immutable tag rules made for the earlier list follow on_drift: update deletes them', async () => {
    await convergedTwice(eeInputs(emulator, { repository: 'app', immutable_tags: 'v*' }))
    await convergedTwice(
      eeInputs(emulator, {
        repository: 'app\nweb',
        immutable_tags: 'release-*',
        on_drift: 'update'
      })
    )
    const rules = state().immutableRules as unknown[]
    expect(scopes(rules)).toEqual(['{app,web}'])
  })
})
