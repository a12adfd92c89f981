// The emulator itself, checked in-process against docs/swr-service.md with signed
// requests: the published statuses and codes, every value of every variant in every error
// shape, the API gateway's answer for a path that is no API, and the faults that need care;
// sharing, auto-sync rules, and one SWR per region (picked by the Host header, sent here
// straight to the loopback port and signed for that host).
import http from 'node:http'
import net from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { signRequest } from '../src/http/signer.js'
import {
  ACCESS_VARIANTS,
  ENTERPRISE_VARIANTS,
  ERROR_SHAPES,
  INSTANCE_STATUSES,
  VARIANTS
} from '../test/emulator/emulator.js'
import { startEmulator, type Emulator } from './helpers/emulator.js'

type Account = 'main' | 'other' | 'reader'
interface Answer {
  status: number
  text: string
  json: unknown
}

const PARTNER = 'partner'
let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({ knownAccounts: [PARTNER] })
})
afterAll(async () => {
  await emulator.close()
})
beforeEach(() => {
  emulator.clearState()
  for (const [name, values] of Object.entries(VARIANTS))
    emulator.variants[name] = values[0] as string
  emulator.settings.errorShape = 'live'
  emulator.settings.repositoryQuota = Infinity
  emulator.clearFaults()
  emulator.resetLog()
})

/**
 * The headers of a request signed like the action signs it, for `account`, with the Host
 * header of `base` (the emulator's loopback address unless a regional API host is given).
 */
function signed(
  method: string,
  path: string,
  body: string,
  account: Account = 'main',
  base = emulator.url
) {
  const url = new URL(path, base)
  const keys = emulator.accounts[account]
  return signRequest(
    { method, url, headers: { 'Content-Type': 'application/json' }, body },
    { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey }
  )
}

function call(
  method: string,
  path: string,
  input?: unknown,
  account: Account = 'main'
): Promise<Answer> {
  const body = input === undefined ? '' : JSON.stringify(input)
  return send(method, path, body, signed(method, path, body, account))
}

const apiHost = (region: string) =>
  `https://swr-api.${region}.${region === 'eu-west-101' ? 'myhuaweicloud.eu' : 'myhuaweicloud.com'}`

/** A call as it reaches the emulator through a proxy: to the loopback port, for `region`'s host. */
function callIn(
  region: string,
  method: string,
  path: string,
  input?: unknown,
  account: Account = 'main'
): Promise<Answer> {
  const body = input === undefined ? '' : JSON.stringify(input)
  return send(method, path, body, signed(method, path, body, account, apiHost(region)))
}

function send(
  method: string,
  path: string,
  body: string,
  headers: Record<string, string>
): Promise<Answer> {
  // Node frames no body of a DELETE unless told its length (the sync_repo DELETE has one).
  const length = body ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}
  const options = { method, headers: { ...headers, ...length } }
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, emulator.url), options, res => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json: unknown
        try {
          json = text ? JSON.parse(text) : undefined
        } catch {
          json = undefined
        }
        resolve({ status: res.statusCode ?? 0, text, json })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** An SWR error body in `shape`, written out from the notes, independently of the emulator. */
function swrErrorBody(shape: string, code: string): unknown {
  const message = expect.any(String)
  switch (shape) {
    case 'live':
      return {
        errors: [
          { errorCode: code, errorMessage: message, detail: '', encoded_authorization_message: '' }
        ],
        error_code: code,
        error_msg: message,
        encoded_authorization_message: ''
      }
    case 'object':
      return { errorCode: code, errorMessage: message }
    case 'array':
      return [{ errorCode: code, errorMessage: message, detail: '' }]
    case 'errors':
      return { errors: [{ errorCode: code, errorMessage: message }] }
    default:
      throw new Error(`no expectation for error shape ${shape}: add one`)
  }
}

function expectSwrError(answer: Answer, status: number, code: string): void {
  const shape = emulator.settings.errorShape
  expect({ status: answer.status, body: answer.json }).toEqual({
    status,
    body: swrErrorBody(shape, code)
  })
  expect(emulator.log.at(-1)).toMatchObject({ status, code })
}

/** "404-4040058" -> [404, "SVCSTG.SWR.4040058"] */
function statusAndCode(value: string): [number, string] {
  const [status, code] = value.split('-')
  return [Number(status), `SVCSTG.SWR.${code}`]
}

const RULES = [{ template: 'tag_rule', params: { num: '10' }, tag_selectors: [] }]
const REPO = '/v2/manage/namespaces/group/repos/app'

describe('the published statuses and codes', () => {
  it('a missing organization is 404 4040058, in the live shape by default', async () => {
    const answer = await call('GET', '/v2/manage/namespaces/group')
    expect(answer.status).toBe(404)
    expect(answer.json).toEqual({
      errors: [
        {
          errorCode: 'SVCSTG.SWR.4040058',
          errorMessage: expect.any(String),
          detail: '',
          encoded_authorization_message: ''
        }
      ],
      error_code: 'SVCSTG.SWR.4040058',
      error_msg: (answer.json as { errors: { errorMessage: string }[] }).errors[0]?.errorMessage,
      encoded_authorization_message: ''
    })
  })

  it.each(ERROR_SHAPES)('errorShape %s gives that shape', async shape => {
    emulator.settings.errorShape = shape
    expectSwrError(await call('GET', '/v2/manage/namespaces/group'), 404, 'SVCSTG.SWR.4040058')
  })

  it('a missing repository of an existing organization is 404 4040010', async () => {
    emulator.addNamespace('group')
    expectSwrError(await call('GET', REPO), 404, 'SVCSTG.SWR.4040010')
  })

  it('an organization that exists is 409 4090060, whichever account owns it', async () => {
    emulator.addNamespace('mine')
    emulator.addNamespace('theirs', 'other')
    for (const namespace of ['mine', 'theirs']) {
      expectSwrError(
        await call('POST', '/v2/manage/namespaces', { namespace }),
        409,
        'SVCSTG.SWR.4090060'
      )
    }
  })

  it('a repository that exists is 409 4090006', async () => {
    emulator.addRepository('group', 'app')
    const input = { repository: 'app', is_public: false }
    expectSwrError(
      await call('POST', '/v2/manage/namespaces/group/repos', input),
      409,
      'SVCSTG.SWR.4090006'
    )
  })

  it('the organization quota is 400 4000097', async () => {
    emulator.settings.namespaceQuota = 1
    try {
      expect((await call('POST', '/v2/manage/namespaces', { namespace: 'one' })).status).toBe(201)
      expectSwrError(
        await call('POST', '/v2/manage/namespaces', { namespace: 'two' }),
        400,
        'SVCSTG.SWR.4000097'
      )
    } finally {
      emulator.settings.namespaceQuota = 5
    }
  })

  it.each(VARIANTS.repositoryQuotaAnswer)(
    'the repository quota, with repositoryQuotaAnswer %s, answers that status and code',
    async value => {
      emulator.variants['repositoryQuotaAnswer'] = value
      emulator.settings.repositoryQuota = 1
      emulator.addNamespace('group')
      const create = (repository: string) =>
        call('POST', '/v2/manage/namespaces/group/repos', { repository, is_public: false })
      expect((await create('one')).status).toBe(201)
      expectSwrError(await create('two'), ...statusAndCode(value))
    }
  )

  it('a retention policy that does not exist is 400 4000306', async () => {
    emulator.addRepository('group', 'app')
    expectSwrError(await call('DELETE', `${REPO}/retentions/999`), 400, 'SVCSTG.SWR.4000306')
  })

  it.each([
    ['an unknown path', 'GET', '/v2/manage/nothing'],
    ['a method the path does not publish', 'PUT', '/v2/manage/namespaces/group']
  ])('%s is the API gateway 404 APIGW.0101, not an SWR error', async (_, method, path) => {
    const answer = await call(method, path)
    expect(answer.status).toBe(404)
    expect(answer.json).toEqual({
      error_code: 'APIGW.0101',
      error_msg: 'The API does not exist or has not been published in the environment',
      request_id: expect.stringMatching(/^[0-9a-f]{32}$/)
    })
    expect(emulator.log.at(-1)).toMatchObject({ status: 404, code: 'APIGW.0101' })
  })
})

describe('deleting an organization (DELETE /v2/manage/namespaces/{namespace})', () => {
  it('answers 204 and the organization is gone', async () => {
    emulator.addNamespace('group')
    const answer = await call('DELETE', '/v2/manage/namespaces/group')
    expect({ status: answer.status, text: answer.text }).toEqual({ status: 204, text: '' })
    expect(emulator.namespace('group')).toBeUndefined()
  })

  it('refuses with 406 4060074 while it has repositories, and keeps it', async () => {
    emulator.addRepository('group', 'app')
    expectSwrError(await call('DELETE', '/v2/manage/namespaces/group'), 406, 'SVCSTG.SWR.4060074')
    expect(emulator.namespace('group')).toMatchObject({ name: 'group', owner: 'main' })
  })

  it('answers 404 4040058 when it does not exist', async () => {
    expectSwrError(await call('DELETE', '/v2/manage/namespaces/group'), 404, 'SVCSTG.SWR.4040058')
  })
})

