// The emulator itself, checked in-process against docs/swr-service.md with signed
// requests: the published statuses and codes, every value of every variant in every error
// shape, the API gateway's answer for a path that is no API, and the faults that need care;
// and one SWR per region (picked by the Host header, sent here straight to the loopback port
// and signed for that host).
import http from 'node:http'
import net from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { signRequest } from '../src/http/signer.js'
import { ERROR_SHAPES, VARIANTS } from '../test/emulator/emulator.js'
import { startEmulator, type Emulator } from './helpers/emulator.js'

type Account = 'main' | 'other' | 'reader'
interface Answer {
  status: number
  text: string
  json: unknown
}

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator()
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
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, emulator.url), { method, headers }, res => {
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

const TARGET = 'ap-southeast-1'

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
})
