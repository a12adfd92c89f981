import { readFileSync } from 'node:fs'
import { relative, sep } from 'node:path'
import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The files that take longest on their own (seconds on a quiet 2-core machine, Node 24 running
 * the bundle): scripts 28 (two bundles in a clone, one after the other), replication 17,
 * variants 12, convergence.property 9 (its cases one after the other), resilience 8,
 * enterprise-variants 8. A file that starts last finishes alone: on a fresh clone,
 * scripts.test.ts and convergence.property.test.ts started last, at 102 s, when every other file
 * was done by 109 s; the suite took 156 s.
 */
const LONGEST = [
  'scripts',
  'replication',
  'variants',
  'convergence.property',
  'resilience',
  'enterprise-variants'
].map(name => `__tests__/${name}.test.ts`)

/**
 * Vitest's order (the longest files first, by the times of the last run) while it knows them.
 * Without them, as on a fresh clone or in .ci/run after npm ci, vitest starts the larger files
 * first, and files that run the action, scripts or git, which take longest, would start last
 * and finish alone: those start first then, LONGEST first of all.
 */
class ProcessesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const path = (file: TestSpecification) => relative(this.ctx.config.root, file.moduleId)
    const timed = (file: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${file.project.name}:${path(file)}`) !== undefined
    if (sorted.every(timed)) return sorted
    const rank = (file: TestSpecification) => {
      const longest = LONGEST.indexOf(path(file).split(sep).join('/'))
      if (longest >= 0) return longest
      // runAction, or a script, git or the fuzzing harness's cases (which call runAction).
      const runsProcesses = /\b(runAction|execFile|spawn|runCase)\b/
      return runsProcesses.test(readFileSync(file.moduleId, 'utf8'))
        ? LONGEST.length
        : LONGEST.length + 1
    }
    const ranks = new Map(sorted.map(file => [file, rank(file)]))
    // A stable sort: within a rank, vitest's order.
    return [...sorted].sort((a, b) => (ranks.get(a) as number) - (ranks.get(b) as number))
  }
}

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    globalSetup: ['test/support/compile-cache.js'],
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