// Every value of every variant, in every error shape. A new value of a status-code variant is
// tested by these rows without change; a new value of another variant fails until its
// expectation is added to the table of its test.
describe.each(ERROR_SHAPES)('variants, with errorShape %s', shape => {
  beforeEach(() => {
    emulator.settings.errorShape = shape
  })

  it.each(VARIANTS.createRepoInMissingOrg)(
    'createRepoInMissingOrg %s: creating a repository in a missing organization answers it',
    async value => {
      emulator.variants['createRepoInMissingOrg'] = value
      const input = { repository: 'app', is_public: false }
      const answer = await call('POST', '/v2/manage/namespaces/group/repos', input)
      expectSwrError(answer, ...statusAndCode(value))
      expect(emulator.state.repositories.size).toBe(0)
    }
  )

  const readCodes: Record<string, string> = {
    'org-code': 'SVCSTG.SWR.4040058',
    'repo-code': 'SVCSTG.SWR.4040010'
  }
  it.each(VARIANTS.readRepoInMissingOrg)(
    'readRepoInMissingOrg %s: reading a repository of a missing organization is 404 with that code',
    async value => {
      emulator.variants['readRepoInMissingOrg'] = value
      const code = readCodes[value]
      if (!code) throw new Error(`no expectation for readRepoInMissingOrg ${value}: add one`)
      expectSwrError(await call('GET', REPO), 404, code)
    }
  )

  it.each(VARIANTS.secondRetention)(
    'secondRetention %s: a second retention policy is refused or stored as it says',
    async value => {
      emulator.variants['secondRetention'] = value
      emulator.addRepository('group', 'app')
      emulator.addRetention('group', 'app', RULES)
      const answer = await call('POST', `${REPO}/retentions`, { algorithm: 'or', rules: RULES })
      const expected: Record<string, () => void> = {
        'refuse-400': () => expectSwrError(answer, 400, 'SVCSTG.SWR.4001048'),
        'refuse-409': () => expectSwrError(answer, 409, 'SVCSTG.SWR.4090306'),
        store: () => expect(answer).toMatchObject({ status: 201, json: { id: expect.any(Number) } })
      }
      const check = expected[value]
      if (!check) throw new Error(`no expectation for secondRetention ${value}: add one`)
      check()
      const listed = await call('GET', `${REPO}/retentions`)
      expect((listed.json as unknown[]).length).toBe(value === 'store' ? 2 : 1)
    }
  )
})

describe.each(VARIANTS.foreignOrg)('foreignOrg %s: an organization another account owns', value => {
  beforeEach(() => {
    emulator.variants['foreignOrg'] = value
    emulator.addRepository('group', 'app', {}, 'other')
    emulator.addRetention('group', 'app', RULES)
  })

  const refusedCalls: [string, string, unknown][] = [
    ['GET', '/v2/manage/namespaces/group', undefined],
    ['DELETE', '/v2/manage/namespaces/group', undefined],
    ['POST', '/v2/manage/namespaces/group/repos', { repository: 'new', is_public: false }],
    ['GET', REPO, undefined],
    ['PATCH', REPO, { is_public: true }],
    ['DELETE', REPO, undefined],
    ['GET', `${REPO}/retentions`, undefined],
    ['POST', `${REPO}/retentions`, { algorithm: 'or', rules: RULES }]
  ]
  // What a missing organization answers for each call, with the default variants.
  const asMissing = (method: string, path: string): [number, string] =>
    path.endsWith('/repos') && method === 'POST'
      ? statusAndCode(VARIANTS.createRepoInMissingOrg[0] as string)
      : [404, 'SVCSTG.SWR.4040058']

  it.each(refusedCalls)('%s %s is refused and changes nothing', async (method, path, input) => {
    const expected: Record<string, [number, string]> = {
      '404': asMissing(method, path),
      '401': [401, 'SVCSTG.SWR.4011064']
    }
    const answer = expected[value]
    if (!answer) throw new Error(`no expectation for foreignOrg ${value}: add one`)
    expectSwrError(await call(method, path, input), ...answer)
    expect(emulator.namespace('group')?.owner).toBe('other')
    expect(emulator.repository('group', 'app')).toMatchObject({ is_public: false })
    expect(emulator.retentions('group', 'app')).toHaveLength(1)
    expect(emulator.state.repositories.size).toBe(1)
  })

  it('creating the organization is 409 4090060', async () => {
    expectSwrError(
      await call('POST', '/v2/manage/namespaces', { namespace: 'group' }),
      409,
      'SVCSTG.SWR.4090060'
    )
  })

  it('its owner still reads it', async () => {
    expect((await call('GET', REPO, undefined, 'other')).status).toBe(200)
  })
})

describe('faults', () => {
  it('lose-answer carries the create out, then drops the connection without a byte', async () => {
    emulator.addNamespace('group')
    emulator.inject({
      method: 'POST',
      path: '/v2/manage/namespaces/group/repos',
      kind: 'lose-answer'
    })
    const path = '/v2/manage/namespaces/group/repos'
    const body = JSON.stringify({ repository: 'app', is_public: false })
    const headers = signed('POST', path, body)
    const received = await new Promise<Buffer>((resolve, reject) => {
      const socket = net.connect(emulator.port, '127.0.0.1')
      const chunks: Buffer[] = []
      socket.on('data', (chunk: Buffer) => chunks.push(chunk))
      socket.on('close', () => resolve(Buffer.concat(chunks)))
      socket.on('error', reject)
      const lines = Object.entries({ ...headers, 'Content-Length': String(body.length) })
      socket.write(
        `POST ${path} HTTP/1.1\r\n${lines.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`
      )
    })
    expect(received.length).toBe(0)
    expect(emulator.repository('group', 'app')).toMatchObject({ name: 'app', is_public: false })
    expect(emulator.log).toMatchObject([{ method: 'POST', status: 201, fault: 'lose-answer' }])
  })

  it('drip sends the status line and headers at once, then the body a byte at a time', async () => {
    const intervalMs = 150
    const body = '{"a":1}'
    emulator.inject({ method: 'GET', path: REPO, kind: 'drip', status: 200, body, intervalMs })
    const events = await new Promise<{ headersAt: number; chunks: [number, string][] }>(
      (resolve, reject) => {
        const req = http.request(new URL(REPO, emulator.url), { headers: signed('GET', REPO, '') })
        req.on('response', res => {
          const headersAt = Date.now()
          const chunks: [number, string][] = []
          res.on('data', (chunk: Buffer) => chunks.push([Date.now(), chunk.toString()]))
          res.on('end', () => resolve({ headersAt, chunks }))
        })
        req.on('error', reject)
        req.end()
      }
    )
    expect(events.chunks.map(([, text]) => text)).toEqual(body.split(''))
    const first = events.chunks[0]?.[0] ?? 0
    const last = events.chunks.at(-1)?.[0] ?? 0
    expect(first - events.headersAt).toBeGreaterThanOrEqual(intervalMs - 30)
    expect(last - first).toBeGreaterThanOrEqual((body.length - 1) * intervalMs - 60)
  })

  it('drip without a status drips the answer the request really gets', async () => {
    emulator.addRepository('group', 'app')
    emulator.inject({ method: 'GET', path: REPO, kind: 'drip', intervalMs: 1 })
    const answer = await call('GET', REPO)
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual(emulator.repository('group', 'app'))
    expect(emulator.log).toMatchObject([{ status: 200, fault: 'drip' }])
  })

  it('an injected status logs the code of its body', async () => {
    const body = {
      error_code: 'APIGW.0308',
      error_msg: 'The throttling threshold has been reached'
    }
    emulator.inject({ method: 'GET', path: REPO, kind: 'status', status: 429, body })
    expect((await call('GET', REPO)).status).toBe(429)
    expect(emulator.log).toMatchObject([{ status: 429, code: 'APIGW.0308', fault: 'status' }])
  })
})

describe('the controls tests use', () => {
  it('connections counts the connections opened since resetLog, live', async () => {
    http.globalAgent.destroy() // so that the calls below open connections of their own
    expect(emulator.connections).toBe(0)
    await call('GET', '/v2/manage/namespaces')
    await call('GET', '/v2/manage/namespaces')
    const used = new Set(emulator.log.map(entry => entry.connection))
    expect(emulator.connections).toBe(used.size)
    expect(Math.max(...used)).toBe(used.size)
    emulator.resetLog()
    expect(emulator.connections).toBe(0)
  })
})

const SHARING = `${REPO.replace('/repos/', '/repositories/')}/access-domains`
const SYNC = `${REPO}/sync_repo`
const TARGET = 'ap-southeast-1'
const FOREVER = { access_domain: PARTNER, permit: 'read', deadline: 'forever' }
const LATER = '2099-12-31T00:00:00Z'
/** A sharing as the list and the read show it, written out from the SDK's model. */
const sharingShown = (fields: Record<string, unknown>) => ({
  namespace: 'group',
  repository: 'app',
  access_domain: PARTNER,
  permit: 'read',
  deadline: 'forever',
  description: '',
  creator_id: emulator.accounts.main.domainId,
  creator_name: 'main',
  created: expect.any(String),
  updated: expect.any(String),
  status: true,
  ...fields
})

