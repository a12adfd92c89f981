// The Enterprise Edition client against a scripted loopback server: what goes on the wire
// (paths, the doubly encoded repository name, X-Project-Id, bodies) and how each answer the
// notes leave open is read (404 or 400 for missing things, 409 or 400 for a duplicate).
import http from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Api } from '../src/http/api.js'
import { signRequest } from '../src/http/signer.js'
import { Transport } from '../src/http/transport.js'
import {
  SwrEnterpriseClient,
  enterprisePolicy,
  repositorySegment
} from '../src/swr/enterprise-client.js'

interface Seen {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: string
}
type Reply = { status: number; body?: unknown }

let server: http.Server
let transport: Transport
let base: string
const seen: Seen[] = []
let replies: ((req: Seen) => Reply | undefined)[] = []

beforeEach(async () => {
  seen.length = 0
  replies = []
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', c => chunks.push(c as Buffer))
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8')
      }
      seen.push(entry)
      const reply = replies.map(r => r(entry)).find(Boolean) ?? { status: 500 }
      res.writeHead(reply.status, { 'Content-Type': 'application/json' })
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  transport = new Transport({ timeoutMs: 1000, maxSockets: 2, userAgent: 'test' })
})
afterEach(async () => {
  transport.close()
  await new Promise(resolve => server.close(resolve))
})

const PROJECT = '0123456789abcdef0123456789abcdef'
const INSTANCE = 'ins-1'
const PREFIX = `/v2/${PROJECT}/instances/${INSTANCE}`

function client(): SwrEnterpriseClient {
  const api = new Api({
    baseUrl: new URL(base),
    authorize: request => signRequest(request, { accessKeyId: 'AK', secretAccessKey: 'SK' }),
    transport,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, budgetMs: 5000 },
    deadline: Date.now() + 10_000,
    policy: enterprisePolicy,
    debug: () => undefined
  })
  return new SwrEnterpriseClient(api, PROJECT, INSTANCE)
}

/** Answers `reply` to requests with this method and path (as sent, query excluded). */
function on(method: string, path: string, reply: Reply): void {
  replies.push(req => (req.method === method && req.url.split('?')[0] === path ? reply : undefined))
}

describe('the wire', () => {
  it('encodes a "/" in a repository name twice, and nothing else', () => {
    expect(repositorySegment('team/app')).toBe('team%252Fapp')
    expect(repositorySegment('a/b/c')).toBe('a%252Fb%252Fc')
    expect(repositorySegment('app-1.2_x')).toBe('app-1.2_x')
  })

  it.each(['..', '.', ''])(
    'sends no request for a repository named %j, which a URL would resolve to the namespace path',
    async name => {
      on('DELETE', `${PREFIX}/namespaces/group/`, { status: 204 })
      on('DELETE', `${PREFIX}/namespaces/group`, { status: 204 })
      await expect(client().deleteRepository('group', name)).rejects.toThrow(
        'cannot be sent in a URL path'
      )
      expect(seen).toEqual([])
    }
  )

  it('sends no request whose path a URL would resolve to another (a "." or ".." segment)', async () => {
    on('DELETE', `${PREFIX}/namespaces/group`, { status: 204 })
    const api = (client() as unknown as { api: Api }).api
    await expect(
      api.call(
        { operation: 'delete x', method: 'DELETE', path: `${PREFIX}/namespaces/group/x/..` },
        { ok: [204] }
      )
    ).rejects.toThrow(`would be sent as "${PREFIX}/namespaces/group/", another path`)
    expect(seen).toEqual([])
  })

  it('sends every call under the instance prefix with X-Project-Id, signed', async () => {
    on('GET', `${PREFIX}/namespaces/group/repositories/team%252Fapp`, {
      status: 200,
      body: { name: 'team/app', description: 'the app' }
    })
    const read = await client().readRepository('group', 'team/app')
    expect(read).toEqual({ state: 'exists', info: { name: 'team/app', description: 'the app' } })
    const [request] = seen
    expect(request?.url).toBe(`${PREFIX}/namespaces/group/repositories/team%252Fapp`)
    expect(request?.headers['x-project-id']).toBe(PROJECT)
    expect(request?.headers['authorization']).toMatch(/SignedHeaders=[^,]*x-project-id/)
  })

  it('creates a namespace with the visibility as the string the API wants', async () => {
    on('POST', `${PREFIX}/namespaces`, { status: 201, body: { id: 7 } })
    expect(await client().createNamespace('group', true)).toEqual({ outcome: 'created' })
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({
      namespace_name: 'group',
      metadata: { public: 'true' }
    })
  })

  it('updates a namespace and a repository with PUT, accepting 200 or 204', async () => {
    on('PUT', `${PREFIX}/namespaces/group`, { status: 204 })
    on('PUT', `${PREFIX}/namespaces/group/repositories/team%252Fapp`, { status: 200, body: {} })
    await client().updateNamespace('group', false)
    await client().updateRepository('group', 'team/app', 'new')
    expect(seen.map(s => JSON.parse(s.body))).toEqual([
      { metadata: { public: 'false' } },
      { description: 'new' }
    ])
  })
})

