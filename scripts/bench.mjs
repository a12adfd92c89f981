// npm run bench: figures measured against the emulator on loopback, printed as Markdown.
// - Cold start for an existing repository (wall time, peak RSS) beside `node -e 0` and the floor:
//   bare Node (CommonJS) that loads node:crypto, computes one HMAC-SHA256, makes the one
//   loopback GET with node:http and appends one line to GITHUB_OUTPUT; the same floor without
//   the signing, and both floor and action again over HTTPS. Runs on $SWR_BENCH_NODE when set
//   (the Node 24 that action.yml declares), else on the Node running this script. With
//   $SWR_BENCH_BASELINE naming another build's index.js, that build runs too, interleaved with
//   this one, for an A/B comparison within one run.
// - Time to path per scenario over a simulated wide-area link (test/support/wan-relay.js): HTTPS
//   to SWR and to IAM through separate relays, GitHub's token endpoint near the runner. Each
//   scenario runs at RTT 0 and RTT 100 ms; the difference in wall time over 100 ms is the number
//   of round trips the user waits for. A run at 200 ms checks it: from 100 to 200 ms, the work
//   done while waiting is hidden on both sides, so only round trips remain.
// - Bundle size.
// Runs are interleaved and summarised by their median, since these machines are noisy.
//   node scripts/bench.mjs [--runs 21] [--rounds 7] [--only cold-start|round-trips|bundle]
import { spawn, execFileSync, execSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startEmulator } from '../test/emulator/emulator.js'
import { DIST, ROOT, inputEnv, runAction } from '../test/support/run-action.js'
import { makeTestCertificates } from '../test/support/tls.js'
import { startWanRelay } from '../test/support/wan-relay.js'
import { isBundleCurrent } from './source-hash.mjs'

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '21' },
    rounds: { type: 'string', default: '7' },
    only: { type: 'string' }
  }
})
const PARTS = ['cold-start', 'round-trips', 'bundle']
if (args.only !== undefined && !PARTS.includes(args.only))
  throw new Error(`--only: "${args.only}" is not one of ${PARTS.join(', ')}`)
const wanted = part => args.only === undefined || args.only === part
const RUNS = Number(args.runs)
const ROUNDS = Number(args.rounds)
if (!(RUNS >= 11)) throw new Error('--runs: the cold start needs at least 11 runs')
if (!(ROUNDS >= 1)) throw new Error('--rounds must be 1 or more')
const TIME = '/usr/bin/time'
const NODE = process.env.SWR_BENCH_NODE || process.execPath
const NODE_VERSION = execFileSync(NODE, ['-p', 'process.versions.node']).toString().trim()
const RTT_MS = 100
const REGISTRY = 'swr.cn-north-4.myhuaweicloud.com'

if (!isBundleCurrent(ROOT)) execSync('npm run -s bundle', { cwd: ROOT, stdio: 'inherit' })

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const fmt = (n, digits = 0) => n.toFixed(digits)

// ---------- cold start ----------
// The floor (issue 21): CommonJS that loads node:crypto, signs once (one HMAC-SHA256, as every
// real request is signed), makes the one GET and appends one output line. Its twin over
// node:https is what a real run's floor is, since SWR is always reached over TLS. `signed`
// false leaves out node:crypto and the signature: the floor of earlier measurements.
const floorScript = (module, signed = true) => `'use strict'
${signed ? "const { createHmac } = require('node:crypto')\n" : ''}const client = require('${module}')
const { appendFileSync } = require('node:fs')
const headers = {}
${signed ? "headers.Authorization = createHmac('sha256', process.env.FLOOR_KEY).update('GET\\n' + process.env.FLOOR_URL).digest('hex')\n" : ''}client.get(process.env.FLOOR_URL, { headers }, res => {
  res.resume()
  res.on('end', () => appendFileSync(process.env.GITHUB_OUTPUT, 'path=' + process.env.FLOOR_PATH + '\\n'))
})
`
const BASELINE = process.env.SWR_BENCH_BASELINE

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

/**
 * The commands compared, each with its environment, against a running emulator: `node -e 0`;
 * over plain HTTP the floor, the floor without signing, and the action (the target's pair);
 * over HTTPS the floor and the action; and the baseline build beside each action when one is
 * named. Each run after the first is measured against the floor of its group.
 */