describe('sharing a repository (.../repositories/{repository}/access-domains)', () => {
  beforeEach(() => {
    emulator.addRepository('group', 'app')
  })

  it('creating answers 201; the list and the read show it, valid (status true)', async () => {
    const created = await call('POST', SHARING, { ...FOREVER, description: 'ci' })
    expect({ status: created.status, json: created.json }).toEqual({ status: 201, json: {} })
    const listed = await call('GET', SHARING)
    expect(listed).toMatchObject({ status: 200, json: [sharingShown({ description: 'ci' })] })
    const read = await call('GET', `${SHARING}/${PARTNER}`)
    expect(read).toMatchObject({ status: 200 })
    expect(read.json).toEqual({ exist: true, ...sharingShown({ description: 'ci' }) })
  })

  it('a repository name with / is shared through its $ form and listed with its / name', async () => {
    emulator.addRepository('group', 'team/app')
    const path = '/v2/manage/namespaces/group/repositories/team$app/access-domains'
    expect((await call('POST', path, FOREVER)).status).toBe(201)
    expect((await call('GET', path)).json).toEqual([sharingShown({ repository: 'team/app' })])
  })

  it('a sharing past its deadline is listed with status false', async () => {
    emulator.addSharing('group', 'app', {
      access_domain: PARTNER,
      deadline: '2020-01-01T00:00:00Z'
    })
    const listed = await call('GET', SHARING)
    expect(listed.json).toEqual([sharingShown({ deadline: '2020-01-01T00:00:00Z', status: false })])
  })

  it('changing the deadline answers 201; a PATCH without a description clears it', async () => {
    emulator.addSharing('group', 'app', { access_domain: PARTNER, description: 'old' })
    const patch = await call('PATCH', `${SHARING}/${PARTNER}`, { permit: 'read', deadline: LATER })
    expect(patch.status).toBe(201)
    expect(emulator.sharing('group', 'app')).toMatchObject([{ deadline: LATER, description: '' }])
  })

  it('stopping answers 204 without a body, and the account is no longer listed', async () => {
    emulator.addSharing('group', 'app', { access_domain: PARTNER })
    const deleted = await call('DELETE', `${SHARING}/${PARTNER}`)
    expect({ status: deleted.status, text: deleted.text }).toEqual({ status: 204, text: '' })
    expect((await call('GET', SHARING)).json).toEqual([])
  })

  it('sharing twice with one account is 409 4090089 and keeps the first', async () => {
    emulator.addSharing('group', 'app', { access_domain: PARTNER, deadline: LATER })
    expectSwrError(await call('POST', SHARING, FOREVER), 409, 'SVCSTG.SWR.4090089')
    expect(emulator.sharing('group', 'app')).toMatchObject([{ deadline: LATER }])
  })

  it('an account name that does not exist is 400 4001041, and nothing is shared', async () => {
    const input = { ...FOREVER, access_domain: 'nobody-by-this-name' }
    expectSwrError(await call('POST', SHARING, input), 400, 'SVCSTG.SWR.4001041')
    expect(emulator.sharing('group', 'app')).toEqual([])
  })

  it.each(['POST', 'PATCH'])(
    '%s with a permission other than read is 400 4001091',
    async method => {
      emulator.addSharing('group', 'app', { access_domain: 'other' })
      const path = method === 'POST' ? SHARING : `${SHARING}/other`
      const input = { ...FOREVER, permit: 'write' }
      expectSwrError(await call(method, path, input), 400, 'SVCSTG.SWR.4001091')
      expect(emulator.sharing('group', 'app')).toMatchObject([{ access_domain: 'other' }])
    }
  )

  it.each([
    ['in the past', '2020-01-01T00:00:00Z'],
    ['a date without a time', '2099-12-31'],
    ['not a date', 'soon'],
    ['missing', undefined]
  ])('a deadline %s is 400 4000014', async (_, deadline) => {
    expectSwrError(await call('POST', SHARING, { ...FOREVER, deadline }), 400, 'SVCSTG.SWR.4000014')
    expect(emulator.sharing('group', 'app')).toEqual([])
  })

  it.each(['GET', 'PATCH', 'DELETE'])(
    '%s of an account the repository is not shared with is 400 4001090',
    async method => {
      const input = method === 'PATCH' ? { permit: 'read', deadline: 'forever' } : undefined
      expectSwrError(await call(method, `${SHARING}/${PARTNER}`, input), 400, 'SVCSTG.SWR.4001090')
    }
  )

  it('a repository is shared with at most 500 accounts: the 501st is 400 4000014', async () => {
    for (let i = 0; i < 500; i++) emulator.addSharing('group', 'app', { access_domain: `a${i}` })
    expectSwrError(await call('POST', SHARING, FOREVER), 400, 'SVCSTG.SWR.4000014')
    expect(emulator.sharing('group', 'app')).toHaveLength(500)
  })

  it('a missing repository is 404 4040010', async () => {
    const path = SHARING.replace('/app/', '/none/')
    expectSwrError(await call('POST', path, FOREVER), 404, 'SVCSTG.SWR.4040010')
  })

  it("only the owner shares: another account's repository is refused like any call on it", async () => {
    emulator.addRepository('theirs', 'app', {}, 'other')
    const path = SHARING.replace('/group/', '/theirs/')
    expectSwrError(await call('POST', path, FOREVER), 404, 'SVCSTG.SWR.4040058')
    expect((await call('POST', path, FOREVER, 'other')).status).toBe(201)
    expect(emulator.sharing('theirs', 'app')).toMatchObject([{ creator_name: 'other' }])
  })
})

/** An auto-sync rule's request body to the target organization `group` in TARGET. */
const RULE = { remoteRegionId: TARGET, remoteNamespace: 'group', syncAuto: true, override: false }

describe('auto-sync rules (.../repos/{repository}/sync_repo)', () => {
  beforeEach(() => {
    emulator.addRepository('group', 'app')
  })

  it("creating answers 200 when the target organization is the same account's; GET lists it", async () => {
    emulator.inRegion(TARGET).addNamespace('group')
    const created = await call('POST', SYNC, RULE)
    expect({ status: created.status, json: created.json }).toEqual({ status: 200, json: {} })
    const listed = await call('GET', SYNC)
    expect(listed.status).toBe(200)
    expect(listed.json).toEqual([
      {
        id: expect.any(Number),
        namespace: 'group',
        repoName: 'app',
        domainID: emulator.accounts.main.domainId,
        domainName: 'main',
        remoteRegionId: TARGET,
        remoteNamespace: 'group',
        synAuto: true,
        override: false,
        createdAt: expect.any(String),
        updatedAt: expect.any(String)
      }
    ])
    expect(emulator.syncRules('group', 'app')).toMatchObject([{ ...RULE }])
  })

  it('a target organization that exists only in the source region is refused', async () => {
    expectSwrError(await call('POST', SYNC, RULE), 404, 'SVCSTG.SWR.4040058')
    expect(emulator.syncRules('group', 'app')).toEqual([])
  })

  it('a target organization of another account is refused like a missing one', async () => {
    emulator.inRegion(TARGET).addNamespace('group', 'other')
    expectSwrError(await call('POST', SYNC, RULE), 404, 'SVCSTG.SWR.4040058')
    expect(emulator.syncRules('group', 'app')).toEqual([])
  })

  it.each([
    ['a region SWR does not synchronize to', 'xx-nowhere-1'],
    ['the region the repository is in', 'cn-north-4']
  ])('%s is 400 4000014', async (_, remoteRegionId) => {
    emulator.inRegion(remoteRegionId).addNamespace('group')
    expectSwrError(await call('POST', SYNC, { ...RULE, remoteRegionId }), 400, 'SVCSTG.SWR.4000014')
  })

  it('deleting names the target in the body, answers 200 and removes only that rule', async () => {
    emulator.addSyncRule('group', 'app', RULE)
    emulator.addSyncRule('group', 'app', { ...RULE, remoteRegionId: 'la-south-2' })
    const target = { remoteRegionId: TARGET, remoteNamespace: 'group' }
    const deleted = await call('DELETE', SYNC, target)
    expect({ status: deleted.status, json: deleted.json }).toEqual({ status: 200, json: {} })
    expect(emulator.syncRules('group', 'app')).toMatchObject([{ remoteRegionId: 'la-south-2' }])
  })

  it('a DELETE without a body naming the target is 400 4000014 and removes nothing', async () => {
    emulator.addSyncRule('group', 'app', RULE)
    expectSwrError(await call('DELETE', SYNC), 400, 'SVCSTG.SWR.4000014')
    expect(emulator.syncRules('group', 'app')).toHaveLength(1)
  })

  it('GET /v2/manage/regions lists every known region but the one asked, as { regionID }', async () => {
    const answer = await call('GET', '/v2/manage/regions')
    expect(answer.status).toBe(200)
    const expected = [...emulator.regions]
      .filter(r => r !== 'cn-north-4')
      .map(r => ({ regionID: r }))
    expect(answer.json).toEqual(expected)
    expect(expected).toContainEqual({ regionID: TARGET })
  })

  it('deleting a repository removes its sharing and its rules', async () => {
    emulator.addSharing('group', 'app', { access_domain: PARTNER })
    emulator.addSyncRule('group', 'app', RULE)
    expect((await call('DELETE', REPO)).status).toBe(204)
    emulator.addRepository('group', 'app')
    expect(emulator.sharing('group', 'app')).toEqual([])
    expect(emulator.syncRules('group', 'app')).toEqual([])
  })
})

