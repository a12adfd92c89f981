// The instance's plan, from plain objects: what each read state and input turns into, and the
// policies' rules as they are sent. Pure functions: no emulator, no network.
import { describe, expect, it } from 'vitest'
import { SIGNATURE_TAGS } from '../src/github/inputs.js'
import { diffImmutability, immutableRule } from '../src/enterprise/immutability.js'
import { enterpriseChanges, makeEnterprisePlan } from '../src/enterprise/plan.js'
import { diffRetention, exceptionPatterns, wantedRules } from '../src/enterprise/retention.js'
import type { EnterpriseObserved, EnterpriseWanted } from '../src/enterprise/types.js'
import type { StoredImmutableRule, StoredRetentionPolicy } from '../src/swr/enterprise-client.js'

const wanted = (extra: Partial<EnterpriseWanted> = {}): EnterpriseWanted => ({
  instanceId: 'ins-1',
  namespace: 'group',
  repositories: ['app'],
  description: '',
  onDrift: 'warn',
  ...extra
})
const exists = (description = '') => ({
  read: { state: 'exists' as const, info: { name: 'app', description } }
})
const absent = { read: { state: 'absent' as const } }
const observed = (extra: Partial<EnterpriseObserved> = {}): EnterpriseObserved => ({
  namespace: { name: 'group', isPublic: false },
  repositories: [exists()],
  ...extra
})
const summary = (w: EnterpriseWanted, o: EnterpriseObserved) =>
  enterpriseChanges(makeEnterprisePlan(w, o)).map(c => `${c.resource} ${c.name} ${c.action}`)

describe('the namespace', () => {
  it('is created, private unless is_public says otherwise, when missing', () => {
    const plan = makeEnterprisePlan(
      wanted({ isPublic: true }),
      observed({ namespace: 'missing', repositories: [absent] })
    )
    expect(plan.namespaceChange).toMatchObject({
      action: 'create',
      after: { namespace: 'group', is_public: true }
    })
    expect(
      makeEnterprisePlan(wanted(), observed({ namespace: 'missing', repositories: [absent] }))
        .namespaceChange?.after
    ).toEqual({ namespace: 'group', is_public: false })
  })

  it('is not compared when is_public is not set', () => {
    expect(summary(wanted(), observed({ namespace: { name: 'group', isPublic: true } }))).toEqual(
      []
    )
  })

  it('visibility drift warns, updates or fails the whole run as on_drift says', () => {
    const publicNs = observed({ namespace: { name: 'group', isPublic: true } })
    const warn = makeEnterprisePlan(wanted({ isPublic: false }), publicNs)
    expect(warn.namespaceChange).toBeUndefined()
    expect(warn.warnings).toEqual([
      'Namespace "group" is public, wanted private; left as it is (on_drift: warn).'
    ])
    const update = makeEnterprisePlan(wanted({ isPublic: false, onDrift: 'update' }), publicNs)
    expect(update.namespaceChange).toMatchObject({
      action: 'update',
      before: { is_public: true },
      after: { is_public: false }
    })
    const fail = makeEnterprisePlan(
      wanted({ isPublic: false, onDrift: 'fail', description: 'd' }),
      observed({ namespace: { name: 'group', isPublic: true }, repositories: [absent] })
    )
    expect(fail.failure).toBe('Namespace "group" is public, wanted private (on_drift: fail).')
    expect(enterpriseChanges(fail)).toEqual([])
    expect(fail.repositories[0]?.failure).toBe(fail.failure)
  })
})

