// runAction's choice of Node: .ci/run runs the tests with SWR_TEST_NODE naming the Node 24 that
// action.yml declares, so that every black-box test runs dist/index.js as a runner does, and
// that only means something if the variable really picks the binary and a wrong name stops the
// run instead of falling back.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { DIST, runAction } from './helpers/action.js'

const dir = mkdtempSync(join(tmpdir(), 'swr-test-node-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// Set by .ci/run: tests that set their own value put this one back.
const inherited = process.env['SWR_TEST_NODE']
afterEach(() => {
  if (inherited === undefined) delete process.env['SWR_TEST_NODE']
  else process.env['SWR_TEST_NODE'] = inherited
})

function file(name: string, text: string, mode: number): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  chmodSync(path, mode)
  return path
}

describe('runAction and SWR_TEST_NODE', () => {
  it('runs dist/index.js with the binary SWR_TEST_NODE names', async () => {
    process.env['SWR_TEST_NODE'] = file(
      'fake-node',
      '#!/bin/sh\necho "fake node ran: $*"\nexit 3\n',
      0o755
    )
    const run = await runAction({})
    expect(run.stdout).toBe(`fake node ran: ${DIST}\n`)
    expect(run.exitCode).toBe(3)
  })

  it('runs the Node that runs the tests when SWR_TEST_NODE is not set', async () => {
    delete process.env['SWR_TEST_NODE']
    const run = await runAction({}, {}, { nodeArgs: ['-p', 'process.execPath'] })
    expect(run.stdout.trim()).toBe(process.execPath)
  })

  it('reports, from inside the child, the version of the Node SWR_TEST_NODE names (or of this one)', async () => {
    // Under .ci/run this is Node 24 answering for itself, not a path compared.
    const expected =
      inherited === undefined
        ? process.version
        : execFileSync(inherited, ['-p', 'process.version'], { encoding: 'utf8' }).trim()
    const run = await runAction({}, {}, { nodeArgs: ['-p', 'process.version'] })
    expect(run.stdout.trim()).toBe(expected)
  })

  it.each([
    ['a missing file', join(dir, 'no-such-node'), /no such file/],
    ['a file without the execute bit', 'plain-file', /EACCES/],
    ['a directory', dir, /not a file/],
    ['the empty string', '', /not a file/]
  ])('throws, naming SWR_TEST_NODE, when it names %s', async (_, named, reason) => {
    process.env['SWR_TEST_NODE'] =
      named === 'plain-file' ? file(named, 'not a program', 0o644) : named
    const run = runAction({})
    await expect(run).rejects.toThrow(/^SWR_TEST_NODE=".*" names no executable file/)
    await expect(run).rejects.toThrow(reason)
  })
})
