// Runs npm scripts at the same time and fails when any of them fails. An argument with commas is
// a chain: its scripts run one after the other, each only once the one before succeeded. Each
// script's output (stdout and stderr, in order) is printed in one piece when it ends, under its
// name; the failures are named again at the end. `--live <script>` lets that script write to
// the terminal as it runs instead, and holds the others' output until it ends.
//
// `npm test` starts the tests once the bundle they run is built, while the format check, the
// lint and the type check go on beside them: the suite's files wait on the action's processes,
// timeouts and retry delays, and the checks fill those gaps instead of running first.
//   node scripts/parallel.mjs --live test:unit bundle,test:unit format:check lint typecheck
import { spawn } from 'node:child_process'

const args = process.argv.slice(2)
const live = args[0] === '--live' ? args[1] : undefined
const chains = (live === undefined ? args : args.slice(2)).map(arg => arg.split(','))
if (chains.length === 0 || chains.flat().some(script => script === '')) {
  console.error(
    'usage: node scripts/parallel.mjs [--live <npm script>] <npm script>[,<npm script>...]...'
  )
  process.exit(2)
}
if (live !== undefined && !chains.flat().includes(live)) {
  console.error(`scripts/parallel.mjs: --live ${live} names no script to run`)
  process.exit(2)
}

// Colours as on a terminal when this runs on one: the scripts see a pipe.
const env = process.stdout.isTTY ? { ...process.env, FORCE_COLOR: '1' } : process.env
const npm = process.env['npm_execpath']

/** Output held back while the live script runs. @type {Buffer[]} */
const held = []
let liveRunning = false
/** @param {Buffer} chunk */
const print = chunk => (liveRunning ? held.push(chunk) : process.stdout.write(chunk))

/**
 * @param {string} script
 * @returns {Promise<{ script: string, code: number, seconds: string }>}
 */
function run(script) {
  const started = performance.now()
  const isLive = script === live
  if (isLive) liveRunning = true
  // Through the npm that runs this when there is one (npm test), else the npm on the PATH.
  const [file, npmArgs] = npm ? [process.execPath, [npm, 'run', script]] : ['npm', ['run', script]]
  const child = spawn(file, npmArgs, {
    env: isLive ? process.env : env,
    stdio: ['ignore', isLive ? 'inherit' : 'pipe', isLive ? 'inherit' : 'pipe']
  })
  /** @type {Buffer[]} */
  const output = []
  child.stdout?.on('data', chunk => output.push(chunk))
  child.stderr?.on('data', chunk => output.push(chunk))
  return new Promise(resolve => {
    let ended = false
    const done = (/** @type {number} */ code) => {
      if (ended) return
      ended = true
      const seconds = ((performance.now() - started) / 1000).toFixed(1)
      const status = code === 0 ? 'ok' : `failed with exit code ${code}`
      if (isLive) {
        liveRunning = false
        for (const chunk of held.splice(0)) process.stdout.write(chunk)
      }
      print(Buffer.from(`> npm run ${script}: ${status} (${seconds} s)\n`))
      print(Buffer.concat(output))
      resolve({ script, code, seconds })
    }
    child.on('error', error => {
      output.push(Buffer.from(`${error.message}\n`))
      done(127)
    })
    child.on('close', (code, signal) => done(code ?? (signal ? 128 : 1)))
  })
}

/**
 * The scripts of a chain one after the other, up to the first that fails.
 * @param {string[]} chain
 */
async function runChain(chain) {
  const results = []
  for (const script of chain) {
    const result = await run(script)
    results.push(result)
    if (result.code !== 0) break
  }
  return results
}

const results = (await Promise.all(chains.map(runChain))).flat()
const failed = results.filter(result => result.code !== 0)
for (const { script, code } of failed)
  console.error(`npm run ${script} failed (exit code ${code}): see its output above`)
const skipped = chains.flat().filter(script => !results.some(result => result.script === script))
for (const script of skipped)
  console.error(`npm run ${script} did not run: a script before it failed`)
process.exitCode = failed.length > 0 ? 1 : 0
