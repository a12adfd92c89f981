// Provokes, on throwaway names, the SWR answers that no public source settles (docs/swr-service.md,
// "Behaviours no public source settles"), says which of the emulator's variants the service
// showed, and deletes what it made. The e2e workflow runs it against the real cloud;
// __tests__/probe.test.ts runs it against the emulator under every variant.
//   node scripts/probe-swr.mjs             probe, then delete what it made
//   node scripts/probe-swr.mjs --clean-up  only delete what a probe with this PROBE_PREFIX may
//                                          have left (the workflow's `if: always()` step)
// Environment: the keys and region of cleanup-swr.mjs, PROBE_PREFIX (unique per run: the names
// derive from it), PROBE_REPORT (a file for the findings as JSON), GITHUB_STEP_SUMMARY.
// One line per behaviour on stdout; exit 0 when the probe ran and cleaned up whatever the
// variants, 1 when something it made could not be deleted (after printing the findings), 2 on
// a usage error. The repository quota's answer is not provoked: it would take hundreds of
// repositories.
import { appendFileSync, realpathSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { VARIANTS } from '../test/emulator/variants.js'
import {
  UsageError,
  cleanUp,
  describe,
  policiesIn,
  repositoryPath,
  report,
  retrying,
  succeeded,
  swrFromEnv,
  transient
} from './cleanup-swr.mjs'

// Organization names are unique per region across all accounts: these common ones are likely
// owned by someone else, which is the only way to meet another account's organization.
const FOREIGN_CANDIDATES = ['library', 'test', 'default', 'public', 'huaweicloud']
const REPOSITORY = 'probe'
const POLICY = {
  algorithm: 'or',
  rules: [{ template: 'tag_rule', params: { num: '5' }, tag_selectors: [] }]
}
const ORGANIZATION_MISSING = ['SVCSTG.SWR.4040058', 'SVCSTG.SWR.4041061']
const OTHER_ACCOUNT = 'SVCSTG.SWR.4011064'

/** A valid organization name (lowercase, starting with a letter) from any text, or ''. */
export function organizationName(text, maxLength) {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, maxLength)
    .replace(/[^a-z0-9]+$/, '')
}

/** The throwaway organization, and one that must not exist, of the run named by `prefix`. */
export function probeNames(prefix) {
  const organization = organizationName(prefix, 64 - '-missing'.length)
  if (!organization) throw new UsageError('PROBE_PREFIX must contain a letter')
  return { organization, missing: `${organization}-missing`, repository: REPOSITORY }
}

/** What the probe made, by organization: deleted in `finally`, newest first. */
function createLedger() {
  const made = new Map()
  return {
    add(namespace, repositories = []) {
      made.set(namespace, new Set([...(made.get(namespace) ?? []), ...repositories]))
    },
    forget: namespace => made.delete(namespace),
    entries: () => [...made.entries()].reverse(),
    results: []
  }
}

const finding = (behaviour, variant, answer, extra = {}) => ({
  behaviour,
  variant,
  status: answer?.status,
  code: answer?.code,
  requestId: answer?.requestId,
  notes: [],
  ...extra
})

async function readRepoInMissingOrg(swr, names) {
  const answer = await swr.request('GET', repositoryPath(names.missing, names.repository))
  const notFound = answer.status === 404 && answer.code?.startsWith('SVCSTG.SWR.404')
  const variant = !notFound
    ? 'other'
    : ORGANIZATION_MISSING.includes(answer.code)
      ? 'org-code'
      : 'repo-code'
  return finding('readRepoInMissingOrg', variant, answer)
}

async function createRepoInMissingOrg(swr, names, ledger) {
  // Registered first: an answer that never came may hide a repository (and organization) made.
  ledger.add(names.missing, [names.repository])
  const answer = await swr.request('POST', `/v2/manage/namespaces/${names.missing}/repos`, {
    repository: names.repository,
    is_public: false,
    category: 'other',
    description: 'made by scripts/probe-swr.mjs; should not exist'
  })
  if (answer.status >= 300 && answer.status < 500) ledger.forget(names.missing)
  const code = /^SVCSTG\.SWR\.(\d{7})$/.exec(answer.code ?? '')?.[1]
  const variant = succeeded(answer)
    ? 'created'
    : answer.status >= 400 && answer.status < 500 && code
      ? `${answer.status}-${code}`
      : 'other'
  return finding('createRepoInMissingOrg', variant, answer)
}

/** '404' or '401' when both reads answer as that variant of the emulator does, else 'other'. */
function foreignVariant(organization, repository) {
  const unauthorized = answer => answer.status === 401 && answer.code === OTHER_ACCOUNT
  if (unauthorized(organization) && unauthorized(repository)) return '401'
  const missing =
    organization.status === 404 &&
    ORGANIZATION_MISSING.includes(organization.code) &&
    repository.status === 404 &&
    repository.code?.startsWith('SVCSTG.')
  return missing ? '404' : 'other'
}

