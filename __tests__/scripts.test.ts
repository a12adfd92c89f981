// The scripts the workflows and the README rely on, run for real: on a temporary copy of the
// sources, or in a temporary clone. (The emulator's command line is in emulator-cli.test.ts.)
import { execFile } from 'node:child_process'
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { promisify } from 'node:util'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ROOT } from './helpers/action.js'
import { SOURCES, STAMP, isBundleCurrent, sourceHash } from '../scripts/source-hash.mjs'

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

/** A copy of what the bundle is built from, with new file times, and the hash script. */
function copyOfSources(): string {
  const root = temporaryDir()
  for (const path of [...SOURCES, 'scripts/source-hash.mjs'])
    cpSync(join(ROOT, path), join(root, path), { recursive: true })
  return root
}

/** Changes a file's content but not its size or modification time. */
function editKeepingSizeAndTime(file: string) {
  const { atime, mtime } = statSync(file)
  const text = readFileSync(file, 'utf8')
  expect(text).toContain('import')
  writeFileSync(file, text.replace('import', 'IMPORT'))
  utimesSync(file, atime, mtime)
}

describe('scripts/source-hash.mjs (whether npm start rebuilds dist/)', () => {
  it('gives a copy of the sources the same hash, also after a file time changes', () => {
    const copy = copyOfSources()
    expect(sourceHash(copy)).toMatch(/^[0-9a-f]{64}$/)
    expect(sourceHash(copy)).toBe(sourceHash(ROOT))
    utimesSync(join(copy, 'src', 'index.ts'), new Date(2001, 0, 1), new Date(2001, 0, 1))
    expect(sourceHash(copy)).toBe(sourceHash(ROOT))
  })

  it('changes the hash when the content of a file under src/ changes, its size and time not', () => {
    const copy = copyOfSources()
    editKeepingSizeAndTime(join(copy, 'src', 'index.ts'))
    expect(sourceHash(copy)).not.toBe(sourceHash(ROOT))
  })

  it('counts dist/ current only with dist/index.js and the stamp of the same content', async () => {
    const copy = copyOfSources()
    cpSync(join(ROOT, 'dist', 'index.js'), join(copy, 'dist', 'index.js'))
    expect(isBundleCurrent(copy)).toBe(false)
    await run(process.execPath, [join(copy, 'scripts', 'source-hash.mjs'), '--write'])
    expect(readFileSync(join(copy, STAMP), 'utf8')).toBe(`${sourceHash(ROOT)}\n`)
    expect(isBundleCurrent(copy)).toBe(true)
    utimesSync(join(copy, 'src', 'index.ts'), new Date(), new Date(Date.now() + 60_000))
    expect(isBundleCurrent(copy)).toBe(true)
    const source = readFileSync(join(copy, 'src', 'index.ts'))
    editKeepingSizeAndTime(join(copy, 'src', 'index.ts'))
    expect(isBundleCurrent(copy)).toBe(false)
    writeFileSync(join(copy, 'src', 'index.ts'), source)
    expect(isBundleCurrent(copy)).toBe(true)
    rmSync(join(copy, 'dist', 'index.js'))
    expect(isBundleCurrent(copy)).toBe(false)
  })
})

describe('scripts/check-dist (the dist check of .ci/run, CI and scripts/release)', () => {
  /** Runs a command in `cwd`, with the exit code instead of a rejection. */
  async function exitOf(cwd: string, file: string, args: string[] = []) {
    // ncc keeps a build cache per folder under $XDG_CACHE_HOME (else ~/.cache): one in the
    // temporary folders, removed with them, instead of one more for every clone.
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: temporaryDir() }
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

  it('exits 1 naming a changed and a stale file of dist/, then 0 once the fresh bundle is committed, with --bundled too', async () => {
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
    // --bundled (.ci/run, after npm test bundled) compares the bundle there is, building none.
    const bundled = await exitOf(clone, join(clone, 'scripts', 'check-dist'), ['--bundled'])
    expect(bundled.code).toBe(1)
    expect(bundled.stderr).toMatch(/^ M dist\/index\.js$/m)
    expect(bundled.stderr).toMatch(/^ D dist\/old\.index\.js\.map$/m)

    await git(clone, 'add', '-A', 'dist')
    expect((await git(clone, 'commit', '-q', '--no-verify', '-m', 'fresh dist')).code).toBe(0)
    const fresh = await exitOf(clone, join(clone, 'scripts', 'check-dist'))
    expect(fresh.code).toBe(0)
    expect(fresh.stderr).not.toContain('differs')
    expect(fresh.stdout).toContain('dist/ is up to date.')
    const freshBundled = await exitOf(clone, join(clone, 'scripts', 'check-dist'), ['--bundled'])
    expect(freshBundled.code).toBe(0)
    expect(freshBundled.stdout).toContain('dist/ is up to date.')
  }, 120_000)
})
