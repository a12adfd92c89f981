// scripts/probe-swr.mjs and scripts/cleanup-swr.mjs, run as the e2e workflow runs them, against
// the emulator: the probe must name exactly the variant the emulator plays, under every variant
// and error shape, and leave nothing behind; the clean-up must remove what a failed run left.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, type TestContext } from 'vitest'
import { ROOT } from './helpers/action.js'
import { startEmulator, type Emulator } from './helpers/emulator.js'
import { ERROR_SHAPES, VARIANTS } from '../test/emulator/emulator.js'
import { errorCodeOf } from '../scripts/cleanup-swr.mjs'
import { probeNames } from '../scripts/probe-swr.mjs'

const PROBE = join(ROOT, 'scripts', 'probe-swr.mjs')
const CLEANUP = join(ROOT, 'scripts', 'cleanup-swr.mjs')
const PREFIX = 'e2e-4711-1'
const BEHAVIOURS = [
  'readRepoInMissingOrg',
  'createRepoInMissingOrg',
  'foreignOrg',
  'secondRetention'
] as const
type Behaviour = (typeof BEHAVIOURS)[number]

interface Finding {
  behaviour: Behaviour
  variant: string
  emulator: string | null
  status?: number
  code?: string
  notes: string[]
  organization?: string
  policies?: number
}
interface Report {
  names: { organization: string; missing: string; repository: string }
  findings: Finding[]
  cleanup: { what: string; result: string; detail?: string }[]
  cleanedUp: boolean
}
interface Run {
  code: number
  stdout: string
  stderr: string
  report: Report | undefined
  summary: string
}

const DEFAULTS = Object.fromEntries(BEHAVIOURS.map(b => [b, VARIANTS[b][0]])) as Record<
  Behaviour,
  string
>

/**
 * A started emulator, closed when `test` ends (tests here run concurrently, so each closes its
 * own). `foreign` makes another account own "library", the first name the probe tries.
 */
async function emulatorWith(
  test: TestContext,
  options: Parameters<typeof startEmulator>[0] = {},
  foreign = true
) {
  const emulator = await startEmulator(options)
  test.onTestFinished(async () => {
    await emulator.close()
  })
  if (foreign) emulator.addNamespace('library', 'other')
  return emulator
}

const readOrEmpty = (file: string) => {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

/** Runs a script as the workflow's step does, with the main account's keys unless `extra` says. */
async function run(
  emulator: Emulator,
  script: string,
  args: string[] = [],
  extra: Record<string, string> = {}
): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'swr-probe-'))
  const env = {
    PATH: process.env['PATH'] ?? '',
    HUAWEI_CLOUD_ACCESS_KEY_ID: emulator.accounts.main.accessKeyId,
    HUAWEI_CLOUD_SECRET_ACCESS_KEY: emulator.accounts.main.secretAccessKey,
    SWR_ENDPOINT: emulator.url,
    SWR_SCRIPT_RETRY_BASE_MS: '1',
    PROBE_PREFIX: PREFIX,
    PROBE_REPORT: join(dir, 'report.json'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    ...extra
  }
  const { code, stdout, stderr } = await new Promise<{
    code: number
    stdout: string
    stderr: string
  }>(resolve =>
    execFile(process.execPath, [script, ...args], { env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr })
    )
  )
  const report = readOrEmpty(env.PROBE_REPORT)
  const summary = readOrEmpty(env.GITHUB_STEP_SUMMARY)
  rmSync(dir, { recursive: true, force: true })
  return {
    code,
    stdout,
    stderr,
    report: report ? (JSON.parse(report) as Report) : undefined,
    summary
  }
}

const variantsOf = (report: Report | undefined) =>
  Object.fromEntries((report?.findings ?? []).map(f => [f.behaviour, f.variant]))

/** What the main account holds in the emulator: nothing, once a probe has cleaned up. */
function leftovers(emulator: Emulator) {
  const main = emulator.accounts.main
  return {
    organizations: [...emulator.state.namespaces.entries()]
      .filter(([, n]) => (n as { owner: unknown }).owner === main)
      .map(([name]) => name),
    repositories: [...emulator.state.repositories.keys()],
    policies: [...emulator.state.retentions.values()].flat()
  }
}
const NOTHING = { organizations: [], repositories: [], policies: [] }

