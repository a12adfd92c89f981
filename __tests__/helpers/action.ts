// Runs the bundled action exactly as a runner does: `node dist/index.js` with an INPUT_*
// variable for every input in action.yml (defaults applied), GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files, and a clean environment.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'

export const ROOT = resolve(import.meta.dirname, '..', '..')
export const DIST = join(ROOT, 'dist', 'index.js')

interface ActionYaml {
  inputs: Record<string, { default?: string; required?: boolean }>
  outputs: Record<string, unknown>
}

export const actionYaml = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYaml

export interface ActionRun {
  exitCode: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  durationMs: number
}

export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(ghadelimiter_[0-9a-f-]+)$/.exec(lines[i] ?? '')
    if (!m) continue
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i] ?? '')
    outputs[m[1] as string] = value.join('\n')
  }
  return outputs
}

export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  for (const name of Object.keys(inputs)) {
    if (!(name in actionYaml.inputs))
      throw new Error(`test uses input ${name}, which action.yml lacks`)
  }
  const env: Record<string, string> = {}
  for (const [name, spec] of Object.entries(actionYaml.inputs)) {
    env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? spec.default ?? ''
  }
  return env
}

export async function runAction(
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = {},
  options: { timeoutMs?: number } = {}
): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'swr-action-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const started = Date.now()
  const childEnv: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    // Short retry timing under test; every schedule stays the same shape.
    SWR_ACTION_RETRY_BASE_MS: '5',
    SWR_ACTION_RETRY_MAX_MS: '40',
    SWR_ACTION_TIMEOUT_MS: '2000',
    ...inputEnv(inputs)
  }
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key]
    else childEnv[key] = value
  }
  try {
    const child = spawn(process.execPath, [DIST], {
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
    const exitCode = await new Promise<number>(done => child.on('close', code => done(code ?? -1)))
    clearTimeout(timer)
    return {
      exitCode,
      stdout,
      stderr,
      outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
      summary: readFileSync(summaryFile, 'utf8'),
      durationMs: Date.now() - started
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The ::error:: line(s) of a run, unescaped. */
export function errorsOf(run: ActionRun): string {
  return run.stdout
    .split('\n')
    .filter(line => line.startsWith('::error::'))
    .map(line =>
      line
        .slice('::error::'.length)
        .replace(/%0A/g, '\n')
        .replace(/%0D/g, '\r')
        .replace(/%25/g, '%')
    )
    .join('\n')
}

export function warningsOf(run: ActionRun): string {
  return run.stdout
    .split('\n')
    .filter(line => line.startsWith('::warning::'))
    .join('\n')
}
