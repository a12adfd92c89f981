// The benchmark's wide-area link (test/support/wan-relay.js): it holds a new connection one RTT,
// delays every chunk by half an RTT each way, keeps bytes intact and in order, lets TLS through,
// and ends its sockets when closed. Lower bounds are tight; upper bounds leave room for a busy
// machine.
import { randomBytes } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import https from 'node:https'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTestCertificates } from '../test/support/tls.js'
import { startWanRelay } from '../test/support/wan-relay.js'

// Timers may fire up to a millisecond early against performance.now().
const EARLY = 2
const SLACK = 300

const closers: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

function listen(server: net.Server): Promise<number> {
  closers.push(() => new Promise(resolve => server.close(resolve)))
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port))
  )
}

/** A server that answers each line "ping" with "pong", noting when each line arrived. */
async function pingServer() {
  const arrivals: number[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer({ noDelay: true }, socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('data', data => {
      for (const line of data.toString().split('\n').filter(Boolean)) {
        arrivals.push(performance.now())
        if (line === 'ping') socket.write('pong\n')
      }
    })
    socket.on('error', () => undefined)
  })
  closers.push(async () => {
    for (const socket of sockets) socket.destroy()
  })
  return { port: await listen(server), arrivals, sockets }
}

async function relayTo(targetPort: number, rttMs: number) {
  const relay = await startWanRelay({ targetPort, rttMs })
  closers.push(() => relay.close())
  return relay
}

function connect(port: number): net.Socket {
  const socket = net.connect({ port, host: '127.0.0.1', noDelay: true })
  closers.push(async () => socket.destroy())
  return socket
}

/** Sends "ping" and resolves with the milliseconds until "pong" came back. */
function ping(socket: net.Socket, since = performance.now()): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.once('data', data => {
      if (data.toString() === 'pong\n') resolve(performance.now() - since)
      else reject(new Error(`unexpected answer ${data.toString()}`))
    })
    socket.write('ping\n')
  })
}

describe('the WAN relay', () => {
  it('takes two RTTs for a request on a new connection (the held handshake, then the exchange) and one RTT for the next', async () => {
    const RTT = 100
    const target = await pingServer()
    const relay = await relayTo(target.port, RTT)
    const started = performance.now()
    const socket = connect(relay.port)
    const first = await ping(socket, started)
    // The request reaches the server after the handshake RTT and half an RTT on the way.
    expect(target.arrivals[0]! - started).toBeGreaterThanOrEqual(1.5 * RTT - EARLY)
    expect(first).toBeGreaterThanOrEqual(2 * RTT - EARLY)
    expect(first).toBeLessThan(2 * RTT + SLACK)
    const second = await ping(socket)
    expect(second).toBeGreaterThanOrEqual(RTT - EARLY)
    expect(second).toBeLessThan(RTT + SLACK)
    expect(relay.connections).toBe(1)
  })

  it('passes straight through at RTT 0', async () => {
    const target = await pingServer()
    const relay = await relayTo(target.port, 0)
    const socket = connect(relay.port)
    await ping(socket)
    expect(await ping(socket)).toBeLessThan(SLACK)
  })

  it('holds each new connection on its own, not only the first', async () => {
    const RTT = 60
    const target = await pingServer()
    const relay = await relayTo(target.port, RTT)
    await ping(connect(relay.port))
    const started = performance.now()
    expect(await ping(connect(relay.port), started)).toBeGreaterThanOrEqual(2 * RTT - EARLY)
    expect(relay.connections).toBe(2)
  })

  it('delivers a few hundred KB each way intact and in order, and a clean end after them', async () => {
    const sent = randomBytes(400 * 1024)
    const echo = net.createServer({ allowHalfOpen: true }, socket => socket.pipe(socket))
    const relay = await relayTo(await listen(echo), 50)
    const socket = connect(relay.port)
    const received: Buffer[] = []
    socket.on('data', chunk => received.push(chunk))
    const ended = new Promise(resolve => socket.on('end', resolve))
    // Many small writes, so that order across chunks is what is being checked.
    for (let offset = 0; offset < sent.length; offset += 1000)
      socket.write(sent.subarray(offset, offset + 1000))
    socket.end()
    await ended
    expect(Buffer.concat(received).equals(sent)).toBe(true)
  })

  it('lets TLS through: a fresh HTTPS request pays the held handshake, the TLS 1.3 handshake and the exchange', async () => {
    const RTT = 80
    const certs = makeTestCertificates(['localhost'])
    closers.push(async () => rmSync(certs.dir, { recursive: true, force: true }))
    const server = https.createServer({ key: certs.key, cert: certs.cert }, (_req, res) =>
      res.end('hello over TLS')
    )
    const relay = await relayTo(await listen(server), RTT)
    const started = performance.now()
    const body = await new Promise<string>((resolve, reject) => {
      const ca = readFileSync(certs.caFile)
      https
        .get({ host: '127.0.0.1', port: relay.port, ca, agent: false }, res => {
          let text = ''
          res.on('data', d => (text += d))
          res.on('end', () => resolve(text))
        })
        .on('error', reject)
    })
    const elapsed = performance.now() - started
    expect(body).toBe('hello over TLS')
    expect(elapsed).toBeGreaterThanOrEqual(3 * RTT - EARLY)
    expect(elapsed).toBeLessThan(3 * RTT + SLACK)
  })

  it('ends every socket of its connections when closed', async () => {
    const target = await pingServer()
    const relay = await startWanRelay({ targetPort: target.port, rttMs: 50 })
    const socket = connect(relay.port)
    await ping(socket)
    expect(relay.open).toBe(2)
    const clientClosed = new Promise(resolve => socket.on('close', resolve))
    await relay.close()
    await clientClosed
    await new Promise(resolve => setTimeout(resolve, 20))
    expect(relay.open).toBe(0)
    expect(target.sockets.size).toBe(0)
  })

  it('forwards to loopback only', async () => {
    await expect(
      startWanRelay({ targetPort: 443, targetHost: '10.0.0.1', rttMs: 0 })
    ).rejects.toThrow('loopback only')
  })
})
