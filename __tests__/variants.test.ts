// The main flows, run as a runner runs the bundle, under every behaviour the live service may
// show where no public source settles it (docs/swr-service.md) and under every error shape.
import { describe, expect, it, type TestContext } from 'vitest'
import {
  ACCESS_VARIANTS,
  PERMISSION_VARIANTS,
  AUTH_VARIANTS,
  ERROR_SHAPES,
  VARIANTS
} from '../test/emulator/emulator.js'
import { errorsOf, planOf, resultOf, runAction, warningsOf } from './helpers/action.js'
import { baseInputs, requests, startEmulator, writes, type Emulator } from './helpers/emulator.js'

type Variants = { [K in keyof typeof VARIANTS]?: (typeof VARIANTS)[K][number] }
interface Case {
  name: string
  variants: Variants
  errorShape: (typeof ERROR_SHAPES)[number]
}

/** Every value of every variant on its own (the others at their defaults), and every shape. */
const cases: Case[] = [
  ...ERROR_SHAPES.map(errorShape => ({
    name: `error shape ${errorShape}`,
    variants: {},
    errorShape
  })),
  // Sharing and auto-sync variants run in replication.test.ts, where those inputs are set;
  // how an expired token is refused, in refusals.test.ts; IAM user grants, in permissions.test.ts.
  ...Object.entries(VARIANTS)
    .filter(
      ([variant]) =>
        !ACCESS_VARIANTS.includes(variant) &&
        !AUTH_VARIANTS.includes(variant) &&
        !PERMISSION_VARIANTS.includes(variant)
    )
    .flatMap(([variant, values]) =>
      values.slice(1).map(value => ({
        name: `${variant}: ${value}`,
        variants: { [variant]: value } as Variants,
        errorShape: 'live' as const
      }))
    )
]
/** A missing organization is found whatever the read and the create answer, in combination. */
const missingOrganizationCases: Case[] = VARIANTS.readRepoInMissingOrg.flatMap(read =>
  VARIANTS.createRepoInMissingOrg.map(create => ({
    name: `read ${read}, create ${create}`,
    variants: { readRepoInMissingOrg: read, createRepoInMissingOrg: create },
    errorShape: 'live' as const
  }))
)

/**
 * A started emulator, closed when `test` ends: the tests here run concurrently, each against
 * its own emulator.
 */
async function emulatorFor(test: TestContext, options: Parameters<typeof startEmulator>[0] = {}) {
  const emulator = await startEmulator(options)
  test.onTestFinished(async () => {
    await emulator.close()
  })
  return emulator
}
const start = (test: TestContext, c: Case): Promise<Emulator> =>
  emulatorFor(test, { variants: c.variants, errorShape: c.errorShape })

const REGISTRY = 'swr.cn-north-4.myhuaweicloud.com'

describe.concurrent.each([...cases, ...missingOrganizationCases])('under $name', c => {
  it('creates a new organization and repository once; a re-run writes nothing', async test => {
    const emulator = await start(test, c)
    const inputs = baseInputs(emulator, { registry: REGISTRY, retention_keep_last: '5' })
    const run = await runAction(inputs)
    expect(errorsOf(run)).toBe('')
    expect(run.outputs).toMatchObject({
      path: `${REGISTRY}/group/app`,
      created: 'true',
      namespace_created: 'true'
    })
    expect(planOf(run.outputs).map(p => `${p.resource} ${p.action}`)).toEqual([
      'organization create',
      'repository create',
      'retention create'
    ])
    expect(emulator.namespace('group')).toBeDefined()
    expect(emulator.retentions('group', 'app')).toHaveLength(1)
    emulator.resetLog()
    const again = await runAction(inputs)
    expect(again.outputs).toMatchObject({ created: 'false', namespace_created: 'false' })
    expect(writes(emulator)).toEqual([])
  })
})

