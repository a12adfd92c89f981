// npm start: the action's main job, locally, with no cloud account. Builds dist/ when it is
// missing or was built from other sources (by content, see source-hash.mjs), starts the SWR
// emulator on loopback, runs the bundled action twice (create, then the idempotent re-run) and
// prints what a workflow would see.
import { execSync } from 'node:child_process'
import { startEmulator } from '../test/emulator/emulator.js'
import { ROOT, errorsOf, runAction } from '../test/support/run-action.js'
import { isBundleCurrent } from './source-hash.mjs'

if (!isBundleCurrent(ROOT)) {
  console.log('Building dist/ ...')
  execSync('npm run -s bundle', { cwd: ROOT, stdio: 'inherit' })
}

const emulator = await startEmulator()
console.log(`SWR emulator listening on ${emulator.url} (region ${emulator.region})\n`)
const inputs = {
  namespace: 'demo-group',
  repository: 'team/app',
  description: 'made by npm start',
  region: emulator.region,
  endpoint: emulator.url,
  access_key_id: emulator.accounts.main.accessKeyId,
  secret_access_key: emulator.accounts.main.secretAccessKey
}
let failed = false
try {
  for (const title of [
    'First run: creates the organization and the repository',
    'Second run: finds them, one request'
  ]) {
    emulator.resetLog()
    const run = await runAction(inputs, { SWR_ACTION_RETRY_BASE_MS: undefined })
    console.log(`== ${title}`)
    console.log(`exit code ${run.exitCode} in ${Math.round(run.durationMs)} ms`)
    for (const entry of emulator.log)
      console.log(`  ${entry.method} ${entry.rawPath}${entry.query} -> ${entry.status}`)
    console.log('outputs:')
    for (const [name, value] of Object.entries(run.outputs)) {
      if (name !== 'result') console.log(`  ${name}: ${value}`)
    }
    console.log()
    if (run.exitCode !== 0) {
      failed = true
      console.log(errorsOf(run) || run.stderr)
    }
  }
} finally {
  await emulator.close()
}
process.exitCode = failed ? 1 : 0
