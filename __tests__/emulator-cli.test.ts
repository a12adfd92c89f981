// test/emulator/cli.js, the emulator of the CI workflow's job, run as that job runs it and
// called by the bundle.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, runAction } from './helpers/action.js'

describe('test/emulator/cli.js (the emulator of the CI workflow job)', () => {
  it('serves with the keys given in the environment until it is stopped', async () => {
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
