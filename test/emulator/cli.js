#!/usr/bin/env node
// Runs the SWR emulator in the foreground, for the CI workflow's `uses: ./` job and manual
// experiments: node test/emulator/cli.js [--port N] [--latency-ms N]
// The main account's keys come from SWR_EMULATOR_AK / SWR_EMULATOR_SK (random when unset).
// Prints one JSON line with the URL and the keys, then serves until stopped.
import { parseArgs } from 'node:util'
import { startEmulator } from './emulator.js'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'latency-ms': { type: 'string', default: '0' }
  }
})
const main = {}
if (process.env.SWR_EMULATOR_AK) main.accessKeyId = process.env.SWR_EMULATOR_AK
if (process.env.SWR_EMULATOR_SK) main.secretAccessKey = process.env.SWR_EMULATOR_SK
const emulator = await startEmulator({
  port: Number(values.port),
  latencyMs: Number(values['latency-ms']),
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