/** The code the emulator answers with under each variant (a refused policy: its own codes). */
const CODES: Record<string, string | undefined> = {
  'org-code': 'SVCSTG.SWR.4040058',
  'repo-code': 'SVCSTG.SWR.4040010',
  '404': 'SVCSTG.SWR.4040058',
  '401': 'SVCSTG.SWR.4011064',
  'refuse-400': 'SVCSTG.SWR.4001048',
  'refuse-409': 'SVCSTG.SWR.4090306',
  store: undefined
}
const codeOf = (variant: string) =>
  variant in CODES ? CODES[variant] : `SVCSTG.SWR.${variant.split('-')[1]}`

describe('scripts/probe-swr.mjs under each variant the emulator plays', () => {
  // Each case also takes the next error body shape in turn, so every shape is read for several
  // variants without a run of its own.
  const cases = BEHAVIOURS.flatMap(behaviour =>
    VARIANTS[behaviour].map(value => ({ behaviour, value }))
  ).map((c, i) => ({ ...c, errorShape: ERROR_SHAPES[i % ERROR_SHAPES.length] }))

  it.concurrent.for(cases)(
    'reports $behaviour as $value when the emulator plays $value (errors in the $errorShape shape), and leaves nothing behind',
    async ({ behaviour, value, errorShape }, test) => {
      const variants = { [behaviour]: value }
      const emulator = await emulatorWith(test, { variants, errorShape })
      const result = await run(emulator, PROBE)
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
      const expected = { ...DEFAULTS, ...variants }
      expect(variantsOf(result.report)).toEqual(expected)
      for (const found of result.report?.findings ?? []) {
        expect(found.emulator).toBe(expected[found.behaviour])
        expect(found.code, found.behaviour).toBe(codeOf(found.variant))
      }
      expect(result.stdout).toMatch(new RegExp(`^${behaviour}: ${value} \\(HTTP \\d{3}`, 'm'))
      expect(result.summary).toContain(
        '| behaviour | what SWR answered | matching emulator variant | what the action does |'
      )
      expect(result.summary).toMatch(
        new RegExp(`^\\| .*\\(\`${behaviour}\`\\) \\|.*\\| \`${value}\` \\|`, 'm')
      )
      expect(result.summary).toContain('Everything the probe made was deleted.')
      expect(result.report?.cleanedUp).toBe(true)
      expect(leftovers(emulator)).toEqual(NOTHING)
      expect(emulator.namespace('library')?.owner).toBe('other')
    }
  )
})

describe('scripts/probe-swr.mjs when the answers are not what any variant says', () => {
  it('records a 502 page and a connection reset as other, exits 0 and still cleans up', async test => {
    const emulator = await emulatorWith(test)
    emulator.inject({ method: 'GET', path: /-missing\/repos\/probe$/, kind: 'html' })
    emulator.inject({ method: 'POST', path: /-missing\/repos$/, kind: 'reset' })
    const result = await run(emulator, PROBE)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^readRepoInMissingOrg: other \(HTTP 502\)$/m)
    expect(result.stdout).toMatch(/^createRepoInMissingOrg: other \(no answer: /m)
    const [read, create] = result.report?.findings ?? []
    expect([read?.emulator, create?.emulator]).toEqual([null, null])
    expect(result.summary).toContain('| none (`other`) | **not played by the emulator**')
    // The lost create may have made the repository: its deletion is tried, and finds it gone.
    expect(result.stdout).toContain(`repository ${PREFIX}-missing/probe was already gone`)
    expect(leftovers(emulator)).toEqual(NOTHING)
  })

  it('records a create that succeeds as created, and deletes the repository and organization', async test => {
    const emulator = await emulatorWith(test)
    // The only way the emulator lets that create succeed: the organization exists after all.
    emulator.addNamespace(`${PREFIX}-missing`)
    const result = await run(emulator, PROBE)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^createRepoInMissingOrg: created \(HTTP 201\)$/m)
    expect(result.stdout).toContain(`deleted repository ${PREFIX}-missing/probe`)
    expect(result.stdout).toContain(`deleted organization ${PREFIX}-missing`)
    expect(leftovers(emulator)).toEqual(NOTHING)
  })

  it('deletes each candidate name it creates by mistake, and reports foreignOrg untested when none is foreign', async test => {
    const emulator = await emulatorWith(test, {}, false)
    const result = await run(emulator, PROBE)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^foreignOrg: untested \(no candidate name/m)
    for (const name of ['library', 'test', 'default', 'public', 'huaweicloud']) {
      expect(result.stdout).toContain(
        `${name}: free (creating it answered HTTP 201), deleted again`
      )
      expect(emulator.namespace(name)).toBeUndefined()
    }
    expect(leftovers(emulator)).toEqual(NOTHING)
  })

  it('leaves a candidate the account owns alone and tries the next name another account owns', async test => {
    const emulator = await emulatorWith(test, {}, false)
    emulator.addNamespace('library', 'main')
    emulator.addNamespace('test', 'other')
    const result = await run(emulator, PROBE)
    expect(result.code).toBe(0)
    const foreign = result.report?.findings.find(f => f.behaviour === 'foreignOrg')
    expect(foreign).toMatchObject({ variant: '404', organization: 'test' })
    expect(foreign?.notes).toContain("library: this account's own organization, left alone")
    expect(emulator.namespace('library')?.owner).toBe('main')
    expect(leftovers(emulator)).toEqual({ ...NOTHING, organizations: ['library'] })
  })
})