/** Deletes an organization made by mistake; a failure leaves it to the final clean-up. */
async function deleteAtOnce(swr, ledger, namespace) {
  ledger.add(namespace)
  const results = await cleanUp(swr, namespace, [], { justCreated: true })
  if (results.some(r => r.result === 'failed')) return false
  ledger.results.push(...results)
  ledger.forget(namespace)
  return true
}

async function foreignOrg(swr, ledger) {
  const notes = []
  for (const name of FOREIGN_CANDIDATES) {
    const created = await swr.request('POST', '/v2/manage/namespaces', { namespace: name })
    if (succeeded(created)) {
      const deleted = await deleteAtOnce(swr, ledger, name)
      const then = deleted ? 'deleted again' : 'deleting it failed, tried again at the end'
      notes.push(`${name}: free (creating it answered ${describe(created)}), ${then}`)
      continue
    }
    if (created.status !== 409) {
      notes.push(`${name}: creating it answered ${describe(created)}`)
      continue
    }
    const organization = await swr.request('GET', `/v2/manage/namespaces/${name}`)
    if (organization.status === 200) {
      notes.push(`${name}: this account's own organization, left alone`)
      continue
    }
    const repository = await swr.request('GET', repositoryPath(name, REPOSITORY))
    const variant = foreignVariant(organization, repository)
    return finding('foreignOrg', variant, organization, {
      notes: [...notes, `${name}: creating it answered ${describe(created)}`],
      organization: name,
      repositoryRead: { status: repository.status, code: repository.code },
      detail: `organization ${name}; reading a repository in it: ${describe(repository)}`
    })
  }
  return finding('foreignOrg', 'untested', undefined, {
    notes,
    detail: 'no candidate name was owned by another account'
  })
}

const untested = (behaviour, why, answer) =>
  finding(behaviour, 'untested', answer, { detail: `${why}: ${describe(answer)}` })

/** The throwaway organization and repository with one policy, or the answer that failed. */
async function setUpRepository(swr, names, ledger) {
  const { organization: ns, repository } = names
  ledger.add(ns, [repository])
  const org = await swr.request('POST', '/v2/manage/namespaces', { namespace: ns })
  if (!succeeded(org)) {
    // A refusal made nothing; a 5xx may hide an organization made, left for the clean-up.
    if (org.status < 500) ledger.forget(ns)
    return { failed: 'creating the organization answered', answer: org }
  }
  // Right after a create SWR may not show the new organization or repository yet.
  const settling = a => transient(a) || [400, 403, 404].includes(a.status)
  const repo = await retrying(
    swr,
    () =>
      swr.request('POST', `/v2/manage/namespaces/${ns}/repos`, {
        repository,
        is_public: false,
        category: 'other',
        description: 'made by scripts/probe-swr.mjs'
      }),
    settling
  )
  // 409: a create whose answer was lost and was sent again had made it.
  if (!succeeded(repo) && repo.status !== 409)
    return { failed: 'creating the repository answered', answer: repo }
  const path = `${repositoryPath(ns, repository)}/retentions`
  const first = await retrying(swr, () => swr.request('POST', path, POLICY), settling)
  if (!succeeded(first)) return { failed: 'creating the first policy answered', answer: first }
  return { path }
}

async function secondRetention(swr, names, ledger) {
  const ready = await setUpRepository(swr, names, ledger)
  if (ready.failed) return untested('secondRetention', ready.failed, ready.answer)
  const second = await swr.request('POST', ready.path, POLICY)
  // A stored second policy may take a moment to show in the list.
  const list = await retrying(
    swr,
    () => swr.request('GET', ready.path),
    a => transient(a) || (succeeded(second) && policiesIn(a.body).length < 2)
  )
  if (!succeeded(list)) return untested('secondRetention', 'listing the policies answered', list)
  const count = policiesIn(list.body).length
  const refused = { 400: 'refuse-400', 409: 'refuse-409' }[second.status]
  const variant = succeeded(second)
    ? count >= 2
      ? 'store'
      : 'other'
    : refused && count === 1
      ? refused
      : 'other'
  return finding('secondRetention', variant, second, {
    policies: count,
    detail: `${count} ${count === 1 ? 'policy' : 'policies'} listed afterwards`
  })
}

/** Runs one probe; whatever goes wrong becomes an 'other' finding, never a crash. */
async function guarded(behaviour, probe) {
  try {
    return await probe()
  } catch (error) {
    return finding(behaviour, 'other', undefined, { detail: `no answer: ${error.message}` })
  }
}

const answered = f => [f.status === undefined ? '' : describe(f), f.detail].filter(Boolean)

