// Sharing and replication plans, as pure functions of what is wanted and what was read.
import { describe, expect, it } from 'vitest'
import {
  makePlan,
  planRepositories,
  planRepository,
  targetsNeeded,
  type RepositoryObservation
} from '../src/standard/plan.js'
import { diffReplication } from '../src/resources/replication.js'
import { deadlineOf, diffSharing } from '../src/resources/sharing.js'
import type { Wanted } from '../src/resources/types.js'

const wanted = (extra: Partial<Wanted> = {}): Wanted => ({
  namespace: 'group',
  repositories: ['app'],
  settings: {},
  onDrift: 'warn',
  ...extra
})
const existing = (
  extra: Partial<RepositoryObservation> = {},
  isPublic = false
): RepositoryObservation => ({
  read: {
    state: 'exists',
    info: { name: 'app', is_public: isPublic, category: 'other', description: '' }
  },
  ...extra
})
const target = {
  region: 'ap-southeast-1',
  namespace: 'group',
  registry: 'swr.ap-southeast-1.myhuaweicloud.com'
}

describe('sharing', () => {
  it('lasts forever unless a date is given, which ends at UTC midnight', () => {
    expect(deadlineOf({ account: 'partner' })).toBe('forever')
    expect(deadlineOf({ account: 'partner', until: '2027-03-01' })).toBe('2027-03-01T00:00:00Z')
  })

  it('is created when missing and changed when its deadline differs, whatever its date format', () => {
    const current = [
      { account: 'same', deadline: '2027-03-01T00:00:00.000Z' },
      { account: 'moved', deadline: 'forever' }
    ]
    const diff = diffSharing(
      'group/app',
      [
        { account: 'same', until: '2027-03-01' },
        { account: 'moved', until: '2027-01-01' },
        { account: 'new' }
      ],
      current,
      'warn'
    )
    expect(diff.changes.map(c => [c.action, c.after])).toEqual([
      ['update', { account: 'moved', deadline: '2027-01-01T00:00:00Z' }],
      ['create', { account: 'new', deadline: 'forever' }]
    ])
  })

  const found = 'Repository "group/app" is shared with "old", not listed in share_with'
  it.each([
    ['warn', 0, `${found}; left as it is (on_drift: warn).`, undefined],
    ['update', 1, undefined, undefined],
    ['fail', 0, undefined, `${found} (on_drift: fail).`]
  ] as const)(
    'with an account not listed, under %s: deletes %s, and warns or fails only as the policy says',
    (onDrift, deletes, warning, failure) => {
      const diff = diffSharing('group/app', [], [{ account: 'old', deadline: 'forever' }], onDrift)
      expect(diff.changes.filter(c => c.action === 'delete')).toHaveLength(deletes)
      expect({ warning: diff.warning, failure: diff.failure }).toEqual({ warning, failure })
    }
  )

  it('of a public repository is refused for that repository, not silently skipped', () => {
    const plan = planRepository(
      wanted({ shareWith: [{ account: 'partner' }] }),
      'app',
      existing({ sharing: [] }, true)
    )
    expect(plan.changes).toEqual([])
    expect(plan.failure).toContain('is public, and SWR shares only private repositories')
  })

  it('of a repository made private by the same run is planned after that change', () => {
    const plan = planRepository(
      wanted({
        shareWith: [{ account: 'partner' }],
        settings: { is_public: false },
        onDrift: 'update'
      }),
      'app',
      existing({ sharing: [] }, true)
    )
    expect(plan.changes.map(c => `${c.resource} ${c.action}`)).toEqual([
      'repository update',
      'sharing create'
    ])
  })
})

describe('replication', () => {
  it('creates a rule to each target a repository lacks, and replaces one whose override differs', () => {
    const other = { ...target, region: 'la-south-2' }
    const diff = diffReplication(
      'group/app',
      [target, other],
      [{ region: 'la-south-2', namespace: 'group', syncAuto: true, override: true }],
      false,
      'warn'
    )
    expect(diff.changes.map(c => [c.action, c.before, c.after])).toEqual([
      [
        'create',
        null,
        { region: 'ap-southeast-1', namespace: 'group', syncAuto: true, override: false }
      ],
      [
        'replace',
        { region: 'la-south-2', namespace: 'group', syncAuto: true, override: true },
        { region: 'la-south-2', namespace: 'group', syncAuto: true, override: false }
      ]
    ])
  })

  it('leaves alone a rule that matches, and reads the target organization only for a new rule', () => {
    const matching = existing({
      syncRules: [{ region: target.region, namespace: 'group', syncAuto: true, override: false }]
    })
    const w = wanted({ replicateTo: [target], replicateOverride: false })
    expect(planRepository(w, 'app', matching).changes).toEqual([])
    expect(
      targetsNeeded(planRepositories(w, { organization: 'exists', repositories: [matching] }))
    ).toEqual([])
    const bare = existing({ syncRules: [] })
    expect(
      targetsNeeded(planRepositories(w, { organization: 'exists', repositories: [bare] }))
    ).toEqual(['ap-southeast-1/group'])
  })

  it('plans the target organization in its own region when it is missing there', () => {
    const w = wanted({ replicateTo: [target] })
    const plan = makePlan(w, {
      organization: 'exists',
      repositories: [existing({ syncRules: [] })],
      targets: new Map([['ap-southeast-1/group', 'missing']])
    })
    expect(plan.targetOrganizations).toEqual([
      expect.objectContaining({
        resource: 'organization',
        name: 'group',
        region: 'ap-southeast-1',
        action: 'create'
      })
    ])
  })
})
