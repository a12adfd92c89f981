// Runs npm scripts at the same time and fails when any of them fails: `npm test` runs the bundle,
// the format check, the lint and the type check this way, which take turns waiting on the disk
// and on each other otherwise. Each script's output (stdout and stderr, in order) is printed in
// one piece when it ends, under its name; the failures are named again at the end.
//   node scripts/parallel.mjs bundle format:check lint typecheck
import { spawn } from 'node:child_process'

const scripts = process.argv.slice(2)
if (scripts.length === 0) {
  console.error('usage: node scripts/parallel.mjs <npm script>...')
  process.exit(2)
}

// Colours as on a terminal when this runs on one: the scripts see a pipe.
const env = process.stdout.isTTY ? { ...process.env, FORCE_COLOR: '1' } : process.env
const npm = process.env['npm_execpath']

/**
 * @param {string} script
 * @returns {Promise<{ script: string, code: number, seconds: string }>}
 */
function run(script) {
  const started = performance.now()
  // Through the npm that runs this when there is one (npm test), else the npm on the PATH.
  const [file, args] = npm ? [process.execPath, [npm, 'run', script]] : ['npm', ['run', script]]
  const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  /** @type {Buffer[]} */
  const output = []
  child.stdout.on('data', chunk => output.push(chunk))
  child.stderr.on('data', chunk => output.push(chunk))
  return new Promise(resolve => {
    let ended = false
    const done = (/** @type {number} */ code) => {
      if (ended) return
      ended = true
      const seconds = ((performance.now() - started) / 1000).toFixed(1)
      const status = code === 0 ? 'ok' : `failed with exit code ${code}`
      process.stdout.write(`> npm run ${script}: ${status} (${seconds} s)\n`)
      process.stdout.write(Buffer.concat(output))
      resolve({ script, code, seconds })
    }
    child.on('error', error => {
      output.push(Buffer.from(`${error.message}\n`))
      done(127)
    })
    child.on('close', (code, signal) => done(code ?? (signal ? 128 : 1)))
  })
}

const results = await Promise.all(scripts.map(run))
const failed = results.filter(result => result.code !== 0)
for (const { script, code } of failed)
  console.error(`npm run ${script} failed (exit code ${code}): see its output above`)
process.exitCode = failed.length > 0 ? 1 : 0
