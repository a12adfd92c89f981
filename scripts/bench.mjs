// npm run bench: figures measured against the emulator on loopback, printed as Markdown.
// - Cold start for an existing repository (wall time, peak RSS) beside `node -e 0` and a floor
//   script: bare Node making the same single signed loopback request and writing one output.
// - Requests, connections and wall time per scenario, with 0 ms and 100 ms of latency.
// - Bundle size.
// Runs are interleaved and summarised by their median, since these machines are noisy.
import { spawn, execSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startEmulator } from '../test/emulator/emulator.js'
import { DIST, ROOT, inputEnv, runAction } from '../test/support/run-action.js'

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '21' } } })
const RUNS = Number(args.runs)
const TIME = '/usr/bin/time'

if (!existsSync(DIST)) execSync('npm run -s bundle', { cwd: ROOT, stdio: 'inherit' })

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const fmt = (n, digits = 0) => n.toFixed(digits)

// ---------- cold start ----------
const FLOOR = `
import http from 'node:http'
import { createHash, createHmac } from 'node:crypto'
import { appendFileSync } from 'node:fs'
const url = new URL(process.env.FLOOR_URL)
const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\\.\\d{3}/, '')
const headers = { 'content-type': 'application/json;charset=utf-8', host: url.host, 'x-sdk-date': date }
const names = Object.keys(headers).sort()
const hash = s => createHash('sha256').update(s).digest('hex')
const canonical = ['GET', url.pathname.split('/').map(s => encodeURIComponent(s)).join('/') + '/', '',
  names.map(n => n + ':' + headers[n] + '\\n').join(''), names.join(';'), hash('')].join('\\n')
const signature = createHmac('sha256', process.env.FLOOR_SK).update('SDK-HMAC-SHA256\\n' + date + '\\n' + hash(canonical)).digest('hex')
headers.authorization = 'SDK-HMAC-SHA256 Access=' + process.env.FLOOR_AK + ', SignedHeaders=' + names.join(';') + ', Signature=' + signature
http.get(url, { headers }, res => {
  let body = ''
  res.on('data', d => (body += d))
  res.on('end', () => {
    if (res.statusCode !== 200) throw new Error('floor request failed: ' + res.statusCode)
    appendFileSync(process.env.GITHUB_OUTPUT, 'path<<EOF\\n' + JSON.parse(body).path + '\\nEOF\\n')
  })
})
`

function measure(command, argv, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(TIME, ['-f', '%M', command, ...argv], {
      env,
      stdio: ['ignore', 'ignore', 'pipe']
    })
    let stderr = ''
    child.stderr.on('data', d => (stderr += d))
    child.on('close', code => {
      const wallMs = performance.now() - started
      const rssKb = Number(stderr.trim().split('\n').at(-1))
      if (code !== 0 || !Number.isFinite(rssKb))
        reject(new Error(`${argv.join(' ')} failed: ${stderr}`))
      else resolve({ wallMs, rssMb: rssKb / 1024 })
    })
  })
}