describe.each(ERROR_SHAPES)('sharing and auto-sync variants, with errorShape %s', shape => {
  beforeEach(() => {
    emulator.settings.errorShape = shape
    emulator.addRepository('group', 'app')
    emulator.inRegion(TARGET).addNamespace('group')
  })

  /** Runs the expectation for `value` of `name`, failing for a value with none written yet. */
  function check(name: string, value: string, expected: Record<string, () => Promise<void>>) {
    const run = expected[value]
    if (!run) throw new Error(`no expectation for ${name} ${value}: add one`)
    return run()
  }

  it.each(VARIANTS.sharePublicRepo)('sharePublicRepo %s: sharing a public repository', async v => {
    emulator.variants['sharePublicRepo'] = v
    emulator.addRepository('group', 'app', { is_public: true })
    const answer = await call('POST', SHARING, FOREVER)
    await check('sharePublicRepo', v, {
      'refuse-400': async () => {
        expectSwrError(answer, 400, 'SVCSTG.SWR.4000014')
        expect(emulator.sharing('group', 'app')).toEqual([])
      },
      store: async () => {
        expect(answer.status).toBe(201)
        expect(emulator.sharing('group', 'app')).toHaveLength(1)
      }
    })
  })

  it.each(VARIANTS.readMissingSharing)(
    'readMissingSharing %s: reading an account the repository is not shared with',
    async v => {
      emulator.variants['readMissingSharing'] = v
      const answer = await call('GET', `${SHARING}/${PARTNER}`)
      await check('readMissingSharing', v, {
        '400-4001090': async () => expectSwrError(answer, 400, 'SVCSTG.SWR.4001090'),
        'exist-false': async () => {
          expect({ status: answer.status, json: answer.json }).toEqual({
            status: 200,
            json: { exist: false }
          })
        }
      })
    }
  )

  it.each(VARIANTS.sharingDeadline)('sharingDeadline %s: how a deadline is read back', async v => {
    emulator.variants['sharingDeadline'] = v
    expect((await call('POST', SHARING, { ...FOREVER, deadline: LATER })).status).toBe(201)
    const read = (await call('GET', `${SHARING}/${PARTNER}`)).json as { deadline: string }
    const listed = (await call('GET', SHARING)).json as { deadline: string }[]
    await check('sharingDeadline', v, {
      'as-sent': async () => expect([read.deadline, listed[0]?.deadline]).toEqual([LATER, LATER]),
      millis: async () => {
        const millis = '2099-12-31T00:00:00.000Z'
        expect([read.deadline, listed[0]?.deadline]).toEqual([millis, millis])
      }
    })
  })

  it.each(VARIANTS.syncTargetMissingOrg)(
    'syncTargetMissingOrg %s: a rule to an organization missing in the target region',
    async v => {
      emulator.variants['syncTargetMissingOrg'] = v
      const answer = await call('POST', SYNC, { ...RULE, remoteNamespace: 'elsewhere' })
      expectSwrError(answer, ...statusAndCode(v))
      expect(emulator.syncRules('group', 'app')).toEqual([])
    }
  )

  it.each(VARIANTS.duplicateSyncRule)(
    'duplicateSyncRule %s: a second rule to one target',
    async v => {
      emulator.variants['duplicateSyncRule'] = v
      emulator.addSyncRule('group', 'app', RULE)
      const answer = await call('POST', SYNC, { ...RULE, override: true })
      await check('duplicateSyncRule', v, {
        'refuse-409': async () => {
          expectSwrError(answer, 409, 'SVCSTG.SWR.4090312')
          expect(emulator.syncRules('group', 'app')).toMatchObject([{ override: false }])
        },
        update: async () => {
          expect(answer.status).toBe(200)
          expect(emulator.syncRules('group', 'app')).toMatchObject([{ override: true }])
        }
      })
      expect(emulator.syncRules('group', 'app')).toHaveLength(1)
    }
  )

  it.each(VARIANTS.deleteMissingSyncRule)(
    'deleteMissingSyncRule %s: deleting a rule to a target that has none',
    async v => {
      emulator.variants['deleteMissingSyncRule'] = v
      const answer = await call('DELETE', SYNC, {
        remoteRegionId: TARGET,
        remoteNamespace: 'group'
      })
      await check('deleteMissingSyncRule', v, {
        '400-4001158': async () => expectSwrError(answer, 400, 'SVCSTG.SWR.4001158'),
        '200': async () => expect(answer.status).toBe(200),
        '404-4040010': async () => expectSwrError(answer, 404, 'SVCSTG.SWR.4040010')
      })
    }
  )

  it.each(VARIANTS.syncRuleAutoField)(
    'syncRuleAutoField %s: the name of the auto-sync flag in the list',
    async v => {
      emulator.variants['syncRuleAutoField'] = v
      emulator.addSyncRule('group', 'app', RULE)
      const [rule] = (await call('GET', SYNC)).json as Record<string, unknown>[]
      const flags = ['synAuto', 'syncAuto'].filter(name => rule !== undefined && name in rule)
      expect(flags).toEqual([v])
      expect(rule?.[v]).toBe(true)
    }
  )
})

describe('one SWR per region, picked by the Host header', () => {
  it('an organization made in one region is not seen in another; the same keys work in both', async () => {
    expect(
      (await callIn(TARGET, 'POST', '/v2/manage/namespaces', { namespace: 'group' })).status
    ).toBe(201)
    expect((await callIn(TARGET, 'GET', '/v2/manage/namespaces/group')).status).toBe(200)
    expectSwrError(await call('GET', '/v2/manage/namespaces/group'), 404, 'SVCSTG.SWR.4040058')
    expect(emulator.inRegion(TARGET).namespace('group')).toMatchObject({ owner: 'main' })
    expect(emulator.namespace('group')).toBeUndefined()
  })

  it('an organization name another account holds in one region is free in another', async () => {
    emulator.addNamespace('group', 'other')
    const create = { namespace: 'group' }
    expectSwrError(await call('POST', '/v2/manage/namespaces', create), 409, 'SVCSTG.SWR.4090060')
    expect((await callIn(TARGET, 'POST', '/v2/manage/namespaces', create)).status).toBe(201)
  })

  it('log entries carry the Host header and the region it picked', async () => {
    await call('GET', '/v2/manage/namespaces')
    await callIn(TARGET, 'GET', '/v2/manage/namespaces')
    expect(emulator.log.map(({ host, region }) => ({ host, region }))).toEqual([
      { host: `127.0.0.1:${emulator.port}`, region: 'cn-north-4' },
      { host: `swr-api.${TARGET}.myhuaweicloud.com`, region: TARGET }
    ])
  })

  it.each([
    [TARGET, `swr.${TARGET}.myhuaweicloud.com`],
    ['eu-west-101', 'swr.eu-west-101.myhuaweicloud.eu']
  ])('repositories made in %s have paths on %s', async (region, registry) => {
    const create = { repository: 'app', is_public: false }
    await callIn(region, 'POST', '/v2/manage/namespaces', { namespace: 'group' })
    expect((await callIn(region, 'POST', '/v2/manage/namespaces/group/repos', create)).status).toBe(
      201
    )
    const read = await callIn(region, 'GET', REPO)
    expect(read.json).toMatchObject({ path: `${registry}/group/app` })
    expect(emulator.inRegion(region).repository('group', 'app')).toMatchObject({
      path: `${registry}/group/app`
    })
  })

  it("the temporary login answers for the region's registry", async () => {
    const path = `/v2/manage/utils/secret?projectname=${TARGET}`
    const answer = await callIn(TARGET, 'POST', path)
    expect(Object.keys((answer.json as { auths: object }).auths)).toEqual([
      `swr.${TARGET}.myhuaweicloud.com`
    ])
  })

  it('a request signed for one host does not verify when it arrives with another', async () => {
    const headers = signed('GET', '/v2/manage/namespaces', '', 'main', apiHost(TARGET))
    const answer = await send('GET', '/v2/manage/namespaces', '', {
      ...headers,
      Host: `swr-api.la-south-2.myhuaweicloud.com`
    })
    expect(answer.status).toBe(401)
    expect(emulator.log.at(-1)).toMatchObject({ code: 'APIGW.0301', region: 'la-south-2' })
  })

  it('the { region } option and inRegion seed and inspect another region only', async () => {
    const other = emulator.inRegion(TARGET)
    other.addRepository('group', 'app')
    emulator.addSharing('group', 'app', { access_domain: PARTNER }, { region: TARGET })
    emulator.addSyncRule(
      'group',
      'app',
      { ...RULE, remoteRegionId: 'la-south-2' },
      { region: TARGET }
    )
    expect(emulator.sharing('group', 'app', { region: TARGET })).toMatchObject([
      { access_domain: PARTNER }
    ])
    expect(other.syncRules('group', 'app')).toMatchObject([{ remoteRegionId: 'la-south-2' }])
    expect(emulator.repository('group', 'app')).toBeUndefined()
    const listed = await callIn(TARGET, 'GET', SHARING)
    expect(listed.json).toMatchObject([{ access_domain: PARTNER }])
  })
})

// Enterprise Edition: instances in an account's project, under
// /v2/{project_id}/instances/{instance_id}, every call with X-Project-Id.
const INSTANCE = 'c7a5f3a0-1f2e-4b6d-9a3c-5e8f7d6b4a21'

interface EeOptions {
  account?: Account
  /** The X-Project-Id header: the main account's project here unless given; null for none. */
  project?: string | null
  region?: string
  contentType?: string
}

/** A signed Enterprise Edition call; `path` is relative to the instance unless it starts /v. */
function eeCall(
  method: string,
  path: string,
  input?: unknown,
  options: EeOptions = {}
): Promise<Answer> {
  const region = options.region ?? emulator.region
  const project = options.project === undefined ? emulator.projectId(region) : options.project
  const full = path.startsWith('/v') ? path : `/v2/${project}/instances/${INSTANCE}${path}`
  const body = input === undefined ? '' : JSON.stringify(input)
  const headers: Record<string, string> = {
    'Content-Type': options.contentType ?? 'application/json'
  }
  if (project !== null) headers['X-Project-Id'] = project
  const base = options.region === undefined ? emulator.url : apiHost(region)
  const keys = emulator.accounts[options.account ?? 'main']
  const url = new URL(full, base)
  const signedHeaders = signRequest(
    { method, url, headers, body },
    { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey }
  )
  return send(method, full, body, signedHeaders)
}

function expectEeError(answer: Answer, status: number, code: string): void {
  expect({ status: answer.status, body: answer.json }).toEqual({
    status,
    body: { error_code: code, error_msg: expect.any(String) }
  })
  expect(emulator.log.at(-1)).toMatchObject({ status, code })
}

const PRIVATE = { public: 'false' }
const NAMESPACE_PATH = '/namespaces/group'
/** team/app on the wire: the "/" encoded, then the whole name encoded again. */
const TEAM_APP = '/namespaces/group/repositories/team%252Fapp'

