import { rmSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { proxyFor, Transport, TransportError, warmOptions } from '../src/http/transport.js'
import { startConnectProxy } from '../test/support/connect-proxy.js'
import { makeTestCertificates } from '../test/support/tls.js'

const VARS = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY']
const clearProxyVars = (): void => {
  for (const name of VARS) delete process.env[name]
}
beforeEach(clearProxyVars)
afterEach(clearProxyVars)
const api = new URL('https://swr-api.cn-north-4.myhuaweicloud.com/v2/manage/namespaces')

describe('which requests go through a proxy', () => {
  it('https URLs use https_proxy, then HTTPS_PROXY', () => {
    expect(proxyFor(api)).toBeUndefined()
    process.env['HTTPS_PROXY'] = 'http://upper.example:3128'
    expect(proxyFor(api)?.host).toBe('upper.example:3128')
    process.env['https_proxy'] = 'http://lower.example:3128'
    expect(proxyFor(api)?.host).toBe('lower.example:3128')
  })

  it.each([
    ['no_proxy', 'myhuaweicloud.com'],
    ['no_proxy', '.myhuaweicloud.com'],
    ['NO_PROXY', 'swr-api.cn-north-4.myhuaweicloud.com'],
    ['NO_PROXY', 'example.org, swr-api.cn-north-4.myhuaweicloud.com:443'],
    ['no_proxy', '*']
  ])('%s=%s bypasses the proxy', (name, value) => {
    process.env['HTTPS_PROXY'] = 'http://proxy.example:3128'
    process.env[name] = value
    expect(proxyFor(api)).toBeUndefined()
    expect(proxyFor(new URL('https://iam.eu-west-101.myhuaweicloud.eu'))?.host).toBe(
      value === '*' ? undefined : 'proxy.example:3128'
    )
  })

  it('loopback hosts never use the proxy', () => {
    process.env['HTTPS_PROXY'] = 'http://proxy.example:3128'
    process.env['HTTP_PROXY'] = 'http://proxy.example:3128'
    expect(proxyFor(new URL('http://127.0.0.1:8080'))).toBeUndefined()
    expect(proxyFor(new URL('https://localhost:8443'))).toBeUndefined()
  })
})

// ---------- loopback servers ----------

interface Loopback {
  url: URL
  /** TCP connections the server accepted. */
  connections: number
  /** Requests whose whole body the server read. */
  received: number
}

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A server on 127.0.0.1 that reads each request's body, then hands it to answer. */
async function serve(
  answer: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  protocol: 'http' | 'https' = 'http'
): Promise<Loopback> {
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    req.resume()
    req.on('end', () => {
      loopback.received++
      answer(req, res)
    })
  }
  const server =
    protocol === 'https'
      ? https.createServer(certificates(), onRequest)
      : http.createServer(onRequest)
  server.on('connection', () => loopback.connections++)
  const port = await listen(server)
  const loopback: Loopback = {
    url: new URL(`${protocol}://127.0.0.1:${port}/v2/x`),
    connections: 0,
    received: 0
  }
  cleanups.push(() => {
    server.closeAllConnections()
    return new Promise(resolve => server.close(resolve))
  })
  return loopback
}

/** A certificate from a throwaway CA that this process does not trust. */
function certificates(): { key: string; cert: string } {
  const { dir, key, cert } = makeTestCertificates(['swr-api.example.invalid'])
  rmSync(dir, { recursive: true, force: true })
  return { key, cert }
}

/** A TCP server that accepts connections and never says a word. */
async function silent(): Promise<number> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer(socket => {
    sockets.add(socket)
    socket.on('error', () => {})
  })
  const port = await listen(server)
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy()
    return new Promise(resolve => server.close(resolve))
  })
  return port
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  const port = await listen(server)
  await new Promise(resolve => server.close(resolve))
  return port
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as net.AddressInfo).port
}

