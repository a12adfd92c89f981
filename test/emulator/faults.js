// Faults injected into the next matching requests: what networks, gateways and the service do
// on a bad day. Each kind answers the request its own way and returns what the request log
// shows: { status, code }.
import { captureResponse, codeIn, send } from './answers.js'
import { answerHostile } from './hostile.js'

const TRUNCATED = '{"name":"app","is_public":false,"category":"other","path":"swr.example/x"}'
const BAD_GATEWAY =
  '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>'

export function createFaults() {
  const faults = []
  return {
    list: faults,
    inject(fault) {
      faults.push({ times: 1, ...fault })
    },
    clear() {
      faults.length = 0
    },
    /**
     * Takes one use of the first fault matching the request (method, path, and `query`: a
     * RegExp tested on the query string, "?" included), or returns undefined.
     */
    take(method, pathname, search = '') {
      const index = faults.findIndex(
        f =>
          (f.method === undefined || f.method === method) &&
          (f.path === undefined ||
            (f.path instanceof RegExp ? f.path.test(pathname) : f.path === pathname)) &&
          (f.query === undefined || f.query.test(search))
      )
      if (index < 0) return undefined
      const fault = faults[index]
      fault.times = (fault.times ?? 1) - 1
      if (fault.times <= 0) faults.splice(index, 1)
      return fault
    }
  }
}

const textOf = body =>
  body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)

function parsedCode(body) {
  if (typeof body !== 'string') return codeIn(body)
  try {
    return codeIn(JSON.parse(body))
  } catch {
    return undefined
  }
}

/**
 * Status line and headers at once, then the body a byte every intervalMs (the answer the
 * request really gets, or the fault's own status and body), until done or the client leaves.
 */
async function drip(fault, res, carryOut) {
  let answer, outcome
  if (fault.status === undefined) {
    answer = captureResponse()
    outcome = await carryOut(answer)
  } else {
    const body = Buffer.from(textOf(fault.body ?? {}))
    const headers = { 'Content-Type': 'application/json', 'Content-Length': body.length }
    answer = { statusCode: fault.status, headers, body }
    outcome = { status: fault.status, code: parsedCode(fault.body) }
  }
  const { body } = answer
  res.writeHead(answer.statusCode, { ...answer.headers, ...fault.headers })
  res.flushHeaders()
  let sent = 0
  const timer = setInterval(() => {
    if (sent < body.length) res.write(body.subarray(sent, ++sent))
    if (sent >= body.length) {
      clearInterval(timer)
      res.end()
    }
  }, fault.intervalMs ?? 1000)
  res.on('close', () => clearInterval(timer))
  return outcome
}

/**
 * Answers a request as `fault` says. `carryOut(res)` runs the request for real against `res`
 * and resolves to { status, code }. Kinds: 'status' (status, body, headers), 'html', 'empty',
 * 'truncate', 'reset', 'hang', 'lose-answer', 'overtaken', 'drip' (intervalMs; status and body
 * optional); and hostile.js's 'inject', 'rewrite' and 'oversize'.
 */
export async function answerWithFault(fault, req, res, carryOut) {
  switch (fault.kind) {
    case 'reset':
      req.socket.destroy()
      return { status: 'reset' }
    case 'hang':
      return { status: 'hang' }
    case 'lose-answer': {
      // Carried out in full, then the connection drops before a byte of the answer leaves.
      const outcome = await carryOut(captureResponse())
      req.socket.destroy()
      return outcome
    }
    case 'overtaken':
      // Another caller's same request got there first (a concurrent run's DELETE): it is
      // carried out, then this one is, and answered as the service answers it (e.g. 404).
      await carryOut(captureResponse())
      return carryOut(res)
    case 'drip':
      return drip(fault, res, carryOut)
    case 'truncate': {
      const text = fault.body ?? TRUNCATED
      res.writeHead(fault.status ?? 200, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(text)
      })
      res.write(text.slice(0, Math.floor(text.length / 2)))
      setImmediate(() => req.socket.destroy())
      return { status: 'truncate' }
    }
    case 'html':
      return {
        status: send(res, fault.status ?? 502, fault.body ?? BAD_GATEWAY, {
          'Content-Type': 'text/html'
        })
      }
    case 'empty':
      return { status: send(res, fault.status ?? 200, '') }
    case 'status':
      return {
        status: send(res, fault.status ?? 500, fault.body ?? {}, fault.headers ?? {}),
        code: parsedCode(fault.body)
      }
    default: {
      const hostile = answerHostile(fault, req, res, carryOut)
      if (hostile === undefined) throw new Error(`unknown fault kind ${fault.kind}`)
      return hostile
    }
  }
}
