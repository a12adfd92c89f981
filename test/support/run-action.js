// Runs the bundled action exactly as a runner does: `node dist/index.js` with an INPUT_*
// variable for every input in action.yml (defaults applied), GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files, and a clean environment. Shared by the tests, `npm start` and
// `npm run bench`.
import { spawn } from 'node:child_process'
import {
  accessSync,
  constants,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parse } from 'yaml'

export const ROOT = resolve(import.meta.dirname, '..', '..')
export const DIST = join(ROOT, 'dist', 'index.js')
export const actionYaml = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'))

/**
 * Parses a GITHUB_OUTPUT file (name<<delimiter … delimiter).
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseOutputFile(text) {
  /** @type {Record<string, string>} */
  const outputs = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(ghadelimiter_[0-9a-f-]+)$/.exec(lines[i])
    if (!m) continue
    const value = []
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i])
    outputs[m[1]] = value.join('\n')
  }
  return outputs
}

/**
 * INPUT_* variables for every input of action.yml, defaults applied.
 * @param {Record<string, string>} inputs
 * @returns {Record<string, string>}
 */
export function inputEnv(inputs) {
  for (const name of Object.keys(inputs)) {
    if (!(name in actionYaml.inputs)) throw new Error(`input ${name} is not in action.yml`)
  }
  const env = {}
  for (const [name, spec] of Object.entries(actionYaml.inputs)) {
    env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? spec.default ?? ''
  }
  return env
}

/**
 * The Node that runs dist/index.js: the binary SWR_TEST_NODE names (.ci/run sets it to Node 24,
 * which action.yml declares), else the one running this code. A name that is no executable file
 * throws, so that a broken setup cannot quietly test the wrong Node.
 * @returns {string}
 */
export function testNode() {
  const named = process.env['SWR_TEST_NODE']
  if (named === undefined) return process.execPath
  const path = resolve(named)
  try {
    if (named === '' || !statSync(path).isFile()) throw new Error('not a file')
    accessSync(path, constants.X_OK)
  } catch (error) {
    throw new Error(
      `SWR_TEST_NODE=${JSON.stringify(named)} names no executable file: ${error.message}`,
      { cause: error }
    )
  }
  return path
}

/**
 * @typedef {{ exitCode: number, stdout: string, stderr: string, outputs: Record<string, string>,
 *   summary: string, durationMs: number, peakRssBytes?: number }} ActionRun
 */

/**
 * Runs dist/index.js. env entries override (undefined removes); the retry timing is short
 * unless env says otherwise. Resolves with exit code, stdout, stderr, outputs and summary;
 * with `peakMemory`, also the process's peak resident set size (test/support/peak-memory.mjs).
 * @param {Record<string, string>} inputs
 * @param {Record<string, string | undefined>} [env]
 * @param {{ timeoutMs?: number, node?: string, nodeArgs?: string[], peakMemory?: boolean }} [options]
 * @returns {Promise<ActionRun>}
 */
export async function runAction(inputs, env = {}, options = {}) {
  const node = options.node ?? testNode()
  const dir = mkdtempSync(join(tmpdir(), 'swr-action-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  const peakFile = join(dir, 'peak')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const childEnv = {
    PATH: process.env.PATH ?? '',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    SWR_ACTION_RETRY_BASE_MS: '5',
    SWR_ACTION_RETRY_MAX_MS: '40',
    SWR_ACTION_TIMEOUT_MS: '2000',
    // Under vitest, the suite's compile cache (test/support/compile-cache.js): the bundle is
    // compiled once, not once a run; what it does is the same.
    ...(process.env['SWR_TEST_COMPILE_CACHE']
      ? { NODE_COMPILE_CACHE: process.env['SWR_TEST_COMPILE_CACHE'] }
      : {}),
    ...inputEnv(inputs)
  }
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key]
    else childEnv[key] = value
  }
  const peakArgs = options.peakMemory
    ? ['--import', pathToFileURL(join(import.meta.dirname, 'peak-memory.mjs')).href]
    : []
  if (options.peakMemory) childEnv.SWR_TEST_PEAK_FILE = peakFile
  const started = performance.now()
  try {
    const child = spawn(node, [...peakArgs, ...(options.nodeArgs ?? []), DIST], {
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d.toString()))
    child.stderr.on('data', d => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
    const exitCode = await new Promise(done => child.on('close', code => done(code ?? -1)))
    clearTimeout(timer)
    return {
      exitCode,
      stdout,
      stderr,
      outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
      summary: readFileSync(summaryFile, 'utf8'),
      durationMs: performance.now() - started,
      ...(options.peakMemory ? { peakRssBytes: Number(readFileSync(peakFile, 'utf8')) } : {})
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const unescape = text => text.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')

/**
 * The messages of one workflow command (error, warning…) in a run's stdout, unescaped, with or
 * without properties (`::error title=…::message`); properties escape their colons.
 * @param {ActionRun} run
 * @param {string} command
 */
export function commandMessages(run, command) {
  const prefix = new RegExp(`^::${command}(?: [^:]*)?::`)
  return run.stdout
    .split('\n')
    .filter(line => prefix.test(line))
    .map(line => unescape(line.replace(prefix, '')))
    .join('\n')
}

/**
 * The titles of a run's error annotations, unescaped.
 * @param {ActionRun} run
 */
export function errorTitles(run) {
  return run.stdout
    .split('\n')
    .map(line => /^::error title=([^:]*)::/.exec(line)?.[1])
    .filter(title => title !== undefined)
    .map(title => unescape(title.replace(/%3A/g, ':').replace(/%2C/g, ',')))
}

/** The ::error:: lines of a run, unescaped. @param {ActionRun} run */
export const errorsOf = run => commandMessages(run, 'error')

/** The ::warning:: lines of a run, unescaped. @param {ActionRun} run */
export const warningsOf = run => commandMessages(run, 'warning')

/** stdout without the ::add-mask:: lines, which the runner consumes and never shows. @param {ActionRun} run */
export function visibleLog(run) {
  return run.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
}
