// One keep-alive agent per protocol, so every call of a run shares one connection per host.
// node:https and the proxy tunnel are loaded only when a run needs them: they cost start-up
// time, and the common run against a single host needs neither of the two paths at once.
import type { Agent, IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http'
import { isIP, type Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
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

/**
 * A request that got no complete answer. retryable says whether trying again may help; sent
 * says whether the server may have received the request and carried it out, so that a write
 * whose answer was lost is read back before it is repeated (false: it certainly never arrived).
 */
export class TransportError extends Error {
  override name = 'TransportError'
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
    readonly sent: boolean
  ) {
    super(message)
  }
}

function describe(
  err: NodeJS.ErrnoException,
  url: URL,
  timeoutMs: number,
  sent: boolean
): TransportError {
  const code = err.code ?? 'UNKNOWN'
  const where = `${url.protocol}//${url.host}`
  if (TLS_TRUST_CODES.has(code)) {
    return new TransportError(
      `The TLS certificate of ${where} is not trusted (${code}: ${err.message}). If a TLS-inspecting proxy or a private CA is in the way, give its CA certificate to Node with NODE_EXTRA_CA_CERTS.`,
      code,
      false,
      sent
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
      status >= 500,
      sent
    )
  }
  if (code === 'TIMEOUT') {
    return new TransportError(`No answer from ${where} within ${timeoutMs} ms`, code, true, sent)
  }
  if (code === 'INCOMPLETE') {
    return new TransportError(
      `${where} closed the connection before the answer was complete`,
      code,
      true,
      sent
    )
  }
  if (code === 'ENOTFOUND') {
    return new TransportError(
      `Cannot resolve ${url.hostname} (${code}): check region and endpoint`,
      code,
      false,
      sent
    )
  }
  return new TransportError(
    `Request to ${where} failed: ${code} ${err.message}`,
    code,
    RETRYABLE_CODES.has(code),
    sent
  )
}

// Whether a request may have reached the server is read from its socket, not from error codes
// (the proxy tunnel reports even an unreachable proxy as ECONNRESET). Until the socket has
// connected, and for TLS finished its handshake, every byte of the request sits in our own
// buffers: a failure before that point means the server certainly never saw it. From that point
// on, a reset, a timeout or a cut answer cannot tell whether the server read the request and
// carried it out, so the request counts as sent.
const established = new WeakSet<Socket>()

function watchSocket(socket: Socket): void {
  if (established.has(socket)) return
  const tls = socket as Partial<TLSSocket>
  // The proxy tunnel hands a queued request a socket it secured earlier without marking it
  // reused; its verified handshake shows as authorized.
  const ready = tls.encrypted ? tls.authorized === true : !socket.pending
  if (ready) established.add(socket)
  else socket.once(tls.encrypted ? 'secureConnect' : 'connect', () => established.add(socket))
}

// setTimeout turns a delay above 2^31-1 ms into 1 ms, so such a timeout would fire at once.
const MAX_TIMEOUT_MS = 2 ** 31 - 1

/**
 * A clock that never jumps, in milliseconds. Not performance.now(): the first use of that global
 * loads perf_hooks, nine modules, at every start.
 */
function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6
}

function checkTimeout(timeoutMs: number): number {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new Error(
      `The request timeout must be a number of milliseconds above 0 and at most ${MAX_TIMEOUT_MS}, not ${String(timeoutMs)}`
    )
  }
  return timeoutMs
}

function incomplete(): NodeJS.ErrnoException {
  return Object.assign(new Error('incomplete answer'), { code: 'INCOMPLETE' })
}

/**
 * The most of an answer's body that is read, in bytes. Every SWR answer is small JSON: a page
 * of 1000 repositories is about 0.5 MB, and an error a few hundred bytes. An answer is held
 * whole while it is read and parsed (a 200 MB one took about 930 MB of memory), so one far
 * larger than any real answer is cut off here, before it can exhaust the runner's memory.
 */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024

/** An answer larger than MAX_ANSWER_BYTES: final, since asking again brings the same answer. */
function tooLarge(method: string, url: URL, sent: boolean, size?: number): TransportError {
  const mib = MAX_ANSWER_BYTES / 1024 / 1024
  return new TransportError(
    `the answer to ${method} ${url.pathname} is larger than the ${mib} MiB an answer may have` +
      `${size === undefined ? '' : ` (Content-Length ${size})`}; it was not read. No SWR answer is that large: check the endpoint, and any proxy in between`,
    'TOO_LARGE',
    false,
    sent
  )
}

function readAnswer(
  res: IncomingMessage,
  fail: (err: NodeJS.ErrnoException) => void,
  overflow: (size?: number) => void,
  done: (answer: HttpResponse) => void
): void {
  const declared = Number(res.headers['content-length'])
  if (Number.isFinite(declared) && declared > MAX_ANSWER_BYTES) {
    res.destroy()
    overflow(declared)
    return
  }
  const chunks: Buffer[] = []
  let received = 0
  res.on('data', (chunk: Buffer) => {
    received += chunk.length
    if (received > MAX_ANSWER_BYTES) {
      chunks.length = 0
      res.destroy()
      overflow()
      return
    }
    chunks.push(chunk)
  })
  // Node reports an answer cut short as an 'aborted' error, or only as a close.
  res.on('error', () => fail(incomplete()))
  res.on('close', () => {
    if (!res.complete) fail(incomplete())
  })
  res.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8')
    done({ status: res.statusCode ?? 0, headers: res.headers, body })
  })
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
  /** Opens connections ahead of need (not through a proxy). */
  warm?: (url: URL, count: number) => void
}

type Connect = (options: Record<string, unknown>, callback?: unknown) => Socket