describe('scripts/probe-swr.mjs when its clean-up fails', () => {
  it('prints every finding, then fails naming what it could not delete; --clean-up removes it later', async test => {
    const emulator = await emulatorWith(test, { variants: { secondRetention: 'store' } })
    const organization = new RegExp(`^/v2/manage/namespaces/${PREFIX}$`)
    emulator.inject({
      method: 'DELETE',
      path: organization,
      kind: 'status',
      status: 500,
      times: 100
    })
    const result = await run(emulator, PROBE)
    expect(result.code).toBe(1)
    const expected = { ...DEFAULTS, secondRetention: 'store' }
    for (const behaviour of BEHAVIOURS)
      expect(result.stdout).toMatch(new RegExp(`^${behaviour}: ${expected[behaviour]} `, 'm'))
    expect(variantsOf(result.report)).toEqual(expected)
    expect(result.stderr).toContain(`could not delete organization ${PREFIX}: HTTP 500`)
    expect(result.report?.cleanedUp).toBe(false)
    expect(result.summary).toContain('**Something the probe made could not be deleted')
    expect(leftovers(emulator)).toEqual({ ...NOTHING, organizations: [PREFIX] })

    emulator.clearFaults()
    const later = await run(emulator, PROBE, ['--clean-up'])
    expect(later.code).toBe(0)
    expect(later.stdout).toContain(`deleted organization ${PREFIX}`)
    expect(later.stdout).toContain(`organization ${PREFIX}-missing was already gone`)
    expect(leftovers(emulator)).toEqual(NOTHING)
  })

  it('exits 2 without a request when PROBE_PREFIX has no letter or the keys are missing', async test => {
    const emulator = await emulatorWith(test)
    const noPrefix = await run(emulator, PROBE, [], { PROBE_PREFIX: '2024-1' })
    expect(noPrefix).toMatchObject({ code: 2, stderr: 'PROBE_PREFIX must contain a letter\n' })
    const noKeys = await run(emulator, PROBE, [], { HUAWEI_CLOUD_SECRET_ACCESS_KEY: '' })
    expect(noKeys.code).toBe(2)
    expect(noKeys.stderr).toContain('HUAWEI_CLOUD_SECRET_ACCESS_KEY')
    expect(emulator.log).toEqual([])
  })
})

describe('the names and error codes the probe reads', () => {
  it('derives valid organization names of at most 64 characters from any PROBE_PREFIX', () => {
    expect(probeNames('e2e-123456789-2')).toEqual({
      organization: 'e2e-123456789-2',
      missing: 'e2e-123456789-2-missing',
      repository: 'probe'
    })
    expect(probeNames('42 E2E_Run..7--').organization).toBe('e2e-run-7')
    const long = probeNames(`run-${'x'.repeat(100)}`)
    expect(long.missing).toHaveLength(64)
    expect(long.organization).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/)
  })

  it('reads error_code, then errors[0].errorCode, then errorCode, then a bare array', () => {
    expect(errorCodeOf({ error_code: 'A', errors: [{ errorCode: 'B' }], errorCode: 'C' })).toBe('A')
    expect(errorCodeOf({ errors: [{ errorCode: 'B' }], errorCode: 'C' })).toBe('B')
    expect(errorCodeOf({ errorCode: 'C' })).toBe('C')
    expect(errorCodeOf([{ errorCode: 'D' }])).toBe('D')
    expect(errorCodeOf('<html>502</html>')).toBeUndefined()
    expect(errorCodeOf({})).toBeUndefined()
  })
})

