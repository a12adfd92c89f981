import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // Files run in parallel, two per core: a black-box test waits on the action's process, the
    // emulator's loopback I/O and retry delays, so one file per core leaves the cores idle.
    // (Vitest's default, one worker fewer than the cores, runs one file at a time on 2 cores.)
    maxWorkers: 2 * availableParallelism(),
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Under CI, a JSON report as well, from which .ci/run prints its closing line.
    reporters: process.env['CI']
      ? ['default', ['json', { outputFile: 'test-results.json' }]]
      : ['default'],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'lcov']
    }
  }
})
