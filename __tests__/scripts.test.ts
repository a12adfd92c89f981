// The scripts the workflows and the README rely on, run for real: against the emulator or in a
// temporary clone.
import { execFile } from 'node:child_process'
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { promisify } from 'node:util'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ROOT } from './helpers/action.js'
import { startEmulator, type Emulator } from './helpers/emulator.js'

const run = promisify(execFile)

const temporaryDirs: string[] = []
function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'swr-scripts-'))
  temporaryDirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('scripts/delete-repository.mjs (the e2e clean-up)', () => {
  let emulator: Emulator
  beforeEach(async () => {
    emulator = await startEmulator()
  })
  afterEach(async () => {
    await emulator.close()
  })

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

describe('scripts/check-dist (the dist check of .ci/run, CI and scripts/release)', () => {
  /** Runs a command in `cwd`, with the exit code instead of a rejection. */
  async function exitOf(cwd: string, file: string, args: string[] = []) {
    const env = { ...process.env }
    for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete env[name]
    try {
      return { code: 0, ...(await run(file, args, { cwd, env })) }
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string }
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
    }
  }
  const git = (cwd: string, ...args: string[]) =>
    exitOf(cwd, 'git', [
      '-c',
      'user.name=scripts test',
      '-c',
      'user.email=scripts-test@example.invalid',
      '-c',
      'commit.gpgsign=false',
      ...args
    ])

  it('exits 1 naming a changed and a stale file of dist/, then 0 once the fresh bundle is committed', async () => {
    const clone = temporaryDir()
    expect((await git(ROOT, 'clone', '-q', ROOT, clone)).code).toBe(0)
    // The scripts as they are in the work tree, not as last committed.
    cpSync(join(ROOT, 'scripts'), join(clone, 'scripts'), { recursive: true })
    cpSync(join(ROOT, 'package.json'), join(clone, 'package.json'))
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'))
    appendFileSync(join(clone, 'dist', 'index.js'), '// not what the bundle builds\n')
    writeFileSync(join(clone, 'dist', 'old.index.js.map'), '{}')
    await git(clone, 'add', '-A')
    expect((await git(clone, 'commit', '-q', '--no-verify', '-m', 'stale dist')).code).toBe(0)

    const stale = await exitOf(clone, join(clone, 'scripts', 'check-dist'))
    expect(stale.code).toBe(1)
    expect(stale.stderr).toMatch(/^ M dist\/index\.js$/m)
    expect(stale.stderr).toMatch(/^ D dist\/old\.index\.js\.map$/m)
    expect(stale.stdout).not.toContain('up to date')

    await git(clone, 'add', '-A', 'dist')
    expect((await git(clone, 'commit', '-q', '--no-verify', '-m', 'fresh dist')).code).toBe(0)
    const fresh = await exitOf(clone, join(clone, 'scripts', 'check-dist'))
    expect(fresh.code).toBe(0)
    expect(fresh.stderr).not.toContain('differs')
    expect(fresh.stdout).toContain('dist/ is up to date.')
  }, 120_000)
})
