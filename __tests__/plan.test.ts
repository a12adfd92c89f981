// The plan is a pure function of what the inputs want and what was read: tested with plain
// objects, no emulator.
import { describe, expect, it } from 'vitest'
import {
  changesOf,
  makePlan,
  planRepository,
  type RepositoryObservation
} from '../src/standard/plan.js'
import { organizationFromReads } from '../src/resources/organization.js'
import { retentionRules } from '../src/resources/retention.js'
import type { Wanted } from '../src/resources/types.js'
import type { RepositoryInfo, RetentionPolicy } from '../src/swr/client.js'

const wanted = (extra: Partial<Wanted> = {}): Wanted => ({
  namespace: 'group',
  repositories: ['app'],
  settings: {},
  onDrift: 'warn',
  ...extra
})

const existing = (info: Partial<RepositoryInfo> = {}, policies?: RetentionPolicy[]) =>
  ({
    read: {
      state: 'exists',
      info: { name: 'app', is_public: false, category: 'other', description: '', ...info }
    },
    ...(policies ? { policies } : {})
  }) satisfies RepositoryObservation

const absent = (organizationMissing = false): RepositoryObservation => ({
  read: { state: 'absent', organizationMissing }
})

describe('the organization', () => {
  it('is known to exist from any repository found, and missing only from SWR saying so', () => {
    expect(organizationFromReads([absent().read, existing().read])).toBe('exists')
    expect(organizationFromReads([absent(true).read, absent().read])).toBe('missing')
    expect(organizationFromReads([absent().read, undefined])).toBe('unknown')
  })

  it('is created first, once, when it is missing and a repository goes in it', () => {
    const plan = makePlan(wanted({ repositories: ['a', 'b'] }), {
      organization: 'missing',
      repositories: [absent(true), absent(true)]
    })
    expect(changesOf(plan).map(c => `${c.resource} ${c.name} ${c.action}`)).toEqual([
      'organization group create',
      'repository group/a create',
      'repository group/b create'
    ])
  })

  it('is not planned when its state is unknown (a real run learns it from the create)', () => {
    const plan = makePlan(wanted(), { organization: 'unknown', repositories: [absent()] })
    expect(plan.organization).toBeUndefined()
    expect(changesOf(plan)).toHaveLength(1)
  })
})

describe('a repository', () => {
  it('that is missing is created private and "other" unless the workflow set them', () => {
    const [change] = planRepository(wanted(), 'app', absent()).changes
    expect(change).toEqual({
      resource: 'repository',
      name: 'group/app',
      action: 'create',
      before: null,
      after: { is_public: false, category: 'other', description: '' },
      reason: 'the repository does not exist'
    })
    const set = planRepository(
      wanted({ settings: { is_public: true, category: 'linux', description: 'd' } }),
      'app',
      absent()
    )
    expect(set.changes[0]?.after).toEqual({ is_public: true, category: 'linux', description: 'd' })
  })

  it('is compared only on the settings the workflow set', () => {
    const publicOne = existing({ is_public: true, category: 'lang', description: 'old' })
    const plan = planRepository(
      wanted({ onDrift: 'update', settings: { description: 'new' } }),
      'app',
      publicOne
    )
    expect(plan.drift).toEqual([{ setting: 'description', actual: 'old', wanted: 'new' }])
    // The update sends the whole settings SWR requires: is_public and category stay as they are.
    expect(plan.changes[0]).toMatchObject({
      action: 'update',
      before: { is_public: true, category: 'lang', description: 'old' },
      after: { is_public: true, category: 'lang', description: 'new' }
    })
  })

  it('is made public only when is_public: true was given', () => {
    const privateOne = existing({ is_public: false })
    const unset = planRepository(wanted({ onDrift: 'update' }), 'app', privateOne)
    expect(unset.changes).toEqual([])
    const asked = planRepository(
      wanted({ onDrift: 'update', settings: { is_public: true } }),
      'app',
      privateOne
    )
    expect(asked.changes[0]?.after).toMatchObject({ is_public: true })
  })

  it('that drifts is left alone with a warning under warn, and fails under fail', () => {
    const drifted = existing({ category: 'lang' })
    const settings = { category: 'linux' as const }
    const warn = planRepository(wanted({ settings }), 'app', drifted)
    expect(warn.changes).toEqual([])
    expect(warn.warnings).toEqual([
      'Repository "group/app" differs from the inputs and was left as it is (on_drift: warn): category is "lang", wanted "linux".'
    ])
    const fail = planRepository(wanted({ settings, onDrift: 'fail' }), 'app', drifted)
    expect(fail.changes).toEqual([])
    expect(fail.failure).toBe(
      'Repository "group/app" differs from the inputs (on_drift: fail): category is "lang", wanted "linux".'
    )
  })

  it('whose read failed plans nothing and carries the error', () => {
    const plan = planRepository(wanted(), 'app', { error: 'read repository failed: HTTP 500' })
    expect(plan).toMatchObject({ changes: [], failure: 'read repository failed: HTTP 500' })
  })
})

