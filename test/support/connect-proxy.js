// A real HTTP CONNECT proxy for tests. It records each tunnel's target (host:port) and delivers
// every tunnel to one loopback port (the emulator's HTTPS listener): nothing leaves the machine.
import http from 'node:http'
import net from 'node:net'

/**
 * @param {number} targetPort
 * @param {{ credentials?: string }} [options] "user:password" the proxy requires (407 otherwise)
 * @returns {Promise<{ url: string, connects: string[], refused: number, close: () => Promise<void> }>}
 */
export async function startConnectProxy(targetPort, options = {}) {
  const expected = options.credentials
    ? `Basic ${Buffer.from(options.credentials).toString('base64')}`
    : undefined
  const stats = { refused: 0 }
  const connects = []
  const sockets = new Set()
  const server = http.createServer((_req, res) => {
    res.writeHead(405).end('this proxy only tunnels (CONNECT)')
  })
  server.on('connect', (req, client, head) => {
    if (expected && req.headers['proxy-authorization'] !== expected) {
      stats.refused++
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n'
      )
      return
    }
    connects.push(req.url)
    sockets.add(client)
    const upstream = net.connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    const end = () => {
      upstream.destroy()
      client.destroy()
    }
    upstream.on('error', end)
    client.on('error', end)
    upstream.on('close', () => sockets.delete(upstream))
    client.on('close', () => sockets.delete(client))
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    get refused() {
      return stats.refused
    },
    close: () =>
      new Promise(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
