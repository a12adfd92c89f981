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

describe('test/emulator/cli.js (the emulator of the CI workflow job)', () => {
  it('serves with the keys given in the environment until it is stopped', async () => {
    const { spawn } = await import('node:child_process')
    const { runAction } = await import('./helpers/action.js')
    const child = spawn(
      process.execPath,
      [join(ROOT, 'test', 'emulator', 'cli.js'), '--port', '0'],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          SWR_EMULATOR_AK: 'EMULATORACCESSKEY001',
          SWR_EMULATOR_SK: 'emulator-secret'
        },
        stdio: ['ignore', 'pipe', 'inherit']
      }
    )
    try {
      const ready = await new Promise<{ url: string; accessKeyId: string }>(resolve =>
        child.stdout.once('data', (line: Buffer) =>
          resolve(JSON.parse(line.toString()) as { url: string; accessKeyId: string })
        )
      )
      expect(ready.accessKeyId).toBe('EMULATORACCESSKEY001')
      const inputs = {
        namespace: 'ci-group',
        repository: 'team/app',
        region: 'cn-north-4',
        endpoint: ready.url,
        access_key_id: 'EMULATORACCESSKEY001',
        secret_access_key: 'emulator-secret'
      }
      expect((await runAction(inputs)).outputs).toMatchObject({
        created: 'true',
        namespace_created: 'true'
      })
      expect((await runAction(inputs)).outputs).toMatchObject({ created: 'false' })
    } finally {
      child.kill('SIGTERM')
      await new Promise(resolve => child.once('close', resolve))
    }
  })
})