describe('retention', () => {
  const retention = { keepLast: 10, exceptions: [{ kind: 'label' as const, pattern: 'latest' }] }
  const rules = retentionRules(retention)
  const policy = (id: number, r = rules): RetentionPolicy => ({ id, rules: r })
  const plan = (policies?: RetentionPolicy[]) =>
    planRepository(wanted({ retention }), 'app', policies ? existing({}, policies) : absent())

  it('is created with a new repository, after it', () => {
    expect(plan().changes.map(c => `${c.resource} ${c.action}`)).toEqual([
      'repository create',
      'retention create'
    ])
  })

  it('is left alone when the policy matches, whatever the order of its selectors', () => {
    const both = {
      keepLast: 10,
      exceptions: [...retention.exceptions, { kind: 'regexp' as const, pattern: '^v' }]
    }
    const [rule] = retentionRules(both)
    const reversed = { ...rule!, tag_selectors: [...rule!.tag_selectors].reverse() }
    const result = planRepository(
      wanted({ retention: both }),
      'app',
      existing({}, [policy(1, [reversed])])
    )
    expect(result.changes).toEqual([])
    expect(result.warnings).toEqual([])
  })

  it('is updated in place when only its numbers or exceptions differ', () => {
    const other = retentionRules({ keepLast: 5, exceptions: [] })
    expect(plan([policy(7, other)]).changes[0]).toMatchObject({
      action: 'update',
      before: { id: 7, rules: other },
      after: { rules }
    })
  })

  it('is replaced when the template differs, which SWR cannot change in place', () => {
    const days = retentionRules({ keepDays: 30, exceptions: [] })
    expect(plan([policy(7, days)]).changes[0]).toMatchObject({
      action: 'replace',
      before: { id: 7 }
    })
  })

  it('manages one of several policies, leaves the others as they are, and says so', () => {
    const result = plan([policy(1), policy(2)])
    expect(result.changes).toEqual([])
    expect(result.warnings).toEqual([
      'Repository "group/app" has 2 retention policies; the action manages policy 1 and leaves policy 2 as it is.'
    ])
  })

  it('of several policies, manages the one with the wanted rules wherever it stands', () => {
    const days = retentionRules({ keepDays: 30, exceptions: [] })
    const result = plan([policy(1, days), policy(2)])
    expect(result.changes).toEqual([])
    expect(result.warnings[0]).toContain('manages policy 2 and leaves policy 1')
  })

  it('of several policies none of which is wanted, changes the one of the same template in place', () => {
    const days = retentionRules({ keepDays: 30, exceptions: [] })
    const tags = retentionRules({ keepLast: 9, exceptions: [] })
    expect(plan([policy(1, days), policy(2, tags)]).changes[0]).toMatchObject({
      action: 'update',
      before: { id: 2 }
    })
  })
})
