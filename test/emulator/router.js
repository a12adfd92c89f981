// Routes by method and path template, as the API gateway publishes them. A route module is a
// function of the emulator's context returning a list of routes:
//   { method: 'GET', path: '/v2/manage/namespaces/{namespace}', handle(call), auth?: false }
// Path parameters arrive decoded in call.params. Routes with `auth: false` (IAM, GitHub's token
// endpoint) skip the SWR authentication and the write checks. For routes with `slashFree: true`
// (Enterprise Edition) the gateway decodes the path before routing, so a parameter sent with
// %2F is one more path segment: no API, whatever the signature. A handler made with routesOf gets
// the context of the region the request went to (call.scope: its state, registry and name).
import { send, swrError } from './answers.js'

function compile(template) {
  const names = []
  const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name) => {
    names.push(name)
    return '([^/]+)'
  })
  return { regex: new RegExp(`^${source}$`), names }
}

function decode(segment) {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

export function createRouter() {
  const routes = []
  return {
    /** Adds the routes of a module; the first route that matches a request wins. */
    add(list) {
      for (const route of list) routes.push({ ...route, ...compile(route.path) })
    },
    /** { route, params }, or undefined when no published API has this method and path. */
    match(method, pathname) {
      for (const route of routes) {
        if (route.method !== method) continue
        const m = route.regex.exec(pathname)
        if (!m) continue
        const values = m.slice(1).map(decode)
        if (values.includes(undefined)) continue
        if (route.slashFree && values.some(value => value.includes('/'))) continue
        return { route, params: Object.fromEntries(route.names.map((n, i) => [n, values[i]])) }
      }
      return undefined
    }
  }
}

/** Routes from [method, path, handler] rows; each handler is called as handler(ctx, call). */
export const routesOf = (ctx, rows) =>
  rows.map(([method, path, handler]) => ({
    method,
    path,
    handle: call => handler(call.scope ?? ctx, call)
  }))

/** What a route handler gets: the request, its decoded parts, and ways to answer. */
export function createCall({ req, res, url, body, params, settings, scope }) {
  return {
    req,
    scope,
    res,
    url,
    body,
    params,
    method: req.method,
    account: undefined,
    send: (status, answer, headers) => send(res, status, answer, headers),
    error: (status, code, message) => swrError(res, settings.errorShape, status, code, message),
    /** { value } of the JSON body, or undefined once a 400 has been answered. */
    json() {
      try {
        return { value: JSON.parse(body) }
      } catch {
        this.error(400, 'SVCSTG.SWR.4000014', 'Invalid request body: not JSON')
        return undefined
      }
    }
  }
}