function coldStartSubjects(emulator, dir, caFile) {
  const base = {
    PATH: process.env.PATH,
    GITHUB_OUTPUT: join(dir, 'out'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary')
  }
  writeFileSync(base.GITHUB_OUTPUT, '')
  writeFileSync(base.GITHUB_STEP_SUMMARY, '')
  const keys = emulator.accounts.main
  const group = (scheme, origin, env) => {
    const script = (name, signed) => {
      const file = join(dir, `${name}.cjs`)
      writeFileSync(file, floorScript(`node:${scheme}`, signed))
      return file
    }
    const floorEnv = {
      ...base,
      ...env,
      FLOOR_URL: `${origin}/v2/manage/namespaces/group/repos/app`,
      FLOOR_PATH: `${emulator.registry}/group/app`,
      FLOOR_KEY: keys.secretAccessKey
    }
    const actionEnv = {
      ...base,
      ...env,
      ...inputEnv({
        namespace: 'group',
        repository: 'app',
        region: 'cn-north-4',
        endpoint: origin,
        access_key_id: keys.accessKeyId,
        secret_access_key: keys.secretAccessKey
      })
    }
    const over = scheme === 'https' ? ' over HTTPS' : ''
    const floor = {
      group: scheme,
      role: 'floor',
      argv: [script(`floor-${scheme}`, true)],
      env: floorEnv
    }
    const action = { group: scheme, env: actionEnv }
    return [
      { ...floor, name: `floor${over} (one HMAC-SHA256, one GET, one output)` },
      ...(scheme === 'http'
        ? [
            {
              ...floor,
              role: 'other',
              name: 'the floor without `node:crypto` and the HMAC',
              argv: [script('floor-unsigned', false)]
            }
          ]
        : []),
      { ...action, role: 'action', name: `the action${over}, existing repository`, argv: [DIST] },
      ...(BASELINE
        ? [{ ...action, role: 'baseline', name: `the baseline${over}`, argv: [BASELINE] }]
        : [])
    ]
  }
  return [
    { group: undefined, role: 'other', name: '`node -e 0`', argv: ['-e', '0'], env: base },
    ...group('http', emulator.url, {}),
    ...group('https', emulator.httpsUrl, { NODE_EXTRA_CA_CERTS: caFile })
  ]
}

async function coldStart() {
  if (!('SWR_BENCH_NODE' in process.env) && !process.versions.node.startsWith('24.'))
    console.log(`(SWR_BENCH_NODE is not set: the action runs on this Node, not on Node 24)\n`)
  if (!statSync(TIME, { throwIfNoEntry: false })) {
    console.log(`(${TIME} is missing: cold-start memory cannot be measured here)\n`)
    return
  }
  const tls = makeTestCertificates([])
  const emulator = await startEmulator({ tls: { key: tls.key, cert: tls.cert } })
  emulator.addRepository('group', 'app')
  const dir = mkdtempSync(join(tmpdir(), 'swr-bench-'))
  const subjects = coldStartSubjects(emulator, dir, tls.caFile)
  const samples = subjects.map(() => [])
  for (let i = 0; i < RUNS + 2; i++) {
    for (const [s, { argv, env }] of subjects.entries()) {
      const sample = await measure(NODE, argv, env)
      if (i >= 2) samples[s].push(sample) // the first two rounds warm the disk cache
    }
  }
  const requests = []
  for (const { env, argv } of subjects.filter(subject => subject.role === 'action')) {
    emulator.resetLog()
    await measure(NODE, argv, env)
    requests.push(emulator.log.length)
  }
  await emulator.close()
  rmSync(dir, { recursive: true, force: true })
  rmSync(tls.dir, { recursive: true, force: true })
  printColdStart(subjects, samples, requests)
}

function printColdStart(subjects, samples, requests) {
  const rows = subjects.map(({ name, group, role }, s) => ({
    name,
    group,
    role,
    wall: median(samples[s].map(x => x.wallMs)),
    rss: median(samples[s].map(x => x.rssMb))
  }))
  const find = (group, role) => rows.find(r => r.group === group && r.role === role)
  // `node -e 0` is shown against the plain floor.
  const floorOf = r => find(r.group ?? 'http', 'floor')
  console.log(`### Cold start (median of ${RUNS} interleaved runs; Node ${NODE_VERSION})\n`)
  console.log('| run | wall time | × its floor | peak RSS | × its floor |')
  console.log('| --- | ---: | ---: | ---: | ---: |')
  for (const r of rows) {
    const f = floorOf(r)
    console.log(
      `| ${r.name} | ${fmt(r.wall)} ms | ${fmt(r.wall / f.wall, 2)} | ${fmt(r.rss, 1)} MB | ${fmt(r.rss / f.rss, 2)} |`
    )
  }
  const ratios = (a, f) =>
    `${fmt(a.wall / f.wall, 2)}x the wall time, ${fmt(a.rss / f.rss, 2)}x the peak RSS`
  console.log(
    `\nThe action against its floor: ${ratios(find('http', 'action'), find('http', 'floor'))} ` +
      `(target: 1.3x each). Over HTTPS, as every real run: ` +
      `${ratios(find('https', 'action'), find('https', 'floor'))}. ` +
      `It made ${requests.join(' and ')} request(s).`
  )
  if (BASELINE) {
    console.log(
      `The baseline (${BASELINE}) in the same run: ` +
        `${ratios(find('http', 'baseline'), find('http', 'floor'))}; over HTTPS ` +
        `${ratios(find('https', 'baseline'), find('https', 'floor'))}.`
    )
  }
  console.log()
}

// ---------- time to path over a wide-area link ----------
const names = n => Array.from({ length: n }, (_, i) => `svc-${String(i).padStart(2, '0')}`)
const addRepositories = (e, repositories) => repositories.forEach(n => e.addRepository('group', n))
const scenarios = [
  ['existing repository, keys', ['app'], e => e.addRepository('group', 'app'), 3],
  ['new repository in an existing organization', ['app'], e => e.addNamespace('group'), 4],
  ['new organization and repository', ['app'], () => undefined, 5],
  ['existing repository, OpenID Connect', ['app'], e => e.addRepository('group', 'app'), 4, true],
  ['batch of 24 existing repositories', names(24), e => addRepositories(e, names(24)), 3],
  ['batch of 24 new repositories', names(24), e => e.addNamespace('group'), 6]
].map(([name, repositories, seed, target, oidc = false]) => ({
  name,
  repositories,
  seed,
  target,
  oidc
}))

/** Inputs and environment of one run: SWR and IAM each behind their own relay, over HTTPS. */
function wanRun(scenario, emulator, relays, caFile) {
  const inputs = {
    namespace: 'group',
    repository: scenario.repositories.join('\n'),
    region: 'cn-north-4',
    endpoint: `https://127.0.0.1:${relays.swr.port}`,
    // A loopback endpoint derives no registry host; the default endpoints would.
    registry: REGISTRY
  }
  // The runner's defaults for retries and deadlines, not the tests' short ones.
  const env = {
    NODE_EXTRA_CA_CERTS: caFile,
    SWR_ACTION_RETRY_BASE_MS: undefined,
    SWR_ACTION_RETRY_MAX_MS: undefined,
    SWR_ACTION_TIMEOUT_MS: undefined
  }
  if (scenario.oidc) {
    // Another host name than the SWR endpoint's, as IAM is another host.
    inputs.iam_endpoint = `https://localhost:${relays.iam.port}`
    inputs.idp_id = emulator.oidc.idpId
    env.ACTIONS_ID_TOKEN_REQUEST_URL = emulator.oidc.requestUrl
    env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = emulator.oidc.requestToken
  } else {
    inputs.access_key_id = emulator.accounts.main.accessKeyId
    inputs.secret_access_key = emulator.accounts.main.secretAccessKey
  }
  return { inputs, env }
}

/** Fails unless the run ended with every repository there and its path output. */
function checkOutcome(scenario, emulator, run) {
  const paths = run.outputs.paths?.split('\n') ?? []
  const wanted = scenario.repositories.map(n => `${REGISTRY}/group/${n}`)
  const missing = scenario.repositories.filter(n => !emulator.repository('group', n))
  if (run.exitCode !== 0 || missing.length > 0 || paths.join() !== wanted.join())
    throw new Error(`${scenario.name} failed (exit ${run.exitCode}): ${run.stdout}${run.stderr}`)
}

/** One run of a scenario at one RTT: wall time, requests per host and relayed connections. */
async function runScenario(scenario, rttMs, tls) {
  const emulator = await startEmulator({ tls: { key: tls.key, cert: tls.cert } })
  const relays = {
    swr: await startWanRelay({ targetPort: emulator.httpsPort, rttMs }),
    iam: await startWanRelay({ targetPort: emulator.httpsPort, rttMs })
  }
  try {
    scenario.seed(emulator)
    const { inputs, env } = wanRun(scenario, emulator, relays, tls.caFile)
    const run = await runAction(inputs, env, { node: NODE, timeoutMs: 120_000 })
    checkOutcome(scenario, emulator, run)
    const count = port => emulator.log.filter(r => r.host?.endsWith(`:${port}`)).length
    return {
      wallMs: run.durationMs,
      swr: count(relays.swr.port),
      iam: count(relays.iam.port),
      github: emulator.log.filter(r => r.path === '/_github/token').length,
      swrConnections: relays.swr.connections,
      iamConnections: relays.iam.connections
    }
  } finally {
    await Promise.all([relays.swr.close(), relays.iam.close()])
    await emulator.close()
  }
}

/** "n", or "lo–hi" when runs differed. */
function spread(values) {
  const lo = Math.min(...values)
  const hi = Math.max(...values)
  return lo === hi ? String(lo) : `${lo}–${hi}`
}

function describeCounts(runs) {
  const of = key => spread(runs.map(r => r[key]))
  const oidc = runs[0].iam + runs[0].github > 0
  const requests = oidc
    ? `${of('swr')} SWR + ${of('iam')} IAM + ${of('github')} GitHub`
    : `${of('swr')}`
  const connections = oidc
    ? `${of('swrConnections')} SWR + ${of('iamConnections')} IAM`
    : `${of('swrConnections')}`
  return { requests, connections }
}

async function scenarioTable() {
  const tls = makeTestCertificates(['localhost'])
  console.log(`### Round trips to the path (median of ${ROUNDS} runs each; Node ${NODE_VERSION})\n`)
  console.log(
    'HTTPS to the emulator through relays that hold each new connection one RTT and delay every ' +
      "chunk by half an RTT each way; SWR and IAM behind separate relays, GitHub's token endpoint " +
      `near the runner. RTTs used = (wall at ${RTT_MS} ms − wall at 0 ms) / ${RTT_MS} ms. ` +
      `The check, (wall at ${2 * RTT_MS} ms − wall at ${RTT_MS} ms) / ${RTT_MS} ms, leaves out ` +
      `the work that runs while the action waits at ${RTT_MS} ms but adds to the wall time at 0.\n`
  )
  console.log(
    `| scenario | requests | connections | wall at 0 ms | wall at ${RTT_MS} ms | RTTs used | target | check |`
  )
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const scenario of scenarios) {
    const runs = [[], [], []]
    // Interleaved, so that a slow spell of the machine weighs on every RTT alike.
    for (let i = 0; i < ROUNDS; i++) {
      for (const [k, rtt] of [0, RTT_MS, 2 * RTT_MS].entries())
        runs[k].push(await runScenario(scenario, rtt, tls))
    }
    const [wall0, wall1, wall2] = runs.map(rs => median(rs.map(r => r.wallMs)))
    const { requests, connections } = describeCounts(runs[1])
    const rtts = (from, to) => fmt((to - from) / RTT_MS, 1)
    console.log(
      `| ${scenario.name} | ${requests} | ${connections} | ${fmt(wall0)} ms | ${fmt(wall1)} ms | ${rtts(wall0, wall1)} | ${scenario.target} | ${rtts(wall1, wall2)} |`
    )
  }
  rmSync(tls.dir, { recursive: true, force: true })
  console.log()
}