describe('Enterprise Edition: projects, IAM and the OpenID Connect answer', () => {
  it('projectId is 32 hex digits, one per account and region, kept by clearState', () => {
    const id = emulator.projectId()
    expect(id).toMatch(/^[0-9a-f]{32}$/)
    expect(emulator.projectId('cn-north-4', 'main')).toBe(id)
    expect(
      new Set([id, emulator.projectId(TARGET), emulator.projectId(undefined, 'other')]).size
    ).toBe(3)
    emulator.clearState()
    expect(emulator.projectId()).toBe(id)
  })

  it("GET /v3/projects?name={region} answers the caller's project of that name, signed", async () => {
    const answer = await call('GET', `/v3/projects?name=${TARGET}`)
    expect(answer.status).toBe(200)
    expect(answer.json).toMatchObject({
      projects: [
        {
          id: emulator.projectId(TARGET),
          name: TARGET,
          domain_id: emulator.accounts.main.domainId,
          enabled: true
        }
      ]
    })
    const theirs = await call('GET', `/v3/projects?name=${TARGET}`, undefined, 'other')
    expect(theirs.json).toMatchObject({ projects: [{ id: emulator.projectId(TARGET, 'other') }] })
  })

  it('an unknown project name answers an empty list; addProject makes two of one name', async () => {
    expect((await call('GET', '/v3/projects?name=xx-nowhere-1')).json).toMatchObject({
      projects: []
    })
    const second = emulator.addProject(TARGET)
    const answer = await call('GET', `/v3/projects?name=${TARGET}`)
    const ids = (answer.json as { projects: { id: string }[] }).projects.map(p => p.id)
    expect(ids).toEqual([emulator.projectId(TARGET), second])
  })

  it('the project lookup without a signature is the gateway 401 APIGW.0301', async () => {
    const answer = await send('GET', `/v3/projects?name=${TARGET}`, '', {})
    expect(answer.status).toBe(401)
    expect(emulator.log.at(-1)).toMatchObject({ code: 'APIGW.0301' })
  })

  it("the OpenID Connect exchange's answer names the project, with its id, it is scoped to", async () => {
    const github = await send('GET', `/_github/token?audience=${emulator.oidc.audience}`, '', {
      Authorization: `Bearer ${emulator.oidc.requestToken}`
    })
    const idToken = (github.json as { value: string }).value
    const body = JSON.stringify({
      auth: { id_token: { id: idToken }, scope: { project: { name: TARGET } } }
    })
    const answer = await send('POST', '/v3.0/OS-AUTH/id-token/tokens', body, {
      'Content-Type': 'application/json',
      'X-Idp-Id': emulator.oidc.idpId
    })
    expect(answer.status).toBe(201)
    expect(answer.json).toMatchObject({
      token: {
        project: {
          name: TARGET,
          id: emulator.projectId(TARGET),
          domain: { id: emulator.accounts.main.domainId }
        }
      }
    })
  })
})

describe('Enterprise Edition: what the emulator exports', () => {
  it('ACCESS_VARIANTS names variants of VARIANTS, none of them Enterprise Edition ones', () => {
    for (const name of ACCESS_VARIANTS) expect(Object.keys(VARIANTS)).toContain(name)
    expect(ACCESS_VARIANTS.filter(name => ENTERPRISE_VARIANTS.includes(name))).toEqual([])
  })

  it('ENTERPRISE_VARIANTS names variants of VARIANTS, each with its default first', () => {
    expect(ENTERPRISE_VARIANTS).toEqual([
      'instanceAccessAddress',
      'eeNamespaceDuplicate',
      'eeMissing',
      'eeNamespacePut',
      'eeRepoDelete',
      'eeImmutableDelete',
      'eeRetentionRules',
      'eeFeatureGates'
    ])
    expect(ENTERPRISE_VARIANTS.map(name => VARIANTS[name as keyof typeof VARIANTS][0])).toEqual([
      'bare',
      '409',
      '404',
      '200',
      '200',
      '412',
      'many',
      'listed'
    ])
  })

  it('INSTANCE_STATUSES are the SDK enum; addInstance refuses any other', () => {
    expect(INSTANCE_STATUSES).toEqual(['Initial', 'Creating', 'Running', 'Unavailable'])
    expect(() => emulator.addInstance({ status: 'Stopped' as 'Running' })).toThrow(/status/)
  })
})

describe('Enterprise Edition: the instance and its checks', () => {
  it('GET {prefix} shows the instance: Running, access_address a bare host, its project', async () => {
    const record = emulator.addInstance({ id: INSTANCE, name: 'registry' })
    expect(record.accessAddress).toBe('registry.swr.cn-north-4.myhuaweicloud.com')
    const answer = await eeCall('GET', '')
    expect(answer.status).toBe(200)
    expect(answer.json).toMatchObject({
      id: INSTANCE,
      name: 'registry',
      status: 'Running',
      access_address: 'registry.swr.cn-north-4.myhuaweicloud.com',
      project_id: emulator.projectId()
    })
  })

  it('instanceAccessAddress https: access_address is prefixed with https://', async () => {
    emulator.variants['instanceAccessAddress'] = 'https'
    emulator.addInstance({ id: INSTANCE, name: 'registry' })
    expect((await eeCall('GET', '')).json).toMatchObject({
      access_address: 'https://registry.swr.cn-north-4.myhuaweicloud.com'
    })
  })

  it('an instance in eu-west-101 has its access address under .eu', () => {
    const record = emulator.addInstance({ name: 'registry', region: 'eu-west-101' })
    expect(record.accessAddress).toBe('registry.swr.eu-west-101.myhuaweicloud.eu')
  })

  it('X-Project-Id missing or naming another project is 400 SWR.400002', async () => {
    emulator.addInstance({ id: INSTANCE })
    expectEeError(await eeCall('GET', '', undefined, { project: null }), 400, 'SWR.400002')
    const path = `/v2/${emulator.projectId()}/instances/${INSTANCE}`
    const other = emulator.projectId(TARGET)
    expectEeError(await eeCall('GET', path, undefined, { project: other }), 400, 'SWR.400002')
  })

  it("another account's project, or the caller's project of another region, is 403 SWR.403001", async () => {
    emulator.addInstance({ id: INSTANCE, owner: 'other' })
    const theirs = emulator.projectId(undefined, 'other')
    expectEeError(await eeCall('GET', '', undefined, { project: theirs }), 403, 'SWR.403001')
    expectEeError(
      await eeCall('GET', '', undefined, { project: emulator.projectId(TARGET) }),
      403,
      'SWR.403001'
    )
    const own = await eeCall('GET', '', undefined, { project: theirs, account: 'other' })
    expect(own.status).toBe(200)
  })

  it('an unknown instance, or one of another project of the account, is 404 SWR.404001', async () => {
    expectEeError(await eeCall('GET', ''), 404, 'SWR.404001')
    const second = emulator.addProject()
    emulator.addInstance({ id: INSTANCE, projectId: second })
    expectEeError(await eeCall('GET', ''), 404, 'SWR.404001')
    expect((await eeCall('GET', '', undefined, { project: second })).status).toBe(200)
  })

  it("an instance of another region answers through that region's host only", async () => {
    emulator.addInstance({ id: INSTANCE, region: TARGET })
    expect((await eeCall('GET', '', undefined, { region: TARGET })).status).toBe(200)
    expectEeError(
      await eeCall('GET', '', undefined, { project: emulator.projectId(TARGET) }),
      403,
      'SWR.403001'
    )
  })

  it.each(['Initial', 'Creating', 'Unavailable'] as const)(
    'an instance %s is shown with its status; every other call is 409 SWR.409002 naming it',
    async status => {
      emulator.addInstance({ id: INSTANCE, name: 'registry', status })
      expect((await eeCall('GET', '')).json).toMatchObject({ status })
      for (const [method, path, input] of [
        ['GET', NAMESPACE_PATH],
        ['POST', '/namespaces', { namespace_name: 'group', metadata: PRIVATE }],
        ['POST', '/temp-credential']
      ] as const) {
        const answer = await eeCall(method, path, input)
        expectEeError(answer, 409, 'SWR.409002')
        expect((answer.json as { error_msg: string }).error_msg).toContain(`registry`)
        expect((answer.json as { error_msg: string }).error_msg).toContain(status)
      }
    }
  )

  it('a status changed on the record is what the next answer shows', async () => {
    const record = emulator.addInstance({ id: INSTANCE })
    record.status = 'Unavailable'
    expect((await eeCall('GET', '')).json).toMatchObject({ status: 'Unavailable' })
    expectEeError(await eeCall('GET', '/namespaces'), 409, 'SWR.409002')
  })

  it("GET /v2/{project_id}/instances lists the project's instances with a total", async () => {
    emulator.addInstance({ id: INSTANCE, name: 'one' })
    emulator.addInstance({ name: 'two', status: 'Creating' })
    emulator.addInstance({ name: 'theirs', owner: 'other' })
    const answer = await eeCall('GET', `/v2/${emulator.projectId()}/instances`)
    expect(answer.json).toMatchObject({ total: 2 })
    const names = (answer.json as { instances: { name: string }[] }).instances.map(i => i.name)
    expect(names.sort()).toEqual(['one', 'two'])
  })

  it('GET .../domainname lists the default domain and the custom ones', async () => {
    emulator.addInstance({ id: INSTANCE, name: 'registry', customDomains: ['cr.example.com'] })
    const answer = await eeCall('GET', '/domainname')
    expect(answer.json).toMatchObject({
      domain_name_infos: [
        { type: 'default', domain_name: 'registry.swr.cn-north-4.myhuaweicloud.com' },
        { type: 'custom', domain_name: 'cr.example.com' }
      ]
    })
  })

  it('POST .../temp-credential answers 201 with a login valid 24 hours, kept as issued', async () => {
    emulator.addInstance({ id: INSTANCE })
    const before = Date.now()
    const answer = await eeCall('POST', '/temp-credential')
    expect(answer.status).toBe(201)
    const login = answer.json as Record<string, string>
    expect(Object.keys(login).sort()).toEqual(
      ['auth_token', 'created_at', 'expire_date', 'token_id', 'user_id'].sort()
    )
    const lifetime = Date.parse(login['expire_date'] ?? '') - before
    expect(lifetime).toBeGreaterThan(24 * 3600_000 - 60_000)
    expect(lifetime).toBeLessThanOrEqual(24 * 3600_000 + 1000)
    expect(emulator.issued.instanceTokens).toContain(login['auth_token'])
    expect(emulator.instanceState(INSTANCE).credentials).toEqual([login])
  })

  it('an account that may only read is refused a write, in the Enterprise Edition shape', async () => {
    emulator.addInstance({ id: INSTANCE, owner: 'reader' })
    const project = emulator.projectId(undefined, 'reader')
    const answer = await eeCall('POST', '/temp-credential', undefined, {
      account: 'reader',
      project
    })
    expect(answer.status).toBe(403)
    expect(answer.json).toEqual({ error_code: expect.any(String), error_msg: expect.any(String) })
  })

  it('a request with an IAM token scoped to the region is served like a signed one', async () => {
    emulator.addInstance({ id: INSTANCE })
    const github = await send('GET', '/_github/token', '', {
      Authorization: `Bearer ${emulator.oidc.requestToken}`
    })
    const body = JSON.stringify({
      auth: {
        id_token: { id: (github.json as { value: string }).value },
        scope: { project: { name: emulator.region } }
      }
    })
    const exchange = await new Promise<string>((resolve, reject) => {
      const req = http.request(
        new URL('/v3.0/OS-AUTH/id-token/tokens', emulator.url),
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Idp-Id': emulator.oidc.idpId }
        },
        res => {
          res.resume()
          resolve(String(res.headers['x-subject-token']))
        }
      )
      req.on('error', reject)
      req.end(body)
    })
    const path = `/v2/${emulator.projectId()}/instances/${INSTANCE}`
    const answer = await send('GET', path, '', {
      'X-Auth-Token': exchange,
      'X-Project-Id': emulator.projectId()
    })
    expect(answer.status).toBe(200)
    const lookup = await send('GET', `/v3/projects?name=${emulator.region}`, '', {
      'X-Auth-Token': exchange
    })
    expect(lookup.json).toMatchObject({ projects: [{ id: emulator.projectId() }] })
  })
})