/**
 * What an agent's createSocket gives createConnection for a request to host:port: the agent's
 * own options (noDelay among them), the server name a request sends (none for an IP address)
 * and the key under which an https agent caches the TLS session, so that a warm socket is set
 * up as the agent's own would be and later connections can resume its session.
 */
export function warmOptions(agent: Agent, host: string, port: number): Record<string, unknown> {
  const options: Record<string, unknown> = {
    ...(agent as unknown as { options: Record<string, unknown> }).options,
    host,
    port,
    servername: isIP(host) ? '' : host
  }
  return { ...options, _agentKey: agent.getName(options as RequestOptions) }
}

/**
 * Lets an agent hand out connections opened ahead of need: the agent's documented
 * createConnection hook takes a warm socket for the same host and port before it opens one.
 * A socket the server closed meanwhile is passed over.
 */
function warmable(
  agent: Agent,
  secure: boolean,
  dispose: (fn: () => void) => void
): (url: URL, count: number) => void {
  const stash = new Map<string, Socket[]>()
  dispose(() => [...stash.values()].flat().forEach(socket => socket.destroy()))
  const open = (agent as unknown as { createConnection: Connect }).createConnection.bind(agent)
  const keyOf = (host: unknown, port: unknown) => `${String(host)}:${String(port)}`
  ;(agent as unknown as { createConnection: Connect }).createConnection = (options, callback) => {
    const sockets = stash.get(keyOf(options['host'], options['port'])) ?? []
    for (let socket = sockets.shift(); socket; socket = sockets.shift()) {
      // Held open without keeping the process alive until a request takes it.
      if (!socket.destroyed && socket.writable) return socket.ref()
    }
    return open(options, callback)
  }
  return (url, count) => {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
    const port = Number(url.port || (secure ? 443 : 80))
    const sockets = stash.get(keyOf(host, port)) ?? []
    stash.set(keyOf(host, port), sockets)
    for (let i = 0; i < count; i++) {
      const socket = open(warmOptions(agent, host, port))
      // A warm socket that fails is simply passed over when a request comes.
      socket.on('error', () => socket.destroy())
      socket.unref()
      sockets.push(socket)
    }
  }
}

export interface CallOptions {
  /** Replaces the transport's timeoutMs for one call. */
  timeoutMs?: number
  /** What is left of the run's time budget: the call's timeout is cut to it. */
  budgetMs?: number
}

export interface TransportOptions {
  /** The deadline of one request: connecting, sending, waiting and reading the whole answer. */
  timeoutMs: number
  /** Connections per host; the provisioning pool never runs more requests at once. */
  maxSockets: number
  userAgent: string
}

export class Transport {
  private readonly routes = new Map<string, Promise<Route>>()
  private readonly disposers: (() => void)[] = []
  private closed = false
  /** Connections opened so far, for the debug log and the benchmark. */
  connections = 0

  constructor(private readonly options: TransportOptions) {
    checkTimeout(options.timeoutMs)
  }

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
    const warm = warmable(agent, secure, fn => this.disposers.push(fn))
    this.disposers.push(() => agent.destroy())
    return { request: mod.request as Requester, agent, warm }
  }

  /**
   * Opens `count` connections to url's host now, for requests that will need them soon: the
   * TCP and TLS handshakes then overlap with other work (a token exchange, a first read).
   * Connections through a proxy are opened as requests need them.
   */
  async preconnect(url: URL, count: number): Promise<void> {
    const route = await this.route(url)
    // A run that failed early may have closed the transport while the route was loading.
    if (!this.closed) route.warm?.(url, count)
  }

  /** The deadline runs from this call: loading node:https or the proxy tunnel counts against it. */
  async request(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: string,
    options: CallOptions = {}
  ): Promise<HttpResponse> {
    const timeoutMs = checkTimeout(
      Math.min(options.timeoutMs ?? this.options.timeoutMs, options.budgetMs ?? Infinity)
    )
    const deadline = monotonicMs() + timeoutMs
    const route = await this.route(url)
    return this.exchange(route, method, url, headers, body, {
      timeoutMs,
      leftMs: Math.max(0, deadline - monotonicMs())
    })
  }

  private exchange(
    { request, agent }: Route,
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: string,
    { timeoutMs, leftMs }: { timeoutMs: number; leftMs: number }
  ): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false
      let socket: Socket | undefined
      const settle = (): boolean => {
        if (settled) return false
        settled = true
        clearTimeout(timer)
        return true
      }
      const sentSoFar = () => socket !== undefined && established.has(socket)
      const fail = (err: NodeJS.ErrnoException): void => {
        if (settle()) reject(describe(err, url, timeoutMs, sentSoFar()))
      }
      const overflow = (size?: number): void => {
        if (settle()) reject(tooLarge(method, url, sentSoFar(), size))
      }
      const fullHeaders = {
        ...headers,
        'User-Agent': this.options.userAgent,
        ...(body ? { 'Content-Length': String(Buffer.byteLength(body)) } : {})
      }
      const req = request(
        {
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method,
          agent,
          headers: fullHeaders
        },
        res =>
          readAnswer(res, fail, overflow, answer => {
            if (settle()) resolve(answer)
          })
      )
      req.on('socket', (s: Socket) => {
        socket = s
        watchSocket(s)
        if (!req.reusedSocket) this.connections++
      })
      // Stays attached after settling: a destroyed request may still report errors.
      req.on('error', fail)
      // Created after the request: Node reports nothing before request() returns, so no path
      // can settle before the timer exists.
      const timer = setTimeout(() => {
        fail(Object.assign(new Error('timeout'), { code: 'TIMEOUT' }))
        req.destroy()
      }, leftMs)
      req.end(body || undefined)
    })
  }

  close(): void {
    this.closed = true
    for (const dispose of this.disposers.splice(0)) dispose()
    this.routes.clear()
  }
}