// ---------- bundle ----------
function bundleTable() {
  const dist = join(ROOT, 'dist')
  const files = readdirSync(dist).filter(f => f.endsWith('.js') || f.endsWith('.cjs'))
  console.log('### Bundle\n')
  console.log('| file | size | loaded |')
  console.log('| --- | ---: | --- |')
  // What a chunk holds, from its source map: what makes a run load it.
  const when = f => {
    if (f === 'index.js') return 'always'
    const { sources } = JSON.parse(readFileSync(join(dist, `${f}.map`), 'utf8'))
    const has = part => sources.some(source => source.includes(part))
    if (has('src/enterprise/run.ts')) return 'only for an Enterprise Edition instance'
    if (has('@actions/core/')) return 'only for OIDC'
    if (has('@actions/http-client/')) return 'only for a proxy or OIDC'
    throw new Error(`dist/${f}: no known reason to load it; name one in scripts/bench.mjs`)
  }
  for (const f of files.sort(
    (a, b) => statSync(join(dist, b)).size - statSync(join(dist, a)).size
  )) {
    console.log(`| dist/${f} | ${fmt(statSync(join(dist, f)).size / 1024, 1)} kB | ${when(f)} |`)
  }
  console.log()
}

if (wanted('cold-start')) await coldStart()
if (wanted('round-trips')) await scenarioTable()
if (wanted('bundle')) bundleTable()