function transport(timeoutMs = 5_000): Transport {
  const t = new Transport({ timeoutMs, maxSockets: 4, userAgent: 'transport-test' })
  cleanups.push(() => t.close())
  return t
}

async function failure(request: Promise<unknown>): Promise<TransportError> {
  const err = await request.then(
    () => new Error('the request succeeded'),
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(TransportError)
  return err as TransportError
}

// ---------- the deadline ----------

describe('the deadline covers the whole request', () => {
  it('a server that sends a byte at once and then one every 100 ms is cut off at a 300 ms deadline', async () => {
    // Bytes counted as the server writes them (not once written): on a busy machine the deadline
    // may fire before a write's callback, although the byte went out.
    let dripped = 0
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Length': '1000' })
      const drip = () => {
        dripped++
        res.write('x')
      }
      drip()
      const timer = setInterval(drip, 100)
      res.on('close', () => clearInterval(timer))
    })
    const started = performance.now()
    const err = await failure(transport(300).request('GET', server.url, {}, ''))
    const elapsed = performance.now() - started
    expect(dripped).toBeGreaterThanOrEqual(1)
    expect(err.message).toBe(`No answer from http://127.0.0.1:${server.url.port} within 300 ms`)
    expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true, sent: true })
    expect(elapsed).toBeGreaterThanOrEqual(295)
    expect(elapsed).toBeLessThan(300 + 150)
  })

  it('a slow answer that is complete inside the deadline succeeds', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.flushHeaders()
      setTimeout(() => res.write('{"slow":'), 150)
      setTimeout(() => res.end('true}'), 300)
    })
    const answer = await transport(1_000).request('GET', server.url, {}, '')
    expect(answer.status).toBe(200)
    expect(answer.body).toBe('{"slow":true}')
  })

  it('a hang before any byte of the answer times out, with the request counted as sent', async () => {
    const server = await serve(() => {})
    const started = performance.now()
    const err = await failure(transport(200).request('POST', server.url, {}, '{"name":"app"}'))
    expect(performance.now() - started).toBeLessThan(200 + 150)
    expect(server.received).toBe(1)
    expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true, sent: true })
  })

  it("a call's own timeoutMs replaces the transport's, shorter or longer", async () => {
    const hang = await serve(() => {})
    const started = performance.now()
    const err = await failure(
      transport(60_000).request('GET', hang.url, {}, '', { timeoutMs: 200 })
    )
    expect(performance.now() - started).toBeLessThan(200 + 150)
    expect(err.message).toBe(`No answer from http://127.0.0.1:${hang.url.port} within 200 ms`)

    const slow = await serve((_req, res) => setTimeout(() => res.end('late'), 300))
    const answer = await transport(100).request('GET', slow.url, {}, '', { timeoutMs: 2_000 })
    expect(answer.body).toBe('late')
  })

  it('a deadline that passes during the TLS handshake leaves the request unsent', async () => {
    const port = await silent()
    const url = new URL(`https://127.0.0.1:${port}/v2/x`)
    const err = await failure(transport(200).request('POST', url, {}, '{"name":"app"}'))
    expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true, sent: false })
  })
})

describe('a timeout that cannot work is refused', () => {
  const bad = [0, -1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]
  it.each(bad)('new Transport({ timeoutMs: %s }) throws, naming the value', timeoutMs => {
    expect(() => new Transport({ timeoutMs, maxSockets: 1, userAgent: 'test' })).toThrow(
      new RegExp(`^The request timeout must be .* not ${String(timeoutMs)}$`)
    )
  })

  it.each(bad)('request(..., { timeoutMs: %s }) rejects before connecting', async timeoutMs => {
    const server = await serve((_req, res) => res.end('{}'))
    const t = transport()
    const err = await t.request('GET', server.url, {}, '', { timeoutMs }).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(err).not.toBeInstanceOf(TransportError)
    expect((err as Error).message).toMatch(new RegExp(`not ${String(timeoutMs)}$`))
    expect(server.connections).toBe(0)
  })
})