describe('scripts/cleanup-swr.mjs (the e2e clean-up)', () => {
  it('deletes a repository named with /, its policy and its organization, then finds them gone', async test => {
    const emulator = await emulatorWith(test)
    emulator.addRepository('e2e-1-action', 'e2e/run-1')
    emulator.addRetention('e2e-1-action', 'e2e/run-1', [
      { template: 'tag_rule', params: { num: '5' }, tag_selectors: [] }
    ])
    const first = await run(emulator, CLEANUP, ['e2e-1-action', 'e2e/run-1'])
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/^deleted retention policy \d+ of e2e-1-action\/e2e\/run-1$/m)
    expect(first.stdout).toContain('deleted repository e2e-1-action/e2e/run-1')
    expect(first.stdout).toContain('deleted organization e2e-1-action')
    expect(emulator.log.filter(e => e.method === 'DELETE')).toContainEqual(
      expect.objectContaining({
        rawPath: '/v2/manage/namespaces/e2e-1-action/repos/e2e$run-1',
        status: 204,
        auth: 'aksk'
      })
    )
    expect(leftovers(emulator)).toEqual(NOTHING)
    const second = await run(emulator, CLEANUP, ['e2e-1-action', 'e2e/run-1'])
    expect(second.code).toBe(0)
    expect(second.stdout).toContain('repository e2e-1-action/e2e/run-1 was already gone')
    expect(second.stdout).toContain('organization e2e-1-action was already gone')
  })

  it('with --keep-organization deletes only the repository, signed with a temporary key and token', async test => {
    const emulator = await emulatorWith(test)
    emulator.addRepository('group', 'app')
    const result = await run(emulator, CLEANUP, ['--keep-organization', 'group', 'app'], {
      HUAWEI_CLOUD_ACCESS_KEY_ID: emulator.sts.accessKeyId,
      HUAWEI_CLOUD_SECRET_ACCESS_KEY: emulator.sts.secretAccessKey,
      HUAWEI_CLOUD_SECURITY_TOKEN: emulator.sts.securityToken
    })
    expect(result.code).toBe(0)
    expect(emulator.repository('group', 'app')).toBeUndefined()
    expect(emulator.namespace('group')).toBeDefined()
    expect(emulator.log.every(e => e.auth === 'sts')).toBe(true)
  })

  it('tries an organization SWR still finds not empty again, and fails on one that stays so', async test => {
    const emulator = await emulatorWith(test)
    emulator.addNamespace('e2e-2-action')
    const notEmpty = {
      method: 'DELETE',
      path: '/v2/manage/namespaces/e2e-2-action',
      kind: 'status',
      status: 406,
      body: { error_code: 'SVCSTG.SWR.4060074', error_msg: 'not empty' }
    }
    emulator.inject({ ...notEmpty, times: 2 })
    const settled = await run(emulator, CLEANUP, ['e2e-2-action'])
    expect(settled.code).toBe(0)
    expect(emulator.namespace('e2e-2-action')).toBeUndefined()

    emulator.addNamespace('e2e-3-action')
    emulator.inject({ ...notEmpty, path: '/v2/manage/namespaces/e2e-3-action', times: 100 })
    const stuck = await run(emulator, CLEANUP, ['e2e-3-action'])
    expect(stuck.code).toBe(1)
    expect(stuck.stderr).toContain(
      'could not delete organization e2e-3-action: HTTP 406 SVCSTG.SWR.4060074'
    )
  })

  it('exits 2 with the usage when no organization is named', async test => {
    const emulator = await emulatorWith(test)
    const result = await run(emulator, CLEANUP, [])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('usage: node scripts/cleanup-swr.mjs')
  })
})