describe.concurrent.each(cases)('under $name', c => {
  it('creates a repository in an existing organization with one read and one create', async test => {
    const emulator = await start(test, c)
    emulator.addNamespace('group')
    const run = await runAction(baseInputs(emulator, { registry: REGISTRY }))
    expect(run.outputs).toMatchObject({ created: 'true', namespace_created: 'false' })
    expect(requests(emulator)).toEqual([
      'GET /v2/manage/namespaces/group/repos/app',
      'POST /v2/manage/namespaces/group/repos'
    ])
  })

  it('finds an existing repository with its one read', async test => {
    const emulator = await start(test, c)
    emulator.addRepository('group', 'app', { is_public: true })
    const run = await runAction(baseInputs(emulator, { registry: REGISTRY }))
    expect(run.outputs).toMatchObject({ created: 'false', path: `${REGISTRY}/group/app` })
    expect(requests(emulator)).toEqual(['GET /v2/manage/namespaces/group/repos/app'])
    expect(warningsOf(run)).toBe('')
  })

  it('converges retention, and a lost create leaves exactly one policy', async test => {
    const emulator = await start(test, c)
    emulator.addRepository('group', 'app')
    emulator.inject({ method: 'POST', path: /\/retentions$/, kind: 'lose-answer' })
    const inputs = baseInputs(emulator, { registry: REGISTRY, retention_keep_last: '5' })
    const run = await runAction(inputs)
    expect(errorsOf(run)).toBe('')
    expect(emulator.retentions('group', 'app')).toHaveLength(1)
    emulator.resetLog()
    const more = await runAction({ ...inputs, retention_keep_last: '9' })
    expect(resultOf(more.outputs)[0]?.['retention']).toBe('updated')
    expect(writes(emulator).map(e => e.method)).toEqual(['PATCH'])
    expect(emulator.retentions('group', 'app')).toHaveLength(1)
  })

  it('dry run writes nothing, and plans what the real run then does', async test => {
    const emulator = await start(test, c)
    const inputs = baseInputs(emulator, { registry: REGISTRY, retention_keep_days: '7' })
    const dry = await runAction({ ...inputs, dry_run: 'true' })
    expect(errorsOf(dry)).toBe('')
    expect(writes(emulator)).toEqual([])
    expect(resultOf(dry.outputs)[0]?.['action']).toBe('would create')
    const real = await runAction(inputs)
    expect(planOf(real.outputs)).toEqual(planOf(dry.outputs))
    expect(planOf(dry.outputs)).toHaveLength(3)
  })
})

describe.concurrent.each(VARIANTS.foreignOrg)(
  'an organization of another account, whose calls answer %s',
  answer => {
    it('is explained as such, never as a key or clock problem, and nothing is created', async test => {
      const emulator = await emulatorFor(test, { variants: { foreignOrg: answer } })
      emulator.addNamespace('group', 'other')
      const run = await runAction(baseInputs(emulator, { registry: REGISTRY }))
      expect(run.exitCode).toBe(1)
      const errors = errorsOf(run)
      expect(errors).toMatch(/another account/)
      expect(errors).not.toMatch(/clock|secret access key/)
      expect(emulator.state.repositories.size).toBe(0)
      expect(run.outputs['namespace_created']).toBe('false')
    })

    it('makes a dry run fail with 401, or report "would create" with 404 (SWR cannot tell)', async test => {
      const emulator = await emulatorFor(test, { variants: { foreignOrg: answer } })
      emulator.addNamespace('group', 'other')
      const dry = await runAction(baseInputs(emulator, { registry: REGISTRY, dry_run: 'true' }))
      expect(writes(emulator)).toEqual([])
      if (answer === '401') {
        expect(dry.exitCode).toBe(1)
        expect(errorsOf(dry)).toMatch(/belongs to another account/)
      } else {
        expect(dry.exitCode).toBe(0)
        expect(dry.summary).toContain('Organization `group`: would be created.')
      }
    })
  }
)

describe.concurrent.each(VARIANTS.repositoryQuotaAnswer)(
  'the repository quota answered as %s',
  answer => {
    it('is final after one attempt, and explained', async test => {
      const emulator = await emulatorFor(test, { variants: { repositoryQuotaAnswer: answer } })
      emulator.settings.repositoryQuota = 0
      emulator.addNamespace('group')
      const run = await runAction(baseInputs(emulator, { registry: REGISTRY }))
      expect(run.exitCode).toBe(1)
      expect(errorsOf(run)).toContain('quota of SWR repositories')
      const creates = requests(emulator).filter(r => r.startsWith('POST'))
      expect(creates).toEqual(['POST /v2/manage/namespaces/group/repos'])
    })
  }
)

describe.concurrent('the organization quota (five organizations an account)', () => {
  it('refuses a sixth after one attempt, saying so and naming the remedy and where to see the quota', async test => {
    const emulator = await emulatorFor(test)
    for (const name of ['one', 'two', 'three', 'four', 'five']) emulator.addNamespace(name)
    const run = await runAction(baseInputs(emulator, { registry: REGISTRY }))
    expect(run.exitCode).toBe(1)
    const errors = errorsOf(run)
    expect(errors).toContain('HTTP 400 SVCSTG.SWR.4000097')
    expect(errors).toContain('quota of SWR organizations (five by default)')
    expect(errors).toContain('use an existing organization as namespace, or delete an unused one')
    expect(errors).toContain('GET /v2/manage/projects/{project_id}/quotas')
    expect(requests(emulator).filter(r => r === 'POST /v2/manage/namespaces')).toHaveLength(1)
    expect(emulator.namespace('group')).toBeUndefined()
  })
})

describe.concurrent('an endpoint that serves no SWR API', () => {
  it('fails a dry run instead of reporting "would create"', async test => {
    const emulator = await emulatorFor(test)
    const wrong = `${emulator.url}/not-swr`
    const run = await runAction(baseInputs(emulator, { endpoint: wrong, dry_run: 'true' }))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain('HTTP 404 APIGW.0101')
    expect(errorsOf(run)).toContain('serves no SWR API at this path')
    expect(run.outputs['result']).not.toContain('would create')
  })
})
