// One keep-alive agent per protocol, so every call of a run shares one connection per host.
// node:https and the proxy tunnel are loaded only when a run needs them: they cost start-up
// time, and the common run against a single host needs neither of the two paths at once.
import type { Agent, IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http'
import { getProxyUrl } from '@actions/http-client/lib/proxy'

export interface HttpResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

const TLS_TRUST_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID'
])

const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
  'TIMEOUT',
  'INCOMPLETE'
])

/** A request that got no complete answer; retryable says whether trying again may help. */
export class TransportError extends Error {
  override name = 'TransportError'
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean
  ) {
    super(message)
  }
}

function describe(err: NodeJS.ErrnoException, url: URL, timeoutMs: number): TransportError {
  const code = err.code ?? 'UNKNOWN'
  const where = `${url.protocol}//${url.host}`
  if (TLS_TRUST_CODES.has(code)) {
    return new TransportError(
      `The TLS certificate of ${where} is not trusted (${code}: ${err.message}). If a TLS-inspecting proxy or a private CA is in the way, give its CA certificate to Node with NODE_EXTRA_CA_CERTS.`,
      code,
      false
    )
  }
  // The proxy tunnel reports the proxy's refusal of CONNECT only in its message.
  const refusal = /tunneling socket could not be established, statusCode=(\d+)/.exec(err.message)
  if (refusal) {
    const status = Number(refusal[1])
    const hint =
      status === 407
        ? " (Proxy Authentication Required): put the proxy's credentials in its URL, https_proxy=http://user:password@host:port"
        : ''
    return new TransportError(
      `The proxy refused the tunnel to ${where} with HTTP ${status}${hint}`,
      code,
      status >= 500
    )
  }
  if (code === 'TIMEOUT') {
    return new TransportError(`No answer from ${where} within ${timeoutMs} ms`, code, true)
  }
  if (code === 'INCOMPLETE') {
    return new TransportError(
      `${where} closed the connection before the answer was complete`,
      code,
      true
    )
  }
  if (code === 'ENOTFOUND') {
    return new TransportError(
      `Cannot resolve ${url.hostname} (${code}): check region and endpoint`,
      code,
      false
    )
  }
  return new TransportError(
    `Request to ${where} failed: ${code} ${err.message}`,
    code,
    RETRYABLE_CODES.has(code)
  )
}

/**
 * The proxy a request to url goes through: https_proxy/HTTPS_PROXY (http_proxy for http URLs)
 * unless no_proxy/NO_PROXY lists the host; loopback hosts never use a proxy. These are the
 * runner's own rules, from @actions/http-client.
 */
export function proxyFor(url: URL): URL | undefined {
  return getProxyUrl(url)
}

type Requester = (
  options: RequestOptions,
  callback: (res: IncomingMessage) => void
) => import('node:http').ClientRequest

interface Route {
  request: Requester
  agent: Agent
}

export interface TransportOptions {
  timeoutMs: number
  /** Connections per host; the provisioning pool never runs more requests at once. */
  maxSockets: number
  userAgent: string
}

export class Transport {
  private readonly routes = new Map<string, Promise<Route>>()
  private readonly disposers: (() => void)[] = []
  /** Connections opened so far, for the debug log and the benchmark. */
  connections = 0

  constructor(private readonly options: TransportOptions) {}

  private route(url: URL): Promise<Route> {
    const proxy = proxyFor(url)
    const key = `${url.protocol}|${proxy?.href ?? ''}`
    let route = this.routes.get(key)
    if (!route) {
      route = this.createRoute(url, proxy !== undefined)
      this.routes.set(key, route)
    }
    return route
  }

  private async createRoute(url: URL, viaProxy: boolean): Promise<Route> {
    const secure = url.protocol === 'https:'
    const mod = secure ? await import('node:https') : await import('node:http')
    const keepAlive = true
    const maxSockets = this.options.maxSockets
    if (viaProxy) {
      // @actions/http-client builds the CONNECT tunnel (with proxy credentials and no_proxy
      // handled as the runner does); it is only loaded when a proxy applies.
      const { HttpClient } = await import('@actions/http-client')
      const client = new HttpClient(this.options.userAgent, [], { keepAlive, maxSockets })
      this.disposers.push(() => client.dispose())
      return { request: mod.request as Requester, agent: client.getAgent(url.href) as Agent }
    }
    const agent = new mod.Agent({ keepAlive, maxSockets })
    this.disposers.push(() => agent.destroy())
    return { request: mod.request as Requester, agent }
  }

  async request(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: string
  ): Promise<HttpResponse> {
    const { request, agent } = await this.route(url)
    const timeoutMs = this.options.timeoutMs
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false
      const fail = (err: NodeJS.ErrnoException): void => {
        if (settled) return
        settled = true
        reject(describe(err, url, timeoutMs))
      }
      const req = request(
        {
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method,
          agent,
          headers: {
            ...headers,
            'User-Agent': this.options.userAgent,
            ...(body ? { 'Content-Length': String(Buffer.byteLength(body)) } : {})
          }
        },
        res => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('error', fail)
          res.on('close', () => {
            if (!res.complete)
              fail(Object.assign(new Error('incomplete answer'), { code: 'INCOMPLETE' }))
          })
          res.on('end', () => {
            if (settled) return
            settled = true
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8')
            })
          })
        }
      )
      req.on('socket', () => {
        if (!req.reusedSocket) this.connections++
      })
      req.setTimeout(timeoutMs, () => {
        req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' }))
      })
      req.on('error', fail)
      req.end(body || undefined)
    })
  }

  close(): void {
    for (const dispose of this.disposers.splice(0)) dispose()
    this.routes.clear()
  }
}
