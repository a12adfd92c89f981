// src/runner.ts stands in for @actions/core on the hot path; it must say exactly what core says.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as core from '@actions/core'
import * as runner from '../src/github/runner.js'

function captureStdout(fn: () => void): string {
  let out = ''
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk)
    return true
  })
  try {
    fn()
  } finally {
    spy.mockRestore()
  }
  return out
}

const awkward = ['plain', 'multi\nline\r\nvalue', '100% sure: a, b', '::double::colons', '']

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runner-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
  delete process.env['GITHUB_OUTPUT']
  delete process.env['GITHUB_STEP_SUMMARY']
  process.exitCode = undefined
})

// Lines core.info would let the runner read as a workflow command (a line break, then "::" at
// a line's start or the older "##[" form): info writes them escaped instead.
const commandLike = (message: string) => /[\r\n]|^\s*::|##\[/.test(message)

describe('workflow commands match @actions/core', () => {
  it.each(awkward)('debug, info, warning, error and masks of %j', message => {
    for (const [ours, theirs] of [
      [runner.debug, core.debug],
      ...(commandLike(message) ? [] : [[runner.info, core.info] as const]),
      [runner.warning, core.warning],
      [runner.error, core.error]
    ] as const) {
      expect(captureStdout(() => ours(message))).toBe(captureStdout(() => theirs(message)))
    }
    if (message) {
      expect(captureStdout(() => runner.setSecret(message))).toBe(
        captureStdout(() => core.setSecret(message))
      )
    }
  })

  it.each([
    ['first\nsecond\r\nthird', 'first\\nsecond\\r\\nthird\n'],
    ['::warning::from text', '%3A:warning::from text\n'],
    ['  ::add-mask::x', '  %3A:add-mask::x\n'],
    ['path\n::stop-commands::t\r::add-mask::y', 'path\\n::stop-commands::t\\r::add-mask::y\n'],
    ['old ##[add-mask]form', 'old ##%5Badd-mask]form\n'],
    ['bell \u0007 and escape \u001b[31m', 'bell \\u0007 and escape \\u001b[31m\n']
  ])(
    'info writes %j as one line that starts no command, where core.info would not',
    (message, line) => {
      expect(captureStdout(() => runner.info(message))).toBe(line)
      expect(captureStdout(() => core.info(message))).not.toBe(line)
    }
  )

  it('opens and closes groups like core.group', async () => {
    let ours = ''
    let theirs = ''
    const spy = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array) => {
        ours += String(chunk)
        return true
      })
    await runner.group('Create repository a, b', async () => undefined)
    spy.mockImplementation((chunk: string | Uint8Array) => {
      theirs += String(chunk)
      return true
    })
    await core.group('Create repository a, b', async () => undefined)
    spy.mockRestore()
    expect(ours).toBe(theirs)
  })

  it.each(awkward)('writes output %j to GITHUB_OUTPUT in the same format', value => {
    const file = join(dir, 'out')
    process.env['GITHUB_OUTPUT'] = file
    writeFileSync(file, '')
    runner.setOutput('name', value)
    const ours = readFileSync(file, 'utf8')
    writeFileSync(file, '')
    core.setOutput('name', value)
    const theirs = readFileSync(file, 'utf8')
    const normalize = (s: string) => s.replace(/ghadelimiter_[0-9a-f-]+/g, 'DELIMITER')
    expect(normalize(ours)).toBe(normalize(theirs))
  })

  it('writes several outputs with the bytes core.setOutput writes for each in turn, a delimiter each', () => {
    const file = join(dir, 'out')
    process.env['GITHUB_OUTPUT'] = file
    writeFileSync(file, 'earlier=kept\n')
    const outputs = awkward.map((value, i) => [`name${i}`, value] as const)
    runner.setOutputs(outputs)
    const ours = readFileSync(file, 'utf8')
    writeFileSync(file, 'earlier=kept\n')
    for (const [name, value] of outputs) core.setOutput(name, value)
    const theirs = readFileSync(file, 'utf8')
    const delimiters = (s: string) => s.match(/ghadelimiter_[0-9a-f-]+/g) ?? []
    const normalize = (s: string) => s.replace(/ghadelimiter_[0-9a-f-]+/g, 'DELIMITER')
    expect(normalize(ours)).toBe(normalize(theirs))
    // Each output has a delimiter of its own, as with core (opened and closed: two each).
    expect(new Set(delimiters(ours)).size).toBe(outputs.length)
  })

  it('sets several outputs as set-output commands like core when GITHUB_OUTPUT is absent', () => {
    delete process.env['GITHUB_OUTPUT']
    const outputs = [
      ['a', 'one'],
      ['b', 'two, 100%']
    ] as const
    const ours = captureStdout(() => runner.setOutputs(outputs))
    const theirs = captureStdout(() => outputs.forEach(([n, v]) => core.setOutput(n, v)))
    expect(ours).toBe(theirs)
    expect(ours).toBe('\n::set-output name=a::one\n\n::set-output name=b::two, 100%25\n')
  })

  it('reads inputs like core.getInput', () => {
    const env = { INPUT_IS_PUBLIC: '  true \n', INPUT_MY_INPUT: 'x' }
    Object.assign(process.env, env)
    try {
      expect(runner.getInput('is_public')).toBe(core.getInput('is_public'))
      expect(runner.getInput('my input')).toBe(core.getInput('my input'))
      expect(runner.getInput('absent')).toBe(core.getInput('absent'))
    } finally {
      delete process.env['INPUT_IS_PUBLIC']
      delete process.env['INPUT_MY_INPUT']
    }
  })

  it.each(['SWR repository group/app', 'a: b, c', 'two\nrows', '50%', ''])(
    'writes an error annotation titled %j like core.error',
    title => {
      expect(captureStdout(() => runner.error('failed: a, b', { title }))).toBe(
        captureStdout(() => core.error('failed: a, b', { title }))
      )
    }
  )

  it('fails the step with exit code 1 like core.setFailed', () => {
    const out = captureStdout(() => runner.setFailed('broken'))
    expect(out).toBe('::error::broken\n')
    expect(process.exitCode).toBe(1)
  })
})

describe('secrets', () => {
  it('are replaced in every message this module prints, line by line too', () => {
    captureStdout(() => runner.setSecret('s3cr3t-line-one\ns3cr3t-line-two'))
    const out = captureStdout(() => {
      runner.info('a s3cr3t-line-one b')
      runner.debug('c s3cr3t-line-two d')
      runner.error('x s3cr3t-line-one\ns3cr3t-line-two')
    })
    expect(out).not.toContain('s3cr3t')
    expect(out).toContain('a *** b')
  })

  it('are replaced in the job summary', () => {
    const file = join(dir, 'summary')
    writeFileSync(file, '')
    process.env['GITHUB_STEP_SUMMARY'] = file
    captureStdout(() => runner.setSecret('summary-secret-value'))
    runner.appendSummary('| summary-secret-value |')
    expect(readFileSync(file, 'utf8')).toBe('| *** |')
  })
})
