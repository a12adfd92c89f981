// Vitest's global setup: one V8 compile cache for every dist/index.js the suite runs. Node (22.1
// and later) compiles the bundle once and reads the compiled code back in the other ~900 runs
// (NODE_COMPILE_CACHE, which runAction passes on; Node 20 ignores it). The folder is removed
// when the suite ends.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const COMPILE_CACHE_VARIABLE = 'SWR_TEST_COMPILE_CACHE'

export default function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'swr-compile-cache-'))
  process.env[COMPILE_CACHE_VARIABLE] = dir
  return () => {
    rmSync(dir, { recursive: true, force: true })
    delete process.env[COMPILE_CACHE_VARIABLE]
  }
}
