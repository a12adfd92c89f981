// A wide-area link on loopback, for the benchmark: a TCP relay in front of one local port that
// adds the round trips loopback hides. A new connection passes nothing for one RTT (the TCP
// handshake a client waits for before its first byte), then every chunk takes RTT/2 in each
// direction, in order. It relays bytes, so TLS goes through it untouched and the handshake
// pays its own round trips, as on a real link.
import net from 'node:net'

const LOOPBACK = /^(127\.|localhost$|::1$)/
// Past this many bytes waiting in one direction, the sender is paused, so that a fast writer
// cannot make the relay hold an unbounded backlog.
const HIGH_WATER = 1 << 20

/**
 * One direction of a connection: chunks (and the end) leave `delayMs` after they came, never
 * before `notBefore`, and never ahead of an earlier chunk.
 * @param {net.Socket} from
 * @param {net.Socket} to
 * @param {number} delayMs
 * @param {number} notBefore performance.now() time before which nothing passes
 */
function relayDirection(from, to, delayMs, notBefore) {
  /** @type {{ at: number, chunk: Buffer | null }[]} */
  const queue = []
  let queued = 0
  let timer
  const flush = () => {
    timer = undefined
    const now = performance.now()
    while (queue.length > 0 && queue[0].at <= now + 0.5) {
      const { chunk } = queue.shift()
      if (chunk === null) {
        to.end()
        continue
      }
      queued -= chunk.length
      if (!to.destroyed) to.write(chunk)
    }
    resumeIfRoom()
    if (queue.length > 0) timer = setTimeout(flush, Math.ceil(queue[0].at - now))
  }
  const backlog = () => queued + to.writableLength
  const resumeIfRoom = () => {
    if (backlog() < HIGH_WATER / 2 && from.isPaused() && !from.destroyed) from.resume()
  }
  const push = chunk => {
    const last = queue.at(-1)?.at ?? 0
    const at = Math.max(performance.now() + delayMs, notBefore + delayMs, last)
    queue.push({ at, chunk })
    if (chunk) queued += chunk.length
    if (backlog() > HIGH_WATER) from.pause()
    if (timer === undefined) {
      if (at <= performance.now()) flush()
      else timer = setTimeout(flush, Math.ceil(at - performance.now()))
    }
  }
  from.on('data', push)
  to.on('drain', resumeIfRoom)
  from.on('end', () => push(null))
  return () => clearTimeout(timer)
}

/**
 * Starts a relay on 127.0.0.1 in front of a loopback port.
 * @param {{ targetPort: number, targetHost?: string, rttMs: number, maxConnections?: number }} options
 * @returns {Promise<{ port: number, host: string, readonly connections: number,
 *   readonly open: number, close: () => Promise<void> }>} host is "127.0.0.1:port"; connections
 *   counts those accepted so far, open the sockets (both sides) still open
 */
export async function startWanRelay(options) {
  const { targetPort, rttMs } = options
  const targetHost = options.targetHost ?? '127.0.0.1'
  if (!LOOPBACK.test(targetHost)) throw new Error('the relay forwards to loopback only')
  if (!(rttMs >= 0)) throw new Error(`rttMs must be 0 or more, not ${rttMs}`)
  const sockets = new Set()
  const stats = { connections: 0 }
  const track = socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  }
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, client => {
    stats.connections++
    const notBefore = performance.now() + rttMs
    const upstream = net.connect({ port: targetPort, host: targetHost, allowHalfOpen: true })
    upstream.setNoDelay(true)
    track(client)
    track(upstream)
    const stops = [
      relayDirection(client, upstream, rttMs / 2, notBefore),
      relayDirection(upstream, client, rttMs / 2, notBefore)
    ]
    // A reset or an error on one side ends the other at once; a clean end travels in order.
    const teardown = () => {
      for (const stop of stops) stop()
      client.destroy()
      upstream.destroy()
    }
    client.on('error', teardown)
    upstream.on('error', teardown)
    let closed = 0
    const bothEnded = () => ++closed === 2 && teardown()
    client.on('close', bothEnded)
    upstream.on('close', bothEnded)
  })
  server.maxConnections = options.maxConnections ?? 256
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = /** @type {net.AddressInfo} */ (server.address())
  return {
    port,
    host: `127.0.0.1:${port}`,
    get connections() {
      return stats.connections
    },
    get open() {
      return sockets.size
    },
    close: () =>
      new Promise(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
