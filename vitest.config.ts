import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * Vitest's order (the longest files first, by the times of the last run) while it knows them.
 * Without them, as on a fresh clone or in .ci/run after npm ci, vitest starts the larger files
 * first, and files that run the action, scripts or git, which take longest, would start last
 * and finish alone: those start first then.
 */
class ProcessesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const timed = (file: TestSpecification) =>
      this.ctx.cache.getFileTestResults(
        `${file.project.name}:${relative(this.ctx.config.root, file.moduleId)}`
      ) !== undefined
    if (sorted.every(timed)) return sorted
    const runsProcesses = (file: TestSpecification) =>
      /\brunAction\(|\bexecFile\(|\bspawn\(/.test(readFileSync(file.moduleId, 'utf8'))
    return [...sorted.filter(runsProcesses), ...sorted.filter(file => !runsProcesses(file))]
  }
}

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // Files run in parallel, two per core (16 at most): the files mostly keep a core busy with
    // the action's processes, but also wait on timeouts, retry delays and Retry-After, and a
    // second file per core fills those gaps. (Vitest's default, one worker fewer than the
    // cores, runs one file at a time on 2 cores.)
    maxWorkers: Math.min(2 * availableParallelism(), 16),
    sequence: { sequencer: ProcessesFirst },
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