// ---------- connections ----------

describe('connections', () => {
  it('two requests in a row share one keep-alive connection', async () => {
    const server = await serve((_req, res) => res.end('{}'))
    const t = transport()
    await t.request('GET', server.url, {}, '')
    await t.request('POST', server.url, {}, '{"a":1}')
    expect(server.received).toBe(2)
    expect(server.connections).toBe(1)
    expect(t.connections).toBe(1)
  })
})

describe('warmOptions', () => {
  it.each([
    ['https', 'localhost'],
    ['https', '127.0.0.1'],
    ['http', '127.0.0.1']
  ] as const)(
    'gives a warm %s socket to %s what the agent gives its own: noDelay, server name and session key',
    async (scheme, host) => {
      const mod = scheme === 'https' ? https : http
      const agent = new mod.Agent({ keepAlive: true, maxSockets: 8 })
      cleanups.push(() => agent.destroy())
      const server = await serve((_req, res) => res.end('{}'), scheme)
      const port = Number(server.url.port)
      const seen = new Promise<Record<string, unknown>>(resolve => {
        const open = agent.createConnection.bind(agent)
        agent.createConnection = ((options: Record<string, unknown>, callback: unknown) => {
          resolve(options)
          return open(options as never, callback as never)
        }) as typeof agent.createConnection
      })
      const req = mod.request({
        host,
        port,
        path: '/',
        agent,
        headers: { Host: `${host}:${port}` }
      })
      req.on('error', () => undefined) // the test CA is not trusted: only the options matter
      req.end()
      const own = await seen
      req.destroy()
      const pick = (o: Record<string, unknown>) => ({
        host: o['host'],
        port: o['port'],
        servername: o['servername'],
        noDelay: o['noDelay'],
        _agentKey: o['_agentKey']
      })
      expect(pick(warmOptions(agent, host, port))).toEqual(pick(own))
      expect(own['noDelay']).toBe(true)
    }
  )
})

describe('connections opened ahead of need', () => {
  it('are open before any request, and the requests that follow use them', async () => {
    const server = await serve((_req, res) => setTimeout(() => res.end('{}'), 50))
    const t = transport()
    await t.preconnect(server.url, 3)
    await vi.waitFor(() => expect(server.connections).toBe(3))
    expect(server.received).toBe(0)
    await Promise.all([1, 2, 3].map(() => t.request('GET', server.url, {}, '')))
    expect(server.received).toBe(3)
    expect(server.connections).toBe(3)
    expect(t.connections).toBe(3)
  })

  it('are not opened once the transport is closed, as when a run fails before its first request', async () => {
    const server = await serve((_req, res) => res.end('{}'))
    const t = transport()
    const warming = t.preconnect(server.url, 2)
    t.close()
    await warming
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(server.connections).toBe(0)
  })

  it('pass over one the server closed meanwhile', async () => {
    let opened = 0
    const server = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => res.end('{}'))
    })
    // The server drops the first connection before any request uses it.
    server.on('connection', socket => {
      if (++opened === 1) socket.destroy()
    })
    const port = await listen(server)
    cleanups.push(() => {
      server.closeAllConnections()
      return new Promise(resolve => server.close(resolve))
    })
    const url = new URL(`http://127.0.0.1:${port}/v2/x`)
    const t = transport()
    await t.preconnect(url, 1)
    await vi.waitFor(() => expect(opened).toBe(1))
    await new Promise(resolve => setTimeout(resolve, 50))
    await expect(t.request('GET', url, {}, '')).resolves.toMatchObject({ status: 200 })
    expect(opened).toBe(2)
  })
})

// ---------- whether a failed request may have been carried out ----------

