// Answers from a hostile SWR, run as a runner runs the bundle: text that tries to start
// workflow commands, split outputs or add markup to the summary; answers far too large to hold;
// and answers about another organization or repository than the one asked for. Through a
// CONNECT proxy, so that the default endpoint is used and the registry host is known.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { HOSTILE_TEXT } from '../test/emulator/emulator.js'
import { startConnectProxy } from '../test/support/connect-proxy.js'
import { makeTestCertificates } from '../test/support/tls.js'
import {
  errorsOf,
  parseOutputFile,
  resultOf,
  runAction,
  warningsOf,
  type ActionRun
} from './helpers/action.js'
import { baseInputs, startEmulator, type Emulator } from './helpers/emulator.js'
import { ADDRESS, INSTANCE, eeInputs } from './helpers/enterprise.js'

const API = 'swr-api.cn-north-4.myhuaweicloud.com'
const REGISTRY = 'swr.cn-north-4.myhuaweicloud.com'
const tls = makeTestCertificates([API])

let emulator: Emulator
let proxy: Awaited<ReturnType<typeof startConnectProxy>>
beforeAll(async () => {
  emulator = await startEmulator({ tls: { key: tls.key, cert: tls.cert } })
  proxy = await startConnectProxy(emulator.httpsPort as number)
})
afterAll(async () => {
  await proxy.close()
  await emulator.close()
})
beforeEach(() => {
  emulator.clearState()
  emulator.resetLog()
  emulator.addInstance({ id: INSTANCE, name: 'reg' })
})
afterEach(() => {
  emulator.clearFaults()
  emulator.settings.namespaceQuota = 5
})

const env = { HTTPS_PROXY: '', NODE_EXTRA_CA_CERTS: tls.caFile }
/** A standard edition run on the default endpoint of cn-north-4, through the proxy. */
const run = (extra: Record<string, string> = {}, options: { peakMemory?: boolean } = {}) =>
  runAction(
    { ...baseInputs(emulator, extra), endpoint: '' },
    { ...env, HTTPS_PROXY: proxy.url },
    {
      ...options
    }
  )
/** An Enterprise Edition run on the emulator's loopback endpoint. */
const eeRun = (extra: Record<string, string> = {}, options: { peakMemory?: boolean } = {}) =>
  runAction(eeInputs(emulator, extra), {}, options)

const REPO = '/v2/manage/namespaces/group/repos'
const eePrefix = () => `/v2/${emulator.projectId()}/instances/${INSTANCE}`

/**
 * The lines of stdout the runner would take as a workflow command started by the service's
 * text: the runner splits stdout at CR and LF, trims each line's leading blanks and reads
 * "::name::" at its start, and, in a line that is no such command, the older "##[name]" form
 * anywhere in it.
 */
function injectedCommands(result: ActionRun): string[] {
  return result.stdout
    .split(/\r\n|\r|\n/)
    .filter(
      line =>
        (line.includes('##[') && !/^\s*::/.test(line)) ||
        /^\s*::(stop-commands|add-mask::hostile|add-mask::old|error title=Injected|warning::percent)/.test(
          line
        )
    )
}

/** The GITHUB_OUTPUT file read again as the runner reads it: the names, each value's lines. */
function outputShape(result: ActionRun): Record<string, number> {
  const reread = parseOutputFile(
    Object.entries(result.outputs)
      .map(([name, value]) => `${name}<<ghadelimiter_0\n${value}\nghadelimiter_0\n`)
      .join('')
  )
  return Object.fromEntries(Object.entries(reread).map(([k, v]) => [k, v.split('\n').length]))
}

const STANDARD_OUTPUTS = [
  'path',
  'paths',
  'registry',
  'created',
  'namespace_created',
  'result',
  'plan',
  'replica_paths',
  'changed',
  'deleted'
]

/**
 * Raw HTML or Markdown from HOSTILE_TEXT that would render as markup in the job summary: outside
 * code spans (which show their text as it is), and not escaped.
 */