describe('Enterprise Edition: namespaces', () => {
  beforeEach(() => {
    emulator.addInstance({ id: INSTANCE })
  })

  it('POST /namespaces answers 201 {id}; the read shows public as the string it was sent', async () => {
    const created = await eeCall('POST', '/namespaces', {
      namespace_name: 'group',
      metadata: { public: 'true' }
    })
    expect(created.status).toBe(201)
    const { id } = created.json as { id: number }
    expect(id).toEqual(expect.any(Number))
    const read = await eeCall('GET', NAMESPACE_PATH)
    expect(read.status).toBe(200)
    expect(read.json).toMatchObject({
      name: 'group',
      namespace_id: id,
      metadata: { public: 'true' },
      repo_count: 0,
      created_at: expect.any(String),
      updated_at: expect.any(String)
    })
    expect(emulator.instanceState(INSTANCE).namespaces).toMatchObject([
      { name: 'group', metadata: { public: 'true' } }
    ])
  })

  it.each([
    ['public as a boolean', { namespace_name: 'group', metadata: { public: true } }],
    ['no metadata', { namespace_name: 'group' }],
    ['metadata without public', { namespace_name: 'group', metadata: { auto_scan: 'true' } }],
    [
      'a severity not in the list',
      { namespace_name: 'group', metadata: { ...PRIVATE, severity: 'x' } }
    ],
    ['no name', { metadata: PRIVATE }]
  ])('%s is 400 SWR.400001 and makes nothing', async (_, input) => {
    expectEeError(await eeCall('POST', '/namespaces', input), 400, 'SWR.400001')
    expect(emulator.instanceState(INSTANCE).namespaces).toEqual([])
  })

  it.each(['', 'Group', '-group', 'group-', 'a__b', 'a.-b', 'a b', 'x'.repeat(65)])(
    'the namespace name %j is refused with 400 SWR.400001',
    async name => {
      const input = { namespace_name: name, metadata: PRIVATE }
      expectEeError(await eeCall('POST', '/namespaces', input), 400, 'SWR.400001')
    }
  )

  it.each(['a', '1group', 'my.team-x_y', 'x'.repeat(64)])(
    'the namespace name %j is accepted',
    async name => {
      const input = { namespace_name: name, metadata: PRIVATE }
      expect((await eeCall('POST', '/namespaces', input)).status).toBe(201)
    }
  )

  it('optional metadata (auto_scan, prevent_vul, severity) is kept as the strings sent', async () => {
    const metadata = { public: 'false', auto_scan: 'true', prevent_vul: 'false', severity: 'high' }
    await eeCall('POST', '/namespaces', { namespace_name: 'group', metadata })
    expect((await eeCall('GET', NAMESPACE_PATH)).json).toMatchObject({ metadata })
  })

  it('a body that is not JSON is 400 SWR.400001; a non-JSON Content-Type is refused too', async () => {
    const garbled = await eeCall('POST', '/namespaces', 'group')
    expectEeError(garbled, 400, 'SWR.400001')
    const input = { namespace_name: 'group', metadata: PRIVATE }
    const text = await eeCall('POST', '/namespaces', input, { contentType: 'text/plain' })
    expect(text.status).toBe(400)
    expect(text.json).toEqual({ error_code: expect.any(String), error_msg: expect.any(String) })
  })

  it.each(VARIANTS.eeNamespaceDuplicate)(
    'eeNamespaceDuplicate %s: creating a namespace that exists answers that, and changes nothing',
    async value => {
      emulator.variants['eeNamespaceDuplicate'] = value
      emulator.addInstanceNamespace(INSTANCE, 'group', { public: 'true' })
      const answer = await eeCall('POST', '/namespaces', {
        namespace_name: 'group',
        metadata: PRIVATE
      })
      expectEeError(answer, Number(value), value === '409' ? 'SWR.409001' : 'SWR.400007')
      expect((await eeCall('GET', NAMESPACE_PATH)).json).toMatchObject({
        metadata: { public: 'true' }
      })
    }
  )

  it.each(VARIANTS.eeMissing)('eeMissing %s: a namespace that does not exist', async value => {
    emulator.variants['eeMissing'] = value
    const code = value === '404' ? 'SWR.404002' : 'SWR.400004'
    expectEeError(await eeCall('GET', NAMESPACE_PATH), Number(value), code)
    expectEeError(await eeCall('PUT', NAMESPACE_PATH, { metadata: PRIVATE }), Number(value), code)
    expectEeError(await eeCall('GET', `${NAMESPACE_PATH}/repositories`), Number(value), code)
  })

  it.each(VARIANTS.eeNamespacePut)(
    'eeNamespacePut %s: PUT changes the visibility and answers that status without a body',
    async value => {
      emulator.variants['eeNamespacePut'] = value
      emulator.addInstanceNamespace(INSTANCE, 'group')
      const answer = await eeCall('PUT', NAMESPACE_PATH, { metadata: { public: 'true' } })
      expect({ status: answer.status, text: answer.text }).toEqual({
        status: Number(value),
        text: ''
      })
      expect((await eeCall('GET', NAMESPACE_PATH)).json).toMatchObject({
        metadata: { public: 'true' }
      })
    }
  )

  it('PUT with public as a boolean is 400 SWR.400001 and changes nothing', async () => {
    emulator.addInstanceNamespace(INSTANCE, 'group')
    const answer = await eeCall('PUT', NAMESPACE_PATH, { metadata: { public: true } })
    expectEeError(answer, 400, 'SWR.400001')
    expect(emulator.instanceState(INSTANCE).namespaces[0]?.metadata).toEqual(PRIVATE)
  })

  it('GET /namespaces lists them with a total, filtered by name (a part of it) and public', async () => {
    emulator.addInstanceNamespace(INSTANCE, 'group')
    emulator.addInstanceNamespace(INSTANCE, 'group-public', { public: 'true' })
    emulator.addInstanceNamespace(INSTANCE, 'other')
    const names = (answer: Answer) =>
      (answer.json as { namespaces: { name: string }[] }).namespaces.map(n => n.name).sort()
    const all = await eeCall('GET', '/namespaces')
    expect(all.json).toMatchObject({ total: 3 })
    expect(names(await eeCall('GET', '/namespaces?name=group'))).toEqual(['group', 'group-public'])
    expect(names(await eeCall('GET', '/namespaces?public=true'))).toEqual(['group-public'])
    const page = await eeCall('GET', '/namespaces?offset=1&limit=1')
    expect(page.json).toMatchObject({ total: 3, namespaces: [{ name: 'group-public' }] })
  })

  it('a list limit over 100 is 400 SWR.400001', async () => {
    expectEeError(await eeCall('GET', '/namespaces?limit=101'), 400, 'SWR.400001')
  })
})

