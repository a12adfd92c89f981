// The scripts the workflows and the README rely on, run for real against the emulator.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ROOT } from './helpers/action.js'
import { startEmulator, type Emulator } from './helpers/emulator.js'

const run = promisify(execFile)
let emulator: Emulator
beforeEach(async () => {
  emulator = await startEmulator()
})
afterEach(async () => {
  await emulator.close()
})

describe('scripts/delete-repository.mjs (the e2e clean-up)', () => {
  it('deletes a repository with a name containing /, and says so when it is already gone', async () => {
    emulator.addRepository('group', 'e2e/run-1')
    const env = {
      PATH: process.env['PATH'] ?? '',
      HUAWEI_CLOUD_ACCESS_KEY_ID: emulator.accounts.main.accessKeyId,
      HUAWEI_CLOUD_SECRET_ACCESS_KEY: emulator.accounts.main.secretAccessKey,
      SWR_ENDPOINT: emulator.url
    }
    const script = join(ROOT, 'scripts', 'delete-repository.mjs')
    const first = await run(process.execPath, [script, 'group', 'e2e/run-1'], { env })
    expect(first.stdout).toContain('deleted group/e2e/run-1')
    expect(emulator.repository('group', 'e2e/run-1')).toBeUndefined()
    expect(emulator.log[0]).toMatchObject({
      method: 'DELETE',
      rawPath: '/v2/manage/namespaces/group/repos/e2e$run-1',
      auth: 'aksk'
    })
    const second = await run(process.execPath, [script, 'group', 'e2e/run-1'], { env })
    expect(second.stdout).toContain('was already gone')
  })
})