function summaryMarkup(summary: string): string[] {
  const outsideCode = summary.replace(/(?<![\\`])(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, 'CODE')
  const raw = {
    image: /<img/,
    script: /<script/,
    link: /(?<!\\)\]\(https:\/\/attacker/,
    bold: /(?<!\\)\*(?<!\\)\*bold/,
    picture: /(?<!\\)!(?<!\\)\[image/,
    code: /(?<!\\)`tick/
  }
  return Object.entries(raw)
    .filter(([, pattern]) => pattern.test(outsideCode))
    .map(([name]) => name)
}

describe('text from the service that tries to act on the runner', () => {
  it('a path read back with line breaks and workflow commands is not trusted: the built path is output on one line, the warning is escaped, and no command reaches stdout', async () => {
    emulator.addRepository('group', 'app')
    emulator.inject({ kind: 'inject', fields: ['path'], method: 'GET', path: `${REPO}/app` })
    const result = await run()
    expect(result.exitCode).toBe(0)
    expect(injectedCommands(result)).toEqual([])
    expect(Object.keys(result.outputs).sort()).toEqual([...STANDARD_OUTPUTS].sort())
    expect(result.outputs).toMatchObject({
      path: `${REGISTRY}/group/app`,
      paths: `${REGISTRY}/group/app`,
      registry: REGISTRY
    })
    expect(outputShape(result)).toMatchObject({ path: 1, paths: 1, result: 1, plan: 1 })
    expect(resultOf(result.outputs)[0]).toMatchObject({ action: 'unchanged' })
    const warning = warningsOf(result)
    expect(warning).toContain(`SWR answered the path "${REGISTRY}/group/app\\n::stop-commands::`)
    expect(warning).toContain(
      `it is not trusted, and the path ${REGISTRY}/group/app is used instead`
    )
  })

  it('paths, descriptions and categories in the list answer reach neither stdout as commands, nor the outputs as extra lines, nor the summary as markup', async () => {
    const names = ['a', 'b', 'c', 'd']
    for (const name of names) emulator.addRepository('group', name, { description: 'kept' })
    emulator.inject({
      kind: 'inject',
      fields: ['path', 'description', 'category'],
      method: 'GET',
      path: '/v2/manage/repos'
    })
    const result = await run({ repository: names.join('\n') })
    expect(errorsOf(result)).toBe('')
    expect(injectedCommands(result)).toEqual([])
    expect(Object.keys(result.outputs).sort()).toEqual([...STANDARD_OUTPUTS].sort())
    expect(result.outputs['paths']).toBe(names.map(n => `${REGISTRY}/group/${n}`).join('\n'))
    expect(outputShape(result)).toMatchObject({ path: 1, paths: 4, result: 1 })
    expect(warningsOf(result).match(/is not trusted/g)).toHaveLength(4)
    expect(summaryMarkup(result.summary)).toEqual([])
    // The description is shown, as text: its markup escaped, its line breaks flattened.
    expect(result.summary).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(result.summary).toContain('\\*\\*bold\\*\\*')
    // Each row keeps its cells: no pipe from the service splits one.
    const lines = result.summary.split('\n')
    const head = lines.find(line => line.startsWith('| Repository'))!
    const rows = lines.filter(line => line.startsWith('| `'))
    expect(rows).toHaveLength(4)
    const cells = (line: string) => line.split(/(?<!\\)\|/).length
    for (const row of rows) expect(cells(row)).toBe(cells(head))
  })

  it('an error message and request id with workflow commands are quoted on one line in the annotation, the result output and the summary', async () => {
    emulator.settings.namespaceQuota = 0
    emulator.inject({
      kind: 'inject',
      fields: ['error_msg', 'errorMessage'],
      headers: ['x-request-id'],
      method: 'POST',
      path: '/v2/manage/namespaces'
    })
    const result = await run()
    expect(result.exitCode).toBe(1)
    expect(injectedCommands(result)).toEqual([])
    expect(errorsOf(result)).toContain(
      'The number of namespaces has reached the maximum\\n::stop-commands::hostile-token\\r::add-mask::hostile-mask'
    )
    expect(errorsOf(result)).toContain('(request id id ::stop-commands::hostile-header')
    expect(Object.keys(result.outputs).sort()).toEqual([...STANDARD_OUTPUTS].sort())
    expect(outputShape(result)).toMatchObject({ path: 1, paths: 1, result: 1, plan: 1 })
    expect(resultOf<{ error: string }>(result.outputs)[0]?.error).toContain(
      'maximum\\n::stop-commands::hostile-token'
    )
    expect(summaryMarkup(result.summary)).toEqual([])
    expect(result.summary).toContain('&lt;script&gt;')
  })

  it('Enterprise Edition: an instance name, a description and a login expiry with commands and markup reach neither stdout as commands nor the summary as markup', async () => {
    emulator.addInstanceNamespace(INSTANCE, 'group')
    emulator.push(INSTANCE, 'group', 'app')
    const prefix = eePrefix()
    emulator.inject({ kind: 'inject', fields: ['name'], method: 'GET', path: prefix, times: 5 })
    emulator.inject({
      kind: 'inject',
      fields: ['description'],
      method: 'GET',
      path: `${prefix}/namespaces/group/repositories/app`
    })
    emulator.inject({
      kind: 'inject',
      fields: ['expire_date'],
      method: 'POST',
      path: `${prefix}/temp-credential`
    })
    const result = await eeRun({ description: 'wanted', docker_login_outputs: 'true' })
    expect(errorsOf(result)).toBe('')
    expect(injectedCommands(result)).toEqual([])
    expect(result.outputs).toMatchObject({
      path: `${ADDRESS}/group/app`,
      paths: `${ADDRESS}/group/app`
    })
    expect(outputShape(result)).toMatchObject({
      path: 1,
      paths: 1,
      docker_username: 1,
      docker_login_expires_at: 1
    })
    // The expiry with text after it is no date: it is quoted on one line and not output.
    expect(result.outputs['docker_login_expires_at']).toBe('')
    expect(result.stdout).toMatch(/^::warning::SWR's expire_date "[^\n]*" is not an ISO 8601 date/m)
    expect(summaryMarkup(result.summary)).toEqual([])
    const heading = result.summary.split('\n').find(l => l.startsWith('### SWR Enterprise'))
    expect(heading).toContain('`reg ::stop-commands::hostile-token ::add-mask::hostile-mask')
  })

  it('Enterprise Edition: an access address that is no host name fails the run naming it escaped, and sets no path', async () => {
    emulator.inject({ kind: 'inject', fields: ['access_address'], method: 'GET', path: eePrefix() })
    const result = await eeRun()
    expect(result.exitCode).toBe(1)
    expect(injectedCommands(result)).toEqual([])
    expect(errorsOf(result)).toContain(
      `The instance answered the access address "${ADDRESS}\\n::stop-commands::hostile-token`
    )
    expect(errorsOf(result)).toContain('which is not a registry host name')
    expect(result.outputs['path'] ?? '').toBe('')
  })
})

describe('answers far too large to hold', () => {
  const PEAK_LIMIT = 150 * 1024 * 1024

  it.each([
    ['with Content-Length', true],
    ['without Content-Length', false]
  ])(
    'a 200 MiB answer %s to a read fails that request with the method, path and cap, once, in little memory',
    async (_, contentLength) => {
      emulator.addRepository('group', 'app')
      emulator.inject({ kind: 'oversize', contentLength, method: 'GET', path: `${REPO}/app` })
      const result = await run({}, { peakMemory: true })
      expect(result.exitCode).toBe(1)
      expect(errorsOf(result)).toContain(
        `read repository "group/app" failed: the answer to GET ${REPO}/app is larger than the 4 MiB an answer may have`
      )
      expect(emulator.log.filter(e => e.path === `${REPO}/app`)).toHaveLength(1)
      expect(result.peakRssBytes).toBeLessThan(PEAK_LIMIT)
    }
  )

  it('an error answer of 200 MiB (a 500 without Content-Length) is not retried as if transient', async () => {
    emulator.inject({
      kind: 'oversize',
      status: 500,
      contentLength: false,
      method: 'GET',
      path: `${REPO}/app`
    })
    const result = await run({}, { peakMemory: true })
    expect(result.exitCode).toBe(1)
    expect(errorsOf(result)).toContain('is larger than the 4 MiB an answer may have')
    expect(emulator.log.filter(e => e.path === `${REPO}/app`)).toHaveLength(1)
    expect(result.peakRssBytes).toBeLessThan(PEAK_LIMIT)
  })

  it('Enterprise Edition: an instance read of 200 MiB fails the run with the clear error, in little memory', async () => {
    emulator.inject({ kind: 'oversize', contentLength: false, method: 'GET', path: eePrefix() })
    const result = await eeRun({}, { peakMemory: true })
    expect(result.exitCode).toBe(1)
    expect(errorsOf(result)).toContain(
      `the answer to GET ${eePrefix()} is larger than the 4 MiB an answer may have`
    )
    expect(result.peakRssBytes).toBeLessThan(PEAK_LIMIT)
  })
})

describe('answers about something else than what was asked', () => {
  it("a read of group/s-1 answered with another repository's record fails that repository instead of reporting it unchanged", async () => {
    emulator.addRepository('group', 's-1')
    emulator.addRepository('group', 'other', { description: 'not s-1' })
    const other = emulator.repository('group', 'other') as Record<string, unknown>
    emulator.inject({ kind: 'rewrite', patch: other, method: 'GET', path: `${REPO}/s-1` })
    const result = await run({ repository: 's-1\nother' })
    expect(result.exitCode).toBe(1)
    const [s1, kept] = resultOf<{ action: string; path: string; error?: string }>(result.outputs)
    expect(s1).toMatchObject({ action: 'failed', path: '' })
    expect(s1?.error).toContain(
      'read repository "group/s-1" failed: the answer is about name "other", not "s-1"'
    )
    expect(kept).toMatchObject({ action: 'unchanged', path: `${REGISTRY}/group/other` })
    expect(result.outputs['paths']).toBe(`${REGISTRY}/group/other`)
  })

  it('a dry run\'s organization read answered with another organization\'s record is an error, not "exists"', async () => {
    emulator.addNamespace('group')
    emulator.inject({
      kind: 'rewrite',
      patch: { name: 'other-org' },
      method: 'GET',
      path: '/v2/manage/namespaces/group'
    })
    const result = await run({ dry_run: 'true' })
    expect(result.exitCode).toBe(1)
    expect(errorsOf(result)).toContain(
      'read organization "group" failed: the answer is about name "other-org", not "group"'
    )
  })

  it("list items of another organization that the fuzzy list matches are not taken for this organization's repositories", async () => {
    for (const name of ['a', 'b', 'c']) emulator.addRepository('group', name)
    emulator.addRepository('group2', 'd')
    const result = await run({ repository: 'a\nb\nc\nd' })
    expect(errorsOf(result)).toBe('')
    const entries = resultOf<{ repository: string; action: string }>(result.outputs)
    expect(entries.map(e => [e.repository, e.action])).toEqual([
      ['a', 'unchanged'],
      ['b', 'unchanged'],
      ['c', 'unchanged'],
      ['d', 'created']
    ])
    expect(emulator.repository('group', 'd')).toBeDefined()
  })

  it('list items that name a repository with "$" for "/" or in capitals are still found, not created again', async () => {
    for (const name of ['team/a', 'b', 'c', 'd']) emulator.addRepository('group', name)
    emulator.inject({
      kind: 'rewrite',
      patch: { namespace: 'GROUP' },
      method: 'GET',
      path: '/v2/manage/repos'
    })
    const result = await run({ repository: 'team/a\nb\nc\nd' })
    expect(errorsOf(result)).toBe('')
    expect(resultOf<{ action: string }>(result.outputs).map(e => e.action)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged'
    ])
    expect(emulator.log.filter(e => e.method === 'POST')).toEqual([])
  })

  it("Enterprise Edition: a namespace read answered with another namespace's record fails the run", async () => {
    emulator.addInstanceNamespace(INSTANCE, 'group')
    emulator.inject({
      kind: 'rewrite',
      patch: { name: 'elsewhere' },
      method: 'GET',
      path: `${eePrefix()}/namespaces/group`
    })
    const result = await eeRun()
    expect(result.exitCode).toBe(1)
    expect(errorsOf(result)).toContain(
      'read namespace "group" failed: the answer is about name "elsewhere", not "group"'
    )
  })

  it("Enterprise Edition: a repository read answered with another repository's record fails that repository", async () => {
    emulator.addInstanceNamespace(INSTANCE, 'group')
    emulator.push(INSTANCE, 'group', 'app')
    emulator.push(INSTANCE, 'group', 'web')
    emulator.inject({
      kind: 'rewrite',
      patch: { name: 'web' },
      method: 'GET',
      path: `${eePrefix()}/namespaces/group/repositories/app`
    })
    const result = await eeRun({ repository: 'app\nweb' })
    expect(result.exitCode).toBe(1)
    const [app, web] = resultOf<{ action: string; error?: string }>(result.outputs)
    expect(app?.action).toBe('failed')
    expect(app?.error).toContain(
      'read repository "group/app" failed: the answer is about name "web", not "app"'
    )
    expect(web?.action).toBe('unchanged')
  })
})

it('the injected text holds what a runner would take as commands, were it printed raw', () => {
  const raw = { stdout: HOSTILE_TEXT } as ActionRun
  expect(injectedCommands(raw).length).toBeGreaterThanOrEqual(4)
})
