#!/usr/bin/env node
// Runs the SWR emulator in the foreground, for the CI workflow's `uses: ./` job and manual
// experiments:
//   node test/emulator/cli.js [--port N] [--latency-ms N] [--error-shape live|object|array|errors]
//     [--repository-quota N] [--variant name=value ...]
// Variants and their values are listed in test/emulator/variants.js (VARIANTS), e.g.
// --variant foreignOrg=401 --variant createRepoInMissingOrg=400-4001008.
// The main account's keys come from SWR_EMULATOR_AK / SWR_EMULATOR_SK (random when unset).
// Prints one JSON line with the URL and the keys, then serves until stopped.
import { parseArgs } from 'node:util'
import { startEmulator } from './emulator.js'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'latency-ms': { type: 'string', default: '0' },
    'error-shape': { type: 'string', default: 'live' },
    'repository-quota': { type: 'string' },
    variant: { type: 'string', multiple: true, default: [] }
  }
})
const variants = Object.fromEntries(
  values.variant.map(pair => {
    const at = pair.indexOf('=')
    if (at < 1) throw new Error(`--variant wants name=value, not ${pair}`)
    return [pair.slice(0, at), pair.slice(at + 1)]
  })
)
const main = {}
if (process.env.SWR_EMULATOR_AK) main.accessKeyId = process.env.SWR_EMULATOR_AK
if (process.env.SWR_EMULATOR_SK) main.secretAccessKey = process.env.SWR_EMULATOR_SK
const emulator = await startEmulator({
  port: Number(values.port),
  latencyMs: Number(values['latency-ms']),
  errorShape: values['error-shape'],
  ...(values['repository-quota'] ? { repositoryQuota: Number(values['repository-quota']) } : {}),
  variants,
  accounts: { main }
})
console.log(
  JSON.stringify({
    url: emulator.url,
    region: emulator.region,
    registry: emulator.registry,
    accessKeyId: emulator.accounts.main.accessKeyId
  })
)
const stop = () => emulator.close().then(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