describe('Enterprise Edition: repositories appear on push', () => {
  beforeEach(() => {
    emulator.addInstance({ id: INSTANCE })
    emulator.addInstanceNamespace(INSTANCE, 'group')
  })

  it.each(VARIANTS.eeMissing)(
    'eeMissing %s: before any push the repository is missing',
    async value => {
      emulator.variants['eeMissing'] = value
      const code = value === '404' ? 'SWR.404003' : 'SWR.400005'
      expectEeError(await eeCall('GET', TEAM_APP), Number(value), code)
      expectEeError(await eeCall('PUT', TEAM_APP, { description: 'x' }), Number(value), code)
    }
  )

  it('after a push, the name encoded twice (team%252Fapp) reads team/app', async () => {
    const pushed = emulator.push(INSTANCE, 'group', 'team/app')
    const answer = await eeCall('GET', TEAM_APP)
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual(pushed)
    expect(answer.json).toMatchObject({
      name: 'team/app',
      namespace_name: 'group',
      description: '',
      tag_count: 1,
      artifact_count: 1
    })
    expect(emulator.log.at(-1)).toMatchObject({ rawPath: expect.stringContaining('team%252Fapp') })
  })

  it.each(VARIANTS.eeMissing)(
    'eeMissing %s: the name encoded once is a path that is no API, 404 APIGW.0101 unsigned too',
    async value => {
      emulator.variants['eeMissing'] = value
      emulator.push(INSTANCE, 'group', 'team/app')
      const path = '/namespaces/group/repositories/team%2Fapp'
      expect((await eeCall('GET', path)).status).toBe(404)
      expect(emulator.log.at(-1)).toMatchObject({ status: 404, code: 'APIGW.0101' })
      const full = `/v2/${emulator.projectId()}/instances/${INSTANCE}${path}`
      expect((await send('GET', full, '', {})).status).toBe(404)
      expect(emulator.log.at(-1)).toMatchObject({ status: 404, code: 'APIGW.0101' })
    }
  )

  it('a signature over the name decoded twice does not verify: 401 APIGW.0301', async () => {
    emulator.push(INSTANCE, 'group', 'team/app')
    const prefix = `/v2/${emulator.projectId()}/instances/${INSTANCE}`
    const keys = emulator.accounts.main
    const headers = signRequest(
      {
        method: 'GET',
        url: new URL(`${prefix}/namespaces/group/repositories/team%2Fapp`, emulator.url),
        headers: { 'Content-Type': 'application/json', 'X-Project-Id': emulator.projectId() },
        body: ''
      },
      { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey }
    )
    const answer = await send('GET', `${prefix}${TEAM_APP}`, '', headers)
    expect(answer.status).toBe(401)
    expect(emulator.log.at(-1)).toMatchObject({ code: 'APIGW.0301' })
  })

  it('a name without a slash reads the same encoded once or twice', async () => {
    emulator.push(INSTANCE, 'group', 'app')
    expect((await eeCall('GET', '/namespaces/group/repositories/app')).status).toBe(200)
  })

  it('PUT sets the description (200, no body); the read and the state show it', async () => {
    emulator.push(INSTANCE, 'group', 'team/app')
    const answer = await eeCall('PUT', TEAM_APP, { description: 'The app' })
    expect({ status: answer.status, text: answer.text }).toEqual({ status: 200, text: '' })
    expect((await eeCall('GET', TEAM_APP)).json).toMatchObject({ description: 'The app' })
    expect(emulator.instanceState(INSTANCE).repositories).toMatchObject([
      { name: 'team/app', description: 'The app' }
    ])
  })

  it('a description that is not a string is 400 SWR.400001', async () => {
    emulator.push(INSTANCE, 'group', 'app')
    const path = '/namespaces/group/repositories/app'
    expectEeError(await eeCall('PUT', path, { description: 5 }), 400, 'SWR.400001')
  })

  it("GET .../repositories lists the namespace's repositories with a total, by name", async () => {
    emulator.push(INSTANCE, 'group', 'app')
    emulator.push(INSTANCE, 'group', 'team/app')
    emulator.addInstanceNamespace(INSTANCE, 'other')
    emulator.push(INSTANCE, 'other', 'app')
    const all = await eeCall('GET', '/namespaces/group/repositories')
    expect(all.json).toMatchObject({ total: 2 })
    const named = await eeCall('GET', '/namespaces/group/repositories?name=team')
    expect(named.json).toMatchObject({ total: 1, repositories: [{ name: 'team/app' }] })
    expect((await eeCall('GET', NAMESPACE_PATH)).json).toMatchObject({ repo_count: 2 })
  })

  it('pushing again adds an artifact to the same repository', () => {
    emulator.push(INSTANCE, 'group', 'app')
    expect(emulator.push(INSTANCE, 'group', 'app')).toMatchObject({ artifact_count: 2 })
    expect(emulator.instanceState(INSTANCE).repositories).toHaveLength(1)
  })

  it('a push needs its namespace, a valid name and a known instance', () => {
    expect(() => emulator.push(INSTANCE, 'nowhere', 'app')).toThrow(/no namespace nowhere/)
    expect(() => emulator.push(INSTANCE, 'group', 'App')).toThrow(/bad repository/)
    expect(() => emulator.push('missing', 'group', 'app')).toThrow(/no instance missing/)
  })
})

const selector = (decoration: string, pattern: string) => [
  { kind: 'doublestar', decoration, pattern }
]
const RETENTION_RULE = {
  priority: 0,
  action: 'retain',
  template: 'latestPushedK',
  params: { latestPushedK: 20 },
  tag_selectors: selector('excludes', '{sig-*,sbom-*}'),
  scope_selectors: { repository: selector('repoMatches', '{app,team/app}') },
  repo_scope_mode: 'regular'
}
const POLICY = {
  name: 'ci-retention',
  algorithm: 'or',
  enabled: true,
  rules: [RETENTION_RULE],
  trigger: { type: 'scheduled', trigger_settings: { cron: '0 0 0 * * *' } }
}
const IMMUTABLE_RULE = {
  priority: 0,
  disabled: false,
  action: 'immutable',
  template: 'immutable_template',
  tag_selectors: selector('matches', 'v*'),
  scope_selectors: { repository: selector('repoMatches', '{app,team/app}') }
}
const RETENTIONS = '/namespaces/group/retention/policies'
const IMMUTABLE = '/namespaces/group/immutabletagrules'

describe('Enterprise Edition: retention policies of a namespace', () => {
  beforeEach(() => {
    emulator.addInstance({ id: INSTANCE })
    emulator.addInstanceNamespace(INSTANCE, 'group')
  })

  it('POST answers 201 {id}; GET shows it with rule ids, its namespace id and name', async () => {
    const created = await eeCall('POST', RETENTIONS, POLICY)
    expect(created.status).toBe(201)
    const { id } = created.json as { id: number }
    const read = await eeCall('GET', `${RETENTIONS}/${id}`)
    expect(read.status).toBe(200)
    const namespaceId = emulator.instanceState(INSTANCE).namespaces[0]?.namespace_id
    expect(read.json).toEqual({
      ...POLICY,
      id,
      rules: [{ ...RETENTION_RULE, id: expect.any(Number), disabled: false }],
      namespace_id: namespaceId,
      namespace_name: 'group'
    })
    expect(emulator.instanceState(INSTANCE).retentionPolicies).toEqual([read.json])
  })

  it.each([
    ['many', 201, 200],
    ['one-on-update', 201, 400],
    ['one', 400, undefined]
  ] as const)(
    'eeRetentionRules %s: a policy of two rules is answered %s on POST and %s on PUT',
    async (value, onPost, onPut) => {
      emulator.variants['eeRetentionRules'] = value
      const two = { ...POLICY, rules: [RETENTION_RULE, RETENTION_RULE] }
      const created = await eeCall('POST', RETENTIONS, two)
      expect(created.status).toBe(onPost)
      if (onPut === undefined) {
        expectEeError(created, 400, 'SWR.400001')
        expect(emulator.instanceState(INSTANCE).retentionPolicies).toEqual([])
        // One rule is what every value accepts.
        expect((await eeCall('POST', RETENTIONS, POLICY)).status).toBe(201)
        return
      }
      const { id } = created.json as { id: number }
      const updated = await eeCall('PUT', `${RETENTIONS}/${id}`, two)
      expect(updated.status).toBe(onPut)
      expect((await eeCall('PUT', `${RETENTIONS}/${id}`, POLICY)).status).toBe(200)
    }
  )

  it('nDaysSinceLastPush and a manual trigger without settings are accepted', async () => {
    const rule = {
      ...RETENTION_RULE,
      template: 'nDaysSinceLastPush',
      params: { nDaysSinceLastPush: 30 }
    }
    const policy = { ...POLICY, rules: [rule], trigger: { type: 'manual' } }
    expect((await eeCall('POST', RETENTIONS, policy)).status).toBe(201)
  })

  it.each([
    [
      'two tag selectors',
      { tag_selectors: [...selector('matches', '**'), ...selector('excludes', 'v*')] }
    ],
    ['no tag selector', { tag_selectors: [] }],
    [
      'two repository selectors',
      {
        scope_selectors: {
          repository: [...selector('repoMatches', 'a'), ...selector('repoMatches', 'b')]
        }
      }
    ],
    [
      'a regexp selector',
      { tag_selectors: [{ kind: 'regexp', decoration: 'matches', pattern: '.*' }] }
    ],
    [
      'a decoration that is not matches or excludes',
      { tag_selectors: selector('repoMatches', '**') }
    ],
    ['unbalanced braces', { tag_selectors: selector('matches', '{a,b') }],
    ['params as a string', { params: { latestPushedK: '20' } }],
    ['params for another template', { params: { nDaysSinceLastPush: 20 } }],
    ['zero to keep', { params: { latestPushedK: 0 } }],
    ['an unknown template', { template: 'tag_rule', params: { tag_rule: 1 } }],
    ['action delete', { action: 'delete' }],
    ['no repo_scope_mode', { repo_scope_mode: undefined }]
  ])('a rule with %s is 400 SWR.400001 and nothing is stored', async (_, change) => {
    const policy = { ...POLICY, rules: [{ ...RETENTION_RULE, ...change }] }
    expectEeError(await eeCall('POST', RETENTIONS, policy), 400, 'SWR.400001')
    expect(emulator.instanceState(INSTANCE).retentionPolicies).toEqual([])
  })

  it.each([
    ['algorithm and', { algorithm: 'and' }],
    ['enabled as a string', { enabled: 'true' }],
    ['no rules', { rules: [] }],
    ['16 rules', { rules: Array.from({ length: 16 }, () => RETENTION_RULE) }],
    ['a scheduled trigger without cron', { trigger: { type: 'scheduled' } }],
    ['a name with a space', { name: 'ci retention' }]
  ])('a policy with %s is 400 SWR.400001', async (_, change) => {
    expectEeError(await eeCall('POST', RETENTIONS, { ...POLICY, ...change }), 400, 'SWR.400001')
  })

  it('a second policy of the namespace is 409 SWR.409003 and the first stays alone', async () => {
    emulator.addInstanceRetention(INSTANCE, 'group', POLICY)
    expectEeError(await eeCall('POST', RETENTIONS, POLICY), 409, 'SWR.409003')
    expect(emulator.instanceState(INSTANCE).retentionPolicies).toHaveLength(1)
  })

  it('PUT replaces the policy (200, no body) under the same id', async () => {
    const { id } = emulator.addInstanceRetention(INSTANCE, 'group', POLICY)
    const changed = { ...POLICY, rules: [{ ...RETENTION_RULE, params: { latestPushedK: 5 } }] }
    const answer = await eeCall('PUT', `${RETENTIONS}/${id}`, changed)
    expect({ status: answer.status, text: answer.text }).toEqual({ status: 200, text: '' })
    expect((await eeCall('GET', `${RETENTIONS}/${id}`)).json).toMatchObject({
      id,
      rules: [{ params: { latestPushedK: 5 } }]
    })
  })

  it('DELETE answers 200 without a body; the policy is gone', async () => {
    const { id } = emulator.addInstanceRetention(INSTANCE, 'group', POLICY)
    const answer = await eeCall('DELETE', `${RETENTIONS}/${id}`)
    expect({ status: answer.status, text: answer.text }).toEqual({ status: 200, text: '' })
    expect(emulator.instanceState(INSTANCE).retentionPolicies).toEqual([])
  })

  it.each(VARIANTS.eeMissing)(
    'eeMissing %s: a policy that does not exist, or is of another namespace, is 400 SWR.400003',
    async value => {
      emulator.variants['eeMissing'] = value
      emulator.addInstanceNamespace(INSTANCE, 'other')
      const { id } = emulator.addInstanceRetention(INSTANCE, 'other', POLICY)
      for (const [method, input] of [['GET'], ['PUT', POLICY], ['DELETE']] as const) {
        expectEeError(await eeCall(method, `${RETENTIONS}/999`, input), 400, 'SWR.400003')
        expectEeError(await eeCall(method, `${RETENTIONS}/${id}`, input), 400, 'SWR.400003')
      }
      expect(emulator.instanceState(INSTANCE).retentionPolicies).toHaveLength(1)
    }
  )

  it.each([
    ['many', 'listed', true],
    ['one-on-update', 'listed', true],
    ['one', 'listed', false],
    ['one', 'absent', undefined]
  ] as const)(
    'eeRetentionRules %s, eeFeatureGates %s: GET .../feature-gates says enableCombinationRetention %s',
    async (rules, gates, combination) => {
      emulator.variants['eeRetentionRules'] = rules
      emulator.variants['eeFeatureGates'] = gates
      const answer = await eeCall('GET', '/feature-gates')
      expect(answer.status).toBe(200)
      const json = answer.json as Record<string, unknown>
      expect(json['enableCombinationRetention']).toBe(combination)
      expect('enableCombinationRetention' in json).toBe(combination !== undefined)
    }
  )

  it('GET .../retention/policies pages by a limit of at most 100, with offsets that are multiples of it', async () => {
    emulator.addInstanceNamespace(INSTANCE, 'other')
    emulator.addInstanceRetention(INSTANCE, 'group', POLICY)
    emulator.addInstanceRetention(INSTANCE, 'other', { ...POLICY, name: 'other-policy' })
    const second = await eeCall('GET', '/retention/policies?limit=1&offset=1')
    expect(second.json).toMatchObject({ total: 2, retentions: [{ name: 'other-policy' }] })
    expectEeError(await eeCall('GET', '/retention/policies?limit=2&offset=1'), 400, 'SWR.400001')
    expectEeError(await eeCall('GET', '/retention/policies?limit=101&offset=0'), 400, 'SWR.400001')
  })

  it('GET .../retention/policies (instance-wide) lists them, filtered by namespace_id', async () => {
    emulator.addInstanceNamespace(INSTANCE, 'other')
    emulator.addInstanceRetention(INSTANCE, 'group', POLICY)
    emulator.addInstanceRetention(INSTANCE, 'other', { ...POLICY, name: 'other-policy' })
    const all = await eeCall('GET', '/retention/policies')
    expect(all.json).toMatchObject({ total: 2 })
    const groupId = emulator
      .instanceState(INSTANCE)
      .namespaces.find(n => n.name === 'group')?.namespace_id
    const mine = await eeCall('GET', `/retention/policies?namespace_id=${groupId}`)
    expect(mine.json).toMatchObject({ total: 1, retentions: [{ namespace_name: 'group' }] })
  })

  it('there is no list under the namespace: GET .../namespaces/{ns}/retention/policies is no API', async () => {
    const answer = await eeCall('GET', RETENTIONS)
    expect(answer.status).toBe(404)
    expect(emulator.log.at(-1)).toMatchObject({ code: 'APIGW.0101' })
  })

  it('a policy for a namespace that does not exist answers as a missing namespace', async () => {
    const path = '/namespaces/nowhere/retention/policies'
    expectEeError(await eeCall('POST', path, POLICY), 404, 'SWR.404002')
  })
})