/** "readRepoInMissingOrg: org-code (HTTP 404 SVCSTG.SWR.4040058)" and the notes below it. */
function printFinding(f) {
  console.log(`${f.behaviour}: ${f.variant} (${answered(f).join('; ')})`)
  for (const note of f.notes) console.log(`  ${note}`)
}

async function probe(swr, names, ledger) {
  const steps = [
    ['readRepoInMissingOrg', () => readRepoInMissingOrg(swr, names)],
    ['createRepoInMissingOrg', () => createRepoInMissingOrg(swr, names, ledger)],
    ['foreignOrg', () => foreignOrg(swr, ledger)],
    ['secondRetention', () => secondRetention(swr, names, ledger)]
  ]
  const findings = []
  for (const [behaviour, step] of steps) {
    const found = await guarded(behaviour, step)
    found.emulator = VARIANTS[behaviour].includes(found.variant) ? found.variant : null
    printFinding(found)
    findings.push(found)
  }
  return findings
}

const TITLES = {
  readRepoInMissingOrg: 'reading a repository of a missing organization',
  createRepoInMissingOrg: 'creating a repository in a missing organization',
  foreignOrg: "reading another account's organization",
  secondRetention: 'a second retention policy on one repository'
}

/** What the action does under a variant the emulator plays (docs/swr-service.md), in short. */
function whatTheActionDoes(f) {
  if (f.variant === 'untested') return 'not provoked: see the log'
  if (f.emulator === null) return '**not played by the emulator**: add it and check the action'
  switch (f.behaviour) {
    case 'readRepoInMissingOrg':
      return f.variant === 'org-code'
        ? "plans the organization's creation at once"
        : "learns about the organization from the create's answer"
    case 'createRepoInMissingOrg':
      return f.status === 404 && ORGANIZATION_MISSING.includes(f.code)
        ? 'creates the organization, then the repository again'
        : 'reads the organization: missing, creates it and the repository again'
    case 'foreignOrg':
      return f.variant === '401'
        ? 'says at once that another account owns the organization'
        : 'create answers 409, read-back finds nothing: says another account owns the name'
    default:
      return 'never makes a second policy on purpose; manages the first, warns on several'
  }
}

const cell = text => String(text).replaceAll('|', '\\|')

function summaryOf(findings, names, cleanedUp) {
  const rows = findings.map(f =>
    [
      `${TITLES[f.behaviour]} (\`${f.behaviour}\`)`,
      answered(f).join('; ') || 'no answer',
      f.emulator === null ? `none (\`${f.variant}\`)` : `\`${f.emulator}\``,
      whatTheActionDoes(f)
    ]
      .map(cell)
      .join(' | ')
  )
  return [
    `### What SWR answered (scripts/probe-swr.mjs, organization \`${names.organization}\`)`,
    '',
    '| behaviour | what SWR answered | matching emulator variant | what the action does |',
    '| --- | --- | --- | --- |',
    ...rows.map(row => `| ${row} |`),
    '',
    cleanedUp
      ? 'Everything the probe made was deleted.'
      : '**Something the probe made could not be deleted: see the log.**',
    ''
  ].join('\n')
}

function publish(env, names, findings, cleanup) {
  const cleanedUp = cleanup.every(r => r.result !== 'failed')
  if (env.PROBE_REPORT) {
    const document = { names, findings, cleanup, cleanedUp }
    writeFileSync(env.PROBE_REPORT, `${JSON.stringify(document, null, 2)}\n`)
  }
  if (env.GITHUB_STEP_SUMMARY)
    appendFileSync(env.GITHUB_STEP_SUMMARY, summaryOf(findings, names, cleanedUp))
  return cleanedUp
}

async function main(args, env) {
  const swr = swrFromEnv(env)
  const names = probeNames(env.PROBE_PREFIX ?? '')
  if (args[0] === '--clean-up') {
    const results = [
      ...(await cleanUp(swr, names.organization, [names.repository])),
      ...(await cleanUp(swr, names.missing, [names.repository]))
    ]
    return report(results) ? 0 : 1
  }
  if (args.length > 0) throw new UsageError('usage: node scripts/probe-swr.mjs [--clean-up]')
  console.log(`Probing ${swr.base} with organization ${names.organization}`)
  const ledger = createLedger()
  let findings
  try {
    findings = await probe(swr, names, ledger)
  } finally {
    for (const [namespace, repositories] of ledger.entries())
      ledger.results.push(...(await cleanUp(swr, namespace, [...repositories])))
  }
  console.log('Clean-up:')
  report(ledger.results)
  return publish(env, names, findings, ledger.results) ? 0 : 1
}

const invoked = process.argv[1] && pathToFileURL(realpathSync(process.argv[1])).href
if (invoked === import.meta.url) {
  main(process.argv.slice(2), process.env).then(
    code => (process.exitCode = code),
    error => {
      console.error(error.message)
      process.exitCode = error instanceof UsageError ? 2 : 1
    }
  )
}