async function coldStart() {
  if (!existsSync(TIME)) {
    console.log(`(${TIME} is missing: cold-start memory cannot be measured here)\n`)
    return
  }
  const emulator = await startEmulator()
  emulator.addRepository('group', 'app')
  const dir = mkdtempSync(join(tmpdir(), 'swr-bench-'))
  const floorFile = join(dir, 'floor.mjs')
  writeFileSync(floorFile, FLOOR)
  const keys = emulator.accounts.main
  const base = {
    PATH: process.env.PATH,
    GITHUB_OUTPUT: join(dir, 'out'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary')
  }
  writeFileSync(base.GITHUB_OUTPUT, '')
  writeFileSync(base.GITHUB_STEP_SUMMARY, '')
  const actionEnv = {
    ...base,
    ...inputEnv({
      namespace: 'group',
      repository: 'app',
      region: 'cn-north-4',
      endpoint: emulator.url,
      access_key_id: keys.accessKeyId,
      secret_access_key: keys.secretAccessKey
    })
  }
  const floorEnv = {
    ...base,
    FLOOR_URL: `${emulator.url}/v2/manage/namespaces/group/repos/app`,
    FLOOR_AK: keys.accessKeyId,
    FLOOR_SK: keys.secretAccessKey
  }
  const subjects = [
    ['`node -e 0`', ['-e', '0'], base],
    ['floor (one signed request, one output)', [floorFile], floorEnv],
    ['the action, existing repository', [DIST], actionEnv]
  ]
  const samples = subjects.map(() => [])
  for (let i = 0; i < RUNS + 2; i++) {
    for (const [s, [, argv, env]] of subjects.entries()) {
      const sample = await measure(process.execPath, argv, env)
      if (i >= 2) samples[s].push(sample) // the first two rounds warm the disk cache
    }
  }
  emulator.resetLog()
  await measure(process.execPath, [DIST], actionEnv)
  const actionRequests = emulator.log.length
  await emulator.close()

  const rows = subjects.map(([name], s) => ({
    name,
    wall: median(samples[s].map(x => x.wallMs)),
    rss: median(samples[s].map(x => x.rssMb))
  }))
  const floor = rows[1]
  console.log(
    `### Cold start (median of ${RUNS} interleaved runs; Node ${process.versions.node})\n`
  )
  console.log('| run | wall time | × floor | peak RSS | × floor |')
  console.log('| --- | ---: | ---: | ---: | ---: |')
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${fmt(r.wall)} ms | ${fmt(r.wall / floor.wall, 2)} | ${fmt(r.rss, 1)} MB | ${fmt(r.rss / floor.rss, 2)} |`
    )
  }
  console.log(`\nThe action made ${actionRequests} request(s) for the existing repository.\n`)
}

// ---------- scenarios ----------
const REGISTRY = 'swr.cn-north-4.myhuaweicloud.com'
const scenarios = [
  ['existing repository', e => e.addRepository('group', 'app'), ['app']],
  ['new repository, existing organization', e => e.addNamespace('group'), ['app']],
  ['new organization and repository', () => undefined, ['app']],
  ['batch of 10, new, existing organization', e => e.addNamespace('group'), names(10)],
  ['batch of 50, new, existing organization', e => e.addNamespace('group'), names(50)]
]
function names(n) {
  return Array.from({ length: n }, (_, i) => `svc-${String(i).padStart(2, '0')}`)
}

async function scenarioTable() {
  console.log('### Requests and connections per scenario\n')
  console.log(
    'The registry host is given (as the default endpoints derive it), so nothing is read back.\n'
  )
  console.log('| scenario | latency | requests | connections | wall time |')
  console.log('| --- | ---: | ---: | ---: | ---: |')
  for (const latencyMs of [0, 100]) {
    for (const [name, seed, repositories] of scenarios) {
      const times = []
      let requests = 0
      let connections = 0
      const rounds = latencyMs === 0 ? 5 : 3
      for (let i = 0; i < rounds; i++) {
        const emulator = await startEmulator({ latencyMs })
        seed(emulator)
        const run = await runAction(
          {
            namespace: 'group',
            repository: repositories.join('\n'),
            region: 'cn-north-4',
            endpoint: emulator.url,
            registry: REGISTRY,
            access_key_id: emulator.accounts.main.accessKeyId,
            secret_access_key: emulator.accounts.main.secretAccessKey
          },
          {
            SWR_ACTION_RETRY_BASE_MS: undefined,
            SWR_ACTION_RETRY_MAX_MS: undefined,
            SWR_ACTION_TIMEOUT_MS: undefined
          }
        )
        if (run.exitCode !== 0) throw new Error(`${name} failed: ${run.stdout}`)
        times.push(run.durationMs)
        requests = emulator.log.length
        connections = emulator.connections
        await emulator.close()
      }
      console.log(
        `| ${name} | ${latencyMs} ms | ${requests} | ${connections} | ${fmt(median(times))} ms |`
      )
    }
  }
  console.log()
}

// ---------- bundle ----------
function bundleTable() {
  const dist = join(ROOT, 'dist')
  const files = readdirSync(dist).filter(f => f.endsWith('.js') || f.endsWith('.cjs'))
  console.log('### Bundle\n')
  console.log('| file | size | loaded |')
  console.log('| --- | ---: | --- |')
  const when = f => (f === 'index.js' ? 'always' : 'only for a proxy or OIDC')
  for (const f of files.sort(
    (a, b) => statSync(join(dist, b)).size - statSync(join(dist, a)).size
  )) {
    console.log(`| dist/${f} | ${fmt(statSync(join(dist, f)).size / 1024, 1)} kB | ${when(f)} |`)
  }
  console.log()
}

await coldStart()
await scenarioTable()
bundleTable()