describe('a failed request tells whether the server may have carried it out', () => {
  it('an answer cut short is INCOMPLETE, retryable and sent', async () => {
    const server = await serve((req, res) => {
      res.writeHead(200, { 'Content-Length': '100' })
      res.write('{"name":"ap', () => req.socket.end())
    })
    const err = await failure(transport().request('GET', server.url, {}, ''))
    expect(err.message).toBe(
      `http://127.0.0.1:${server.url.port} closed the connection before the answer was complete`
    )
    expect(err).toMatchObject({ code: 'INCOMPLETE', retryable: true, sent: true })
  })

  it('a reset after the server read the request is retryable and sent', async () => {
    const server = await serve(req => req.socket.resetAndDestroy())
    const err = await failure(transport().request('POST', server.url, {}, '{"name":"app"}'))
    expect(server.received).toBe(1)
    expect(err).toMatchObject({ code: 'ECONNRESET', retryable: true, sent: true })
  })

  it('a refused connection is retryable and not sent', async () => {
    const port = await freePort()
    const url = new URL(`http://127.0.0.1:${port}/v2/x`)
    const err = await failure(transport().request('POST', url, {}, '{}'))
    expect(err).toMatchObject({ code: 'ECONNREFUSED', retryable: true, sent: false })
  })

  it('a TLS handshake that fails (a plain HTTP server on an https URL) is not sent', async () => {
    const server = await serve((_req, res) => res.end('{}'))
    const url = new URL(`https://127.0.0.1:${server.url.port}/v2/x`)
    const err = await failure(transport().request('POST', url, {}, '{"name":"app"}'))
    expect(server.received).toBe(0)
    expect(err.sent).toBe(false)
  })

  it('a certificate Node does not trust is final and not sent', async () => {
    const server = await serve((_req, res) => res.end('{}'), 'https')
    const err = await failure(transport().request('POST', server.url, {}, '{"name":"app"}'))
    expect(err.message).toMatch(
      /^The TLS certificate of https:\/\/127\.0\.0\.1:\d+ is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE/
    )
    expect(server.received).toBe(0)
    expect(err).toMatchObject({ retryable: false, sent: false })
  })

  it('a proxy that refuses the CONNECT tunnel is final and not sent', async () => {
    const proxy = await startConnectProxy(await freePort(), { credentials: 'ci-user:secret' })
    cleanups.push(() => proxy.close())
    process.env['HTTPS_PROXY'] = proxy.url
    // A name that cannot resolve: even a wrong proxy decision could not reach a real host.
    const url = new URL('https://swr-api.example.invalid/v2/manage/namespaces')
    expect(proxyFor(url)?.href).toBe(`${proxy.url}/`)
    const err = await failure(transport().request('POST', url, {}, '{"namespace":"group"}'))
    expect(proxy.refused).toBe(1)
    expect(err.message).toMatch(
      /^The proxy refused the tunnel to https:\/\/swr-api\.example\.invalid with HTTP 407 \(Proxy Authentication Required\)/
    )
    expect(err).toMatchObject({ retryable: false, sent: false })
  })
})

// ---------- timers ----------

describe('no timer outlives its request', () => {
  afterEach(() => {
    vi.useRealTimers()
  })
  const endings: [string, (req: http.IncomingMessage, res: http.ServerResponse) => void][] = [
    ['an answer', (_req, res) => res.end('{}')],
    ['a reset', req => req.socket.resetAndDestroy()],
    [
      'an answer cut short',
      (req, res) => {
        res.writeHead(200, { 'Content-Length': '100' })
        res.write('{', () => req.socket.end())
      }
    ]
  ]
  it.each(endings)('after %s, no deadline timer is left pending', async (_name, answer) => {
    const server = await serve(answer)
    const t = transport(60_000)
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    await t.request('GET', server.url, {}, '').catch(() => undefined)
    expect(server.received).toBe(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a refused connection leaves no deadline timer pending', async () => {
    const url = new URL(`http://127.0.0.1:${await freePort()}/v2/x`)
    const t = transport(60_000)
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    await expect(t.request('GET', url, {}, '')).rejects.toBeInstanceOf(TransportError)
    expect(vi.getTimerCount()).toBe(0)
  })
})
