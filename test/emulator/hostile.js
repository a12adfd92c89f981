// A hostile SWR: answers whose text tries to act on the runner, answers far too large to hold,
// and answers about something else than what was asked. Each is a fault kind (faults.js), so
// that a test aims it at the requests it means (method, path, times; `times: Infinity` and no
// path make it the emulator's mode for every request):
//
// - 'inject': the request is carried out, then HOSTILE_TEXT is appended to every string field
//   of the JSON answer named in `fields` (any depth, list items included; FIELDS by default),
//   and each header named in `headers` is set to HOSTILE_HEADER (header values cannot hold a
//   line break: Node refuses to send one).
// - 'rewrite': the request is carried out, then `patch` is merged into the answered object (into
//   each item of a list answer): another repository's record, another organization's name.
// - 'oversize': `status` (200) with a body of `bytes` (200 MiB) of valid JSON, streamed in
//   chunks as the client reads them (never held whole), with Content-Length when
//   `contentLength` is true (the default) and chunked otherwise.
import { captureResponse, codeIn, requestId } from './answers.js'

/** Text that, printed raw, would split an output and start workflow commands and markup. */
export const HOSTILE_TEXT =
  '\n::stop-commands::hostile-token\r::add-mask::hostile-mask\n##[add-mask]old-form\n' +
  '::error title=Injected::annotation from the service\n' +
  '<img src=x onerror=alert(1)> <script>alert(2)</script> **bold** _em_ [link](https://attacker.example) ' +
  '| pipe | `tick` ![image](https://attacker.example/i.png) %0A::warning::percent-encoded'

/** The same intent in a header value: one line. */
export const HOSTILE_HEADER = 'id ::stop-commands::hostile-header ##[add-mask]old-form <b>x</b>'

/** The string fields every SWR and Enterprise Edition answer may carry, by name. */
export const FIELDS = Object.freeze([
  'path',
  'internal_path',
  'name',
  'namespace',
  'namespace_name',
  'description',
  'category',
  'creator_name',
  'error_msg',
  'errorMessage',
  'detail',
  'error_code',
  'errorCode',
  'access_address',
  'status',
  'expire_date',
  'access_domain',
  'remoteNamespace'
])

function inject(value, fields) {
  if (Array.isArray(value)) return value.map(item => inject(item, fields))
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      typeof v === 'string' && fields.includes(key) ? v + HOSTILE_TEXT : inject(v, fields)
    ])
  )
}

function patched(value, patch) {
  if (Array.isArray(value)) return value.map(item => patched(item, patch))
  if (typeof value !== 'object' || value === null) return value
  return { ...value, ...patch }
}

function parse(buffer) {
  try {
    return { json: JSON.parse(buffer.toString('utf8')) }
  } catch {
    return undefined
  }
}

/** Carries the request out, then answers with its JSON body (and headers) changed. */
async function rewritten(fault, res, carryOut, change) {
  const answer = captureResponse()
  const outcome = await carryOut(answer)
  const parsed = parse(answer.body)
  const body = parsed ? Buffer.from(JSON.stringify(change(parsed.json))) : answer.body
  const headers = { ...answer.headers, 'Content-Length': body.length }
  for (const name of fault.headers ?? []) {
    for (const key of Object.keys(headers)) if (key.toLowerCase() === name) delete headers[key]
    headers[name] = HOSTILE_HEADER
  }
  res.writeHead(answer.statusCode, headers)
  res.end(body)
  return { ...outcome, code: outcome.code ?? (parsed ? codeIn(parsed.json) : undefined) }
}

/** Streams `bytes` of JSON ({"items":["xxxx…"]}) without holding it, as the client reads. */
function oversize(fault, req, res) {
  const status = fault.status ?? 200
  const total = fault.bytes ?? 200 * 1024 * 1024
  const head = Buffer.from('{"items":["')
  const tail = Buffer.from('"]}')
  const chunk = Buffer.alloc(64 * 1024, 'x')
  const headers = { 'Content-Type': 'application/json;charset=utf-8', 'X-Request-Id': requestId() }
  if (fault.contentLength !== false) headers['Content-Length'] = total
  res.writeHead(status, headers)
  let left = total - head.length - tail.length
  res.write(head)
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      const part = left >= chunk.length ? chunk : chunk.subarray(0, left)
      left -= part.length
      if (!res.write(part)) return void res.once('drain', pump)
    }
    if (!res.destroyed) res.end(tail)
  }
  res.on('close', () => (left = 0))
  req.socket.on('close', () => (left = 0))
  pump()
  return { status, code: undefined }
}

/** Answers a request with a hostile fault, or returns undefined for any other kind. */
export function answerHostile(fault, req, res, carryOut) {
  switch (fault.kind) {
    case 'inject':
      return rewritten(fault, res, carryOut, json => inject(json, fault.fields ?? FIELDS))
    case 'rewrite':
      return rewritten(fault, res, carryOut, json => patched(json, fault.patch ?? {}))
    case 'oversize':
      return oversize(fault, req, res)
    default:
      return undefined
  }
}
