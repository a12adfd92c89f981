// Deletes throwaway SWR resources: the e2e workflow's clean-up, run with `if: always()`.
//   node scripts/cleanup-swr.mjs [--keep-organization] NAMESPACE [REPOSITORY...]
// Deletes each REPOSITORY of NAMESPACE (its retention policies first), then the organization
// itself unless --keep-organization. Something already gone counts as deleted, so the step may
// run whether or not the steps before it created anything; every deletion is tried, then the
// exit code is 1 if any failed.
// Keys and region come from HUAWEI_CLOUD_ACCESS_KEY_ID, HUAWEI_CLOUD_SECRET_ACCESS_KEY, the
// optional HUAWEI_CLOUD_SECURITY_TOKEN and HUAWEI_CLOUD_REGION; SWR_ENDPOINT overrides the API
// base URL. Requests are signed by the official SDK's signer, so this script and probe-swr.mjs
// (which imports it) share no code with the action they check and clean up after.
import { realpathSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { pathToFileURL } from 'node:url'
import sdkSigner from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js'

const TIMEOUT_MS = 30_000
const RETRIES = 4

/** A mistake in the command line or the environment: exit code 2. */
export class UsageError extends Error {}

/**
 * The error code of a parsed body in any shape SWR answers with (docs/swr-service.md): the
 * top-level error_code, then errors[0].errorCode, then errorCode, then a bare array.
 */
export function errorCodeOf(body) {
  if (Array.isArray(body)) return errorCodeOf(body[0])
  if (typeof body !== 'object' || body === null) return undefined
  const text = value => (typeof value === 'string' && value !== '' ? value : undefined)
  const first = Array.isArray(body.errors) ? body.errors[0] : undefined
  return text(body.error_code) ?? text(first?.errorCode) ?? text(body.errorCode)
}

/** "HTTP 404 SVCSTG.SWR.4040058", or "HTTP 201" for an answer without an error code. */
export const describe = answer => `HTTP ${answer.status}${answer.code ? ` ${answer.code}` : ''}`

export const succeeded = answer => answer.status >= 200 && answer.status < 300

/** Throttling, busy and server trouble: answers that asking again may change. */
export const transient = answer =>
  answer.status >= 500 ||
  answer.status === 429 ||
  ['SVCSTG.SWR.4090023', 'SVCSTG.SWR.4031032', 'SVCSTG.SWR.4031042', 'APIGW.0308'].includes(
    answer.code
  )

function answerOf(res, text) {
  let body = text
  try {
    body = JSON.parse(text)
  } catch {
    // Not JSON (an empty body, a proxy's HTML page): kept as text.
  }
  const requestId = res.headers['x-request-id']
  return { status: res.statusCode, code: errorCodeOf(body), body, requestId }
}

function send(base, keys, method, path, body) {
  const url = new URL(`${base}${path}`)
  const text = body === undefined ? undefined : JSON.stringify(body)
  const headers = { 'Content-Type': 'application/json;charset=utf-8' }
  if (keys.token) headers['X-Security-Token'] = keys.token
  const signed = sdkSigner.AKSKSigner.sign(
    { endpoint: `${url.origin}${url.pathname}`, method, headers, queryParams: {}, data: body },
    { getAk: () => keys.ak, getSk: () => keys.sk }
  )
  if (text !== undefined) signed['Content-Length'] = Buffer.byteLength(text)
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(
      url,
      { method, headers: signed, agent: false },
      res => {
        const chunks = []
        res.on('data', chunk => chunks.push(chunk))
        res.on('end', () => resolve(answerOf(res, Buffer.concat(chunks).toString('utf8'))))
        res.on('error', reject)
      }
    )
    req.on('error', reject)
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)))
    req.end(text)
  })
}

/**
 * A signed-request client from the environment: request(method, path, body) resolves to
 * { status, code, body, requestId } whatever the status, and rejects only when no answer came.
 */
