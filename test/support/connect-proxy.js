// A real HTTP CONNECT proxy for tests. It records each tunnel's target (host:port) and delivers
// every tunnel to one loopback port (the emulator's HTTPS listener): nothing leaves the machine.
import http from 'node:http'
import net from 'node:net'

/** @param {number} targetPort @returns {Promise<{ url: string, connects: string[], close: () => Promise<void> }>} */
export async function startConnectProxy(targetPort) {
  const connects = []
  const sockets = new Set()
  const server = http.createServer((_req, res) => {
    res.writeHead(405).end('this proxy only tunnels (CONNECT)')
  })
  server.on('connect', (req, client, head) => {
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
    close: () =>
      new Promise(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
