// run() in-process, as the bundle runs it, so that coverage sees the whole path from the inputs
// to the outputs; the black-box tests run the bundle itself.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { run } from '../src/main.js'
import { inputEnv, parseOutputFile } from './helpers/action.js'
import { baseInputs, startEmulator, type Emulator } from './helpers/emulator.js'

let emulator: Emulator
let dir: string
let stdout: string
beforeEach(async () => {
  emulator = await startEmulator()
  dir = mkdtempSync(join(tmpdir(), 'main-'))
  for (const f of ['out', 'summary']) writeFileSync(join(dir, f), '')
  process.env['GITHUB_OUTPUT'] = join(dir, 'out')
  process.env['GITHUB_STEP_SUMMARY'] = join(dir, 'summary')
  stdout = ''
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk)
    return true
  })
})
afterEach(async () => {
  vi.restoreAllMocks()
  delete process.env['GITHUB_OUTPUT']
  delete process.env['GITHUB_STEP_SUMMARY']
  process.exitCode = undefined
  rmSync(dir, { recursive: true, force: true })
  await emulator.close()
})

const fast = { SWR_ACTION_RETRY_BASE_MS: '1', SWR_ACTION_RETRY_MAX_MS: '5' }

describe('run', () => {
  it('provisions, writes outputs and the summary, and leaves the exit code alone', async () => {
    await run({
      ...inputEnv(
        baseInputs(emulator, {
          repository: 'a\nb',
          retention_keep_last: '3',
          docker_login_outputs: 'true'
        })
      ),
      ...fast
    })
    expect(process.exitCode).toBeUndefined()
    const outputs = parseOutputFile(readFileSync(join(dir, 'out'), 'utf8'))
    expect(outputs['paths']?.split('\n')).toHaveLength(2)
    expect(outputs['docker_username']).toBe(`cn-north-4@${emulator.accounts.main.accessKeyId}`)
    expect(readFileSync(join(dir, 'summary'), 'utf8')).toContain('| `b` |')
  })

  it('fails the step with the error of an invalid input', async () => {
    await run(inputEnv(baseInputs(emulator, { category: 'bad' })))
    expect(process.exitCode).toBe(1)
    expect(stdout).toContain('::error::Input "category" is "bad"')
  })

  it('fails the step when a repository fails, after writing the outputs', async () => {
    emulator.inject({
      method: 'GET',
      kind: 'status',
      status: 400,
      body: { errorCode: 'X', errorMessage: 'no' }
    })
    await run({ ...inputEnv(baseInputs(emulator)), ...fast })
    expect(process.exitCode).toBe(1)
    expect(parseOutputFile(readFileSync(join(dir, 'out'), 'utf8'))['result']).toContain(
      '"action":"failed"'
    )
  })
})