describe('a repository', () => {
  it('that is missing is planned as the create the first push makes', () => {
    const [change] = enterpriseChanges(
      makeEnterprisePlan(wanted({ description: 'd' }), observed({ repositories: [absent] }))
    )
    expect(change).toMatchObject({
      resource: 'repository',
      name: 'group/app',
      action: 'create',
      after: { description: 'd' }
    })
    expect(change?.reason).toContain('the first docker push creates it')
  })

  it('gets the description when it has none, whatever on_drift says', () => {
    for (const onDrift of ['warn', 'update', 'fail'] as const) {
      const plan = makeEnterprisePlan(wanted({ description: 'd', onDrift }), observed())
      expect(plan.repositories[0]?.change).toMatchObject({
        action: 'update',
        before: { description: '' },
        after: { description: 'd' }
      })
    }
  })

  it('with another description follows on_drift', () => {
    const other = observed({ repositories: [exists('old')] })
    expect(makeEnterprisePlan(wanted({ description: 'd' }), other).repositories[0]).toMatchObject({
      drift: [{ setting: 'description', actual: 'old', wanted: 'd' }],
      warning: expect.stringContaining('left as it is (on_drift: warn)')
    })
    expect(
      makeEnterprisePlan(wanted({ description: 'd', onDrift: 'update' }), other).repositories[0]
        ?.change
    ).toMatchObject({ action: 'update', after: { description: 'd' } })
    expect(
      makeEnterprisePlan(wanted({ description: 'd', onDrift: 'fail' }), other).repositories[0]
        ?.failure
    ).toContain('description is "old", wanted "d" (on_drift: fail)')
  })

  it('without a description input is never compared', () => {
    expect(summary(wanted(), observed({ repositories: [exists('old')] }))).toEqual([])
  })
})

describe('retention rules', () => {
  const spec = { keepLast: 10, exceptions: [{ kind: 'label' as const, pattern: 'latest' }] }

  it('keep the last N outside the exceptions, and the exceptions for a hundred years, scoped to the repositories', () => {
    expect(wantedRules(spec, ['web', 'api'])).toEqual([
      {
        priority: 0,
        disabled: false,
        action: 'retain',
        template: 'latestPushedK',
        params: { latestPushedK: 10 },
        tag_selectors: [{ kind: 'doublestar', decoration: 'excludes', pattern: 'latest' }],
        scope_selectors: {
          repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '{api,web}' }]
        },
        repo_scope_mode: 'regular'
      },
      expect.objectContaining({
        template: 'nDaysSinceLastPush',
        params: { nDaysSinceLastPush: 36500 },
        tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'latest' }]
      })
    ])
  })

  it('keep the days since the last push, matching every tag when there is no exception', () => {
    const [rule, ...more] = wantedRules({ keepDays: 30, exceptions: [] }, ['app'])
    expect(more).toEqual([])
    expect(rule).toMatchObject({
      template: 'nDaysSinceLastPush',
      params: { nDaysSinceLastPush: 30 },
      tag_selectors: [{ decoration: 'matches', pattern: '**' }],
      scope_selectors: { repository: [{ pattern: 'app' }] }
    })
  })

  it('turn the signature tags into their globs', () => {
    expect(
      exceptionPatterns({
        keepLast: 1,
        exceptions: [{ kind: 'label', pattern: 'v1' }, ...SIGNATURE_TAGS]
      })
    ).toEqual(['v1', 'sha256-*', '*.sig', '*.att', '*.sbom'])
  })

  const stored = (rules = wantedRules(spec, ['app'])): StoredRetentionPolicy => ({
    id: 4,
    name: 'group-retention',
    algorithm: 'or',
    enabled: true,
    rules,
    trigger: { type: 'scheduled', trigger_settings: { cron: '0 0 1 * * ?' } }
  })

  it('are created in a new policy when the namespace has none, or is new', () => {
    for (const policies of [[], undefined]) {
      const { change } = diffRetention('group', spec, ['app'], policies)
      expect(change).toMatchObject({
        resource: 'retention',
        name: 'group',
        action: 'create',
        before: null,
        after: {
          name: 'group-retention',
          algorithm: 'or',
          enabled: true,
          rules: wantedRules(spec, ['app']),
          trigger: { type: 'scheduled', trigger_settings: { cron: '0 0 0 * * ?' } }
        }
      })
    }
  })

  it('are left alone when the policy holds them, whatever their ids, priorities and number types', () => {
    const rules = wantedRules(spec, ['app']).map((r, i) => ({
      ...r,
      id: 10 + i,
      priority: 3,
      params: Object.fromEntries(Object.entries(r.params).map(([k, v]) => [k, String(v)]))
    })) as unknown as StoredRetentionPolicy['rules']
    expect(diffRetention('group', spec, ['app'], [stored(rules)])).toEqual({})
  })

  it("replace only the run's own rules in an existing policy, keeping other scopes' and its schedule", () => {
    const theirs = wantedRules({ keepLast: 99, exceptions: [] }, ['other'])
    const current = stored([...theirs, ...wantedRules({ keepLast: 3, exceptions: [] }, ['app'])])
    const { change } = diffRetention('group', spec, ['app'], [current])
    expect(change?.action).toBe('update')
    expect(change?.reason).toContain('its rules for them differ')
    const after = change?.after as unknown as StoredRetentionPolicy
    expect(after.rules).toEqual([...theirs, ...wantedRules(spec, ['app'])])
    expect(after.trigger).toEqual(current.trigger)
  })

  it('are enabled and scheduled when the policy is disabled or only runs by hand', () => {
    const manual = { ...stored(), enabled: false, trigger: { type: 'manual' as const } }
    const { change } = diffRetention('group', spec, ['app'], [manual])
    expect(change?.reason).toContain('it is disabled, it only runs by hand')
    expect(change?.after).toMatchObject({ enabled: true, trigger: { type: 'scheduled' } })
  })
})