export function swrFromEnv(env = process.env) {
  const keys = {
    ak: env.HUAWEI_CLOUD_ACCESS_KEY_ID,
    sk: env.HUAWEI_CLOUD_SECRET_ACCESS_KEY,
    token: env.HUAWEI_CLOUD_SECURITY_TOKEN || undefined
  }
  const region = env.HUAWEI_CLOUD_REGION
  if (!keys.ak || !keys.sk)
    throw new UsageError('HUAWEI_CLOUD_ACCESS_KEY_ID and HUAWEI_CLOUD_SECRET_ACCESS_KEY are needed')
  if (!region && !env.SWR_ENDPOINT) throw new UsageError('HUAWEI_CLOUD_REGION is needed')
  const domain = region === 'eu-west-101' ? 'myhuaweicloud.eu' : 'myhuaweicloud.com'
  const base = (env.SWR_ENDPOINT || `https://swr-api.${region}.${domain}`).replace(/\/+$/, '')
  // Tests shorten the waits; on the real cloud they give SWR time to show what just changed.
  const retryBaseMs = Number(env.SWR_SCRIPT_RETRY_BASE_MS || 500)
  return {
    base,
    retryBaseMs,
    request: (method, path, body) => send(base, keys, method, path, body)
  }
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

/**
 * Sends what `attempt` sends until `again(answer)` is false, waiting 1, 2, 4 and 8 times the
 * retry base in between; a request that got no answer counts as one to try again.
 */
export async function retrying(swr, attempt, again) {
  for (let i = 0; ; i++) {
    let answer
    try {
      answer = await attempt()
    } catch (error) {
      if (i >= RETRIES) throw error
    }
    if (answer !== undefined && (i >= RETRIES || !again(answer))) return answer
    await sleep(swr.retryBaseMs * 2 ** i)
  }
}

/** The policies of a retention list: a bare array, or the first array of an object. */
export function policiesIn(body) {
  if (Array.isArray(body)) return body
  if (typeof body !== 'object' || body === null) return []
  return Object.values(body).find(value => Array.isArray(value)) ?? []
}

// SWR's own 404 means gone; the API gateway's (APIGW.0101) means a wrong endpoint, not gone.
const gone = answer =>
  (answer.status === 404 && !answer.code?.startsWith('APIGW.')) ||
  answer.code === 'SVCSTG.SWR.4000306'

/** Deletes one thing: { what, result: 'deleted' | 'already gone' | 'failed', detail? }. */
async function remove(swr, what, path, settling = () => false) {
  try {
    const answer = await retrying(
      swr,
      () => swr.request('DELETE', path),
      a => transient(a) || settling(a)
    )
    if (succeeded(answer)) return { what, result: 'deleted' }
    if (gone(answer)) return { what, result: 'already gone' }
    return { what, result: 'failed', detail: describe(answer) }
  } catch (error) {
    return { what, result: 'failed', detail: error.message }
  }
}

export const repositoryPath = (namespace, repository) =>
  `/v2/manage/namespaces/${namespace}/repos/${repository.replaceAll('/', '$')}`

/** Deletes a repository's retention policies, then the repository. */
export async function removeRepository(swr, namespace, repository) {
  const path = repositoryPath(namespace, repository)
  const results = []
  try {
    const list = await retrying(swr, () => swr.request('GET', `${path}/retentions`), transient)
    for (const policy of succeeded(list) ? policiesIn(list.body) : []) {
      const what = `retention policy ${policy.id} of ${namespace}/${repository}`
      results.push(await remove(swr, what, `${path}/retentions/${policy.id}`))
    }
  } catch {
    // The repository's deletion below takes its policies with it, or reports why it could not.
  }
  results.push(await remove(swr, `repository ${namespace}/${repository}`, path))
  return results
}

/**
 * Deletes the repositories of an organization, then (unless keepOrganization) the organization,
 * which SWR may still find not empty (406 4060074) for a moment after its last repository went.
 * An organization justCreated may not show yet either: its 404 is tried again before it counts
 * as gone, or a name made by mistake would outlive the run.
 */
export async function cleanUp(swr, namespace, repositories, options = {}) {
  const results = []
  for (const repository of repositories)
    results.push(...(await removeRepository(swr, namespace, repository)))
  if (!options.keepOrganization) {
    const settling = answer =>
      answer.code === 'SVCSTG.SWR.4060074' || (options.justCreated === true && gone(answer))
    const path = `/v2/manage/namespaces/${namespace}`
    results.push(await remove(swr, `organization ${namespace}`, path, settling))
  }
  return results
}

/** Prints each result (failures on stderr) and returns whether all went well. */
export function report(results) {
  for (const { what, result, detail } of results) {
    if (result === 'deleted') console.log(`deleted ${what}`)
    else if (result === 'already gone') console.log(`${what} was already gone`)
    else console.error(`could not delete ${what}: ${detail}`)
  }
  return results.every(r => r.result !== 'failed')
}

async function main(args) {
  const keepOrganization = args[0] === '--keep-organization'
  const [namespace, ...repositories] = keepOrganization ? args.slice(1) : args
  if (!namespace || namespace.startsWith('-'))
    throw new UsageError(
      'usage: node scripts/cleanup-swr.mjs [--keep-organization] NAMESPACE [REPOSITORY...]'
    )
  const results = await cleanUp(swrFromEnv(), namespace, repositories, { keepOrganization })
  return report(results) ? 0 : 1
}

const invoked = process.argv[1] && pathToFileURL(realpathSync(process.argv[1])).href
if (invoked === import.meta.url) {
  main(process.argv.slice(2)).then(
    code => (process.exitCode = code),
    error => {
      console.error(error.message)
      process.exitCode = error instanceof UsageError ? 2 : 1
    }
  )
}