describe('answers the notes leave open', () => {
  it.each([404, 400])('a namespace or repository answered with %i is missing', async status => {
    on('GET', `${PREFIX}/namespaces/group`, {
      status,
      body: { error_code: 'SWR.X', error_msg: 'no' }
    })
    on('GET', `${PREFIX}/namespaces/group/repositories/app`, { status, body: {} })
    expect(await client().readNamespace('group')).toBe('missing')
    expect(await client().readRepository('group', 'app')).toEqual({ state: 'absent' })
  })

  it("the gateway's 404 (no such API) is an error, not a missing thing", async () => {
    on('GET', `${PREFIX}/namespaces/group`, {
      status: 404,
      body: { error_code: 'APIGW.0101', error_msg: 'The API does not exist' }
    })
    await expect(client().readNamespace('group')).rejects.toThrow(
      /read namespace "group" failed: HTTP 404 APIGW.0101.*serves no SWR API at this path/
    )
  })

  it.each([409, 400])('a namespace create answered %i is handed back as refused', async status => {
    on('POST', `${PREFIX}/namespaces`, {
      status,
      body: { error_code: 'SWR.409', error_msg: 'dup' }
    })
    const result = await client().createNamespace('group', false)
    expect(result.outcome).toBe('refused')
    expect(result.outcome === 'refused' && result.error.message).toContain(`HTTP ${status}`)
  })

  it('reads the visibility from the string metadata, "true" only meaning public', async () => {
    on('GET', `${PREFIX}/namespaces/pub`, {
      status: 200,
      body: { name: 'pub', metadata: { public: 'true' } }
    })
    on('GET', `${PREFIX}/namespaces/priv`, {
      status: 200,
      body: { name: 'priv', metadata: { public: 'false' } }
    })
    expect(await client().readNamespace('pub')).toEqual({ name: 'pub', isPublic: true })
    expect(await client().readNamespace('priv')).toEqual({ name: 'priv', isPublic: false })
  })
})

describe('the instance', () => {
  it('reads its status and access address, dropping a scheme the answer may carry', async () => {
    on('GET', PREFIX, {
      status: 200,
      body: {
        id: INSTANCE,
        name: 'reg',
        status: 'Running',
        access_address: 'https://reg.swr.cn-north-4.myhuaweicloud.com/'
      }
    })
    expect(await client().readInstance()).toEqual({
      id: INSTANCE,
      name: 'reg',
      status: 'Running',
      accessAddress: 'reg.swr.cn-north-4.myhuaweicloud.com'
    })
  })

  it('an unknown instance is an error naming the instance and the project', async () => {
    on('GET', PREFIX, { status: 404, body: { error_code: 'SWR.4040001', error_msg: 'not found' } })
    await expect(client().readInstance()).rejects.toThrow(
      `No instance with id "${INSTANCE}" was found in project ${PROJECT}`
    )
  })
})