describe('immutable tag rules', () => {
  const rule = (id: number, pattern: string, extra: Partial<StoredImmutableRule> = {}) => ({
    ...immutableRule(pattern, ['app']),
    id,
    ...extra
  })

  it('are created for each pattern without a rule, and enabled when disabled', () => {
    const diff = diffImmutability(
      'group',
      ['v*', 'release-*'],
      ['app'],
      [rule(1, 'release-*', { disabled: true })],
      'warn'
    )
    expect(diff.changes.map(c => [c.action, c.after])).toEqual([
      ['create', { pattern: 'v*', repositories: 'app', disabled: false }],
      ['update', { pattern: 'release-*', repositories: 'app', disabled: false, id: 1 }]
    ])
  })

  it('leave rules of other scopes alone, and unlisted ones of this scope to on_drift', () => {
    const others = { ...immutableRule('x*', ['web']), id: 7 }
    const rules = [rule(1, 'v*'), rule(2, 'old-*'), others]
    expect(diffImmutability('group', ['v*'], ['app'], rules, 'warn')).toEqual({
      changes: [],
      warning:
        'Namespace "group" has immutable tag rules for app that immutable_tags does not list: old-*; left as they are (on_drift: warn).'
    })
    expect(diffImmutability('group', ['v*'], ['app'], rules, 'update').changes).toEqual([
      expect.objectContaining({
        action: 'delete',
        before: expect.objectContaining({ id: 2 }),
        after: null
      })
    ])
    expect(diffImmutability('group', ['v*'], ['app'], rules, 'fail').failure).toContain(
      'old-* (on_drift: fail).'
    )
  })

  it('of a namespace to be created are all created', () => {
    const plan = makeEnterprisePlan(
      wanted({ immutableTags: ['v*'], retention: { keepLast: 5, exceptions: [] } }),
      observed({ namespace: 'missing', repositories: [absent] })
    )
    expect(enterpriseChanges(plan).map(c => `${c.resource} ${c.action}`)).toEqual([
      'namespace create',
      'repository create',
      'retention create',
      'immutability create'
    ])
  })
})

describe('reads that failed', () => {
  it('fail their repository alone', () => {
    const plan = makeEnterprisePlan(
      wanted({ repositories: ['app', 'web'], description: 'd' }),
      observed({
        repositories: [{ error: 'read repository "group/app" failed: HTTP 500' }, exists()]
      })
    )
    expect(plan.repositories.map(r => r.failure)).toEqual([
      'read repository "group/app" failed: HTTP 500',
      undefined
    ])
    expect(enterpriseChanges(plan).map(c => c.name)).toEqual(['group/web'])
  })
})
