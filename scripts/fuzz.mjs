#!/usr/bin/env node
// Property-based convergence tests (test/fuzz/convergence.js) against the bundle:
//   npm run fuzz -- --runs N [--seed S] [--streams K] [--break NAME]
// Without --seed, a seed is drawn and printed; a failure prints its seed, fast-check's shrunk
// case and the command that replays it. Run `npm run bundle` first: it runs dist/index.js.
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { BREAKS, fuzz } from '../test/fuzz/convergence.js'
import { DIST } from '../test/support/run-action.js'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100' },
    seed: { type: 'string' },
    streams: { type: 'string', default: '2' },
    break: { type: 'string', default: 'none' },
    path: { type: 'string' }
  }
})
const whole = (name, text, least) => {
  const n = Number(text)
  if (!Number.isInteger(n) || n < least) {
    console.error(`--${name} must be a whole number of at least ${least}, not ${text}`)
    process.exit(2)
  }
  return n
}
const runs = whole('runs', values.runs, 1)
const streams = whole('streams', values.streams, 1)
const seed =
  values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : whole('seed', values.seed, 0)
if (!BREAKS.includes(values.break)) {
  console.error(`--break must be one of ${BREAKS.join(', ')}`)
  process.exit(2)
}
if (!existsSync(DIST)) {
  console.error(`${DIST} is missing: run npm run bundle first`)
  process.exit(2)
}

console.log(`Convergence fuzzing: ${runs} cases, seed ${seed}, ${streams} stream(s)`)
const started = performance.now()
const result = await fuzz({
  runs,
  seed,
  streams,
  break: values.break,
  ...(values.path ? { path: values.path } : {}),
  log: m => console.log(m)
})
const seconds = ((performance.now() - started) / 1000).toFixed(1)
for (const f of result.failures) {
  console.log(`\nStream ${f.stream} failed (seed ${f.seed}):\n${f.message}`)
  console.log(`Replay: npm run fuzz -- --streams 1 --seed ${f.seed} --path ${f.path}`)
}
console.log(
  `${runs} cases in ${seconds} s, seed ${seed}: ${result.failures.length === 0 ? 'all properties held' : `${result.failures.length} stream(s) failed`}`
)
process.exit(result.failures.length === 0 ? 0 : 1)