describe('deleting a retention policy or an immutable tag rule', () => {
  const listing = (path: string, key: string, ids: number[]) =>
    on('GET', `${PREFIX}${path}`, {
      status: 200,
      body: { total: ids.length, [key]: ids.map(id => ({ id, namespace_name: 'group' })) }
    })

  it('counts a retention policy answered 400 SWR.400003 as gone without reading the list', async () => {
    on('DELETE', `${PREFIX}/namespaces/group/retention/policies/7`, {
      status: 400,
      body: { error_code: 'SWR.400003', error_msg: 'policy not found' }
    })
    await client().deleteRetentionPolicy('group', 7)
    expect(seen.map(s => s.method)).toEqual(['DELETE'])
  })

  it('fails a retention policy DELETE answered another 400 while the list still shows the policy', async () => {
    on('DELETE', `${PREFIX}/namespaces/group/retention/policies/7`, {
      status: 400,
      body: { error_code: 'SWR.400099', error_msg: 'cannot delete now' }
    })
    listing('/retention/policies', 'retentions', [7])
    await expect(client().deleteRetentionPolicy('group', 7)).rejects.toThrow('HTTP 400 SWR.400099')
  })

  it('fails an immutable tag rule DELETE answered 400 while the list still shows the rule, and counts it gone once the list does not', async () => {
    on('DELETE', `${PREFIX}/namespaces/group/immutabletagrules/5`, {
      status: 400,
      body: { error_code: 'SWR.400099', error_msg: 'cannot delete now' }
    })
    on('DELETE', `${PREFIX}/namespaces/group/immutabletagrules/6`, {
      status: 400,
      body: { error_code: 'SWR.400099', error_msg: 'cannot delete now' }
    })
    listing('/immutabletagrules', 'immutable_rules', [5])
    await expect(client().deleteImmutableRule('group', 5)).rejects.toThrow('HTTP 400 SWR.400099')
    await client().deleteImmutableRule('group', 6)
  })
})

describe('lists', () => {
  it('keeps only the namespace’s immutable tag rules from the instance-wide list, page by page', async () => {
    const rule = (id: number, ns: string) => ({ id, namespace_name: ns, tag_selectors: [] })
    replies.push(req => {
      if (!req.url.startsWith(`${PREFIX}/immutabletagrules?`)) return undefined
      const offset = Number(new URL(req.url, base).searchParams.get('offset'))
      const all = Array.from({ length: 150 }, (_, i) => rule(i + 1, i % 2 ? 'group' : 'other'))
      return { status: 200, body: { immutable_rules: all.slice(offset, offset + 100), total: 150 } }
    })
    const rules = await client().listImmutableRules('group')
    expect(rules).toHaveLength(75)
    expect(rules.every(r => r.id % 2 === 0)).toBe(true)
    expect(seen.map(s => new URL(s.url, base).searchParams.get('offset'))).toEqual(['0', '100'])
  })

  it('keeps only the namespace\'s retention policies, from a "retentions" wrapper', async () => {
    const policy = (id: number, ns: string) => ({
      id,
      name: `p${id}`,
      namespace_name: ns,
      enabled: true,
      rules: [],
      trigger: { type: 'manual' }
    })
    on('GET', `${PREFIX}/retention/policies`, {
      status: 200,
      body: { total: 2, retentions: [policy(3, 'a'), policy(4, 'b')] }
    })
    expect(await client().listRetentionPolicies('b')).toEqual([
      { id: 4, name: 'p4', algorithm: 'or', enabled: true, rules: [], trigger: { type: 'manual' } }
    ])
    expect(seen[0]?.url).toBe(`${PREFIX}/retention/policies?limit=100&offset=0`)
  })
})

describe('the temporary docker login', () => {
  it('returns the user id, the token and the expiry', async () => {
    on('POST', `${PREFIX}/temp-credential`, {
      status: 201,
      body: { user_id: 'u', auth_token: 't', expire_date: '2026-11-24T10:00:00Z', token_id: 'x' }
    })
    expect(await client().temporaryCredential()).toEqual({
      userId: 'u',
      authToken: 't',
      expireDate: '2026-11-24T10:00:00Z'
    })
  })

  it('an answer without a token is an error that quotes no value', async () => {
    on('POST', `${PREFIX}/temp-credential`, { status: 201, body: { user_id: 'u' } })
    await expect(client().temporaryCredential()).rejects.toThrow(
      'get a temporary docker login for the instance failed: the answer has no user_id and auth_token'
    )
  })
})
