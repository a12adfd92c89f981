// The runner's workflow-command protocol, written to match @actions/core byte for byte
// (__tests__/runner.test.ts compares the two). @actions/core loads @actions/http-client and
// undici when imported, which costs ~90 ms and ~13 MB at every start; this action needs only
// the few commands below on its common path, and imports @actions/core lazily for OIDC.
import { appendFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { oneLine } from '../values.js'

/** os.EOL's value, which core writes; without loading node:os for it. */
const EOL = process.platform === 'win32' ? '\r\n' : '\n'

const secrets = new Set<string>()

/** Replaces every registered secret in text, so that no message we print can carry one. */
export function redact(text: string): string {
  let out = text
  // Longest first, so that a short secret inside a longer one cannot leave part of it behind.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('***')
  }
  return out
}

function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

// As @actions/core's Command: a space once any property is given, then the non-empty ones.
function issueCommand(command: string, properties: Record<string, string>, message: string): void {
  const given = Object.entries(properties)
  const props = given
    .filter(([, value]) => value)
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',')
  process.stdout.write(
    `::${command}${given.length > 0 ? ' ' + props : ''}::${escapeData(message)}${EOL}`
  )
}

/** Reads an input the way the runner passes it: INPUT_<NAME>, trimmed. */
export function getInput(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

/** Masks a value in the runner's logs from now on, and in everything this module prints. */
export function setSecret(value: string): void {
  if (!value) return
  // A secret with a line break would be masked line by line by the runner; register each line.
  for (const part of [value, ...value.split(/\r?\n/)]) {
    if (part.trim().length > 0) secrets.add(part)
  }
  issueCommand('add-mask', {}, value)
}

/** As core.setOutput writes one output to GITHUB_OUTPUT: a heredoc with a fresh delimiter. */
function outputEntry(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomUUID()}`
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`Unexpected input: output ${name} contains the delimiter ${delimiter}`)
  }
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`
}

export function setOutput(name: string, value: string): void {
  setOutputs([[name, value]])
}

/**
 * Several outputs, in order, with the bytes core.setOutput would write for each in turn; to
 * GITHUB_OUTPUT in one append rather than one per output.
 */
export function setOutputs(outputs: ReadonlyArray<readonly [string, string]>): void {
  const file = process.env['GITHUB_OUTPUT']
  if (file) {
    appendFileSync(file, outputs.map(([name, value]) => outputEntry(name, value)).join(''), 'utf8')
    return
  }
  for (const [name, value] of outputs) {
    process.stdout.write(EOL)
    issueCommand('set-output', { name }, value)
  }
}

export function isDebug(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['RUNNER_DEBUG'] === '1'
}

export function debug(message: string): void {
  issueCommand('debug', {}, redact(message))
}

/**
 * A log line no runner reads as a workflow command, whatever text from the service it quotes:
 * one line (a line break shows as \n), no "::" at its start (the runner trims leading blanks
 * first) and no "##[" (the older command form, found anywhere in a line). Ordinary text is
 * left as core.info writes it.
 */
function logLine(message: string): string {
  const line = oneLine(message).replace(/##\[/g, '##%5B')
  return /^\s*::/.test(line) ? line.replace('::', '%3A:') : line
}

/** As core.info, through logLine: the same bytes for any text that cannot start a command. */
export function info(message: string): void {
  process.stdout.write(logLine(redact(message)) + EOL)
}

export function warning(message: string): void {
  issueCommand('warning', {}, redact(message))
}

/** An error annotation; `title` heads it in the run's annotations. */
export function error(message: string, properties: { title?: string } = {}): void {
  const props: Record<string, string> =
    properties.title === undefined ? {} : { title: redact(properties.title) }
  issueCommand('error', props, redact(message))
}

export function setFailed(message: string): void {
  process.exitCode = 1
  error(message)
}

export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  issueCommand('group', {}, redact(name))
  try {
    return await fn()
  } finally {
    issueCommand('endgroup', {}, '')
  }
}

/** Appends Markdown to the job summary, when the runner provides one. */
export function appendSummary(markdown: string): void {
  const file = process.env['GITHUB_STEP_SUMMARY']
  if (!file) return
  appendFileSync(file, redact(markdown), 'utf8')
}

/** The logger the provisioning code receives; it never imports this module itself. */
export interface Logger {
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
}