describe('Enterprise Edition: immutable tag rules', () => {
  beforeEach(() => {
    emulator.addInstance({ id: INSTANCE })
    emulator.addInstanceNamespace(INSTANCE, 'group')
  })

  it('POST answers 201 {id}; the instance-wide list shows it with its namespace', async () => {
    const created = await eeCall('POST', IMMUTABLE, IMMUTABLE_RULE)
    expect(created.status).toBe(201)
    const { id } = created.json as { id: number }
    const listed = await eeCall('GET', '/immutabletagrules')
    expect(listed.json).toEqual({
      immutable_rules: [
        {
          ...IMMUTABLE_RULE,
          id,
          namespace_id: emulator.instanceState(INSTANCE).namespaces[0]?.namespace_id,
          namespace_name: 'group'
        }
      ],
      total: 1
    })
  })

  it('priority, disabled, action and template may be left out: the defaults are filled in', async () => {
    const { tag_selectors, scope_selectors } = IMMUTABLE_RULE
    expect((await eeCall('POST', IMMUTABLE, { tag_selectors, scope_selectors })).status).toBe(201)
    expect(emulator.instanceState(INSTANCE).immutableRules).toMatchObject([
      { priority: 0, disabled: false, action: 'immutable', template: 'immutable_template' }
    ])
  })

  it.each([
    [
      'two tag selectors',
      { tag_selectors: [...selector('matches', 'v*'), ...selector('matches', 'r*')] }
    ],
    [
      'a scope other than repository',
      { scope_selectors: { namespace: selector('repoMatches', '**') } }
    ],
    ['action retain', { action: 'retain' }],
    [
      'a regexp selector',
      { tag_selectors: [{ kind: 'regexp', decoration: 'matches', pattern: 'v.*' }] }
    ]
  ])('a rule with %s is 400 SWR.400001', async (_, change) => {
    expectEeError(
      await eeCall('POST', IMMUTABLE, { ...IMMUTABLE_RULE, ...change }),
      400,
      'SWR.400001'
    )
  })

  it('a namespace holds at most 15 rules: the 16th is 400 SWR.400001', async () => {
    for (let i = 0; i < 15; i++) emulator.addImmutableRule(INSTANCE, 'group', IMMUTABLE_RULE)
    expectEeError(await eeCall('POST', IMMUTABLE, IMMUTABLE_RULE), 400, 'SWR.400001')
  })

  it('PUT replaces the rule (200, no body); DELETE removes it (200, no body)', async () => {
    const { id } = emulator.addImmutableRule(INSTANCE, 'group', IMMUTABLE_RULE)
    const changed = { ...IMMUTABLE_RULE, tag_selectors: selector('matches', 'release-*') }
    const put = await eeCall('PUT', `${IMMUTABLE}/${id}`, changed)
    expect({ status: put.status, text: put.text }).toEqual({ status: 200, text: '' })
    expect(emulator.instanceState(INSTANCE).immutableRules).toMatchObject([
      { id, tag_selectors: changed.tag_selectors }
    ])
    const deleted = await eeCall('DELETE', `${IMMUTABLE}/${id}`)
    expect({ status: deleted.status, text: deleted.text }).toEqual({ status: 200, text: '' })
    expect(emulator.instanceState(INSTANCE).immutableRules).toEqual([])
  })

  it.each(VARIANTS.eeMissing)(
    'eeMissing %s: a rule that does not exist, or is of another namespace, answers that',
    async value => {
      emulator.variants['eeMissing'] = value
      emulator.addInstanceNamespace(INSTANCE, 'other')
      const { id } = emulator.addImmutableRule(INSTANCE, 'other', IMMUTABLE_RULE)
      const code = value === '404' ? 'SWR.404004' : 'SWR.400006'
      for (const path of [`${IMMUTABLE}/999`, `${IMMUTABLE}/${id}`]) {
        expectEeError(await eeCall('PUT', path, IMMUTABLE_RULE), Number(value), code)
        expectEeError(await eeCall('DELETE', path), Number(value), code)
      }
      expect(emulator.instanceState(INSTANCE).immutableRules).toHaveLength(1)
    }
  )

  it('the list filters by namespace_id and pages by offset, a multiple of limit', async () => {
    emulator.addInstanceNamespace(INSTANCE, 'other')
    emulator.addImmutableRule(INSTANCE, 'group', IMMUTABLE_RULE)
    emulator.addImmutableRule(INSTANCE, 'other', IMMUTABLE_RULE)
    emulator.addImmutableRule(INSTANCE, 'other', IMMUTABLE_RULE)
    const otherId = emulator
      .instanceState(INSTANCE)
      .namespaces.find(n => n.name === 'other')?.namespace_id
    const other = await eeCall('GET', `/immutabletagrules?namespace_id=${otherId}`)
    expect(other.json).toMatchObject({ total: 2 })
    const second = await eeCall('GET', '/immutabletagrules?limit=1&offset=1')
    expect(second.json).toMatchObject({ total: 3, immutable_rules: [{ namespace_name: 'other' }] })
    expectEeError(await eeCall('GET', '/immutabletagrules?limit=2&offset=1'), 400, 'SWR.400001')
  })

  it('the helpers refuse what the API refuses', () => {
    expect(() =>
      emulator.addImmutableRule(INSTANCE, 'group', { ...IMMUTABLE_RULE, action: 'retain' })
    ).toThrow(/action/)
    expect(() => emulator.addImmutableRule(INSTANCE, 'nowhere', IMMUTABLE_RULE)).toThrow(
      /no namespace nowhere/
    )
    emulator.addInstanceRetention(INSTANCE, 'group', POLICY)
    expect(() => emulator.addInstanceRetention(INSTANCE, 'group', POLICY)).toThrow(/already/)
  })
})
