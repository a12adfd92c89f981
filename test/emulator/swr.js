// The standard edition's organizations and repositories (/v2/manage/...), with the statuses and
// codes of docs/swr-service.md, and the variants of variants.js where those are unsettled.
import { randomBytes } from 'node:crypto'
import { randomKey } from './auth.js'
import {
  addNamespaceRecord,
  createInMissingOrganization,
  findRepository,
  newRepository,
  publicRepository,
  refuseOrganization,
  variant
} from './resources.js'
import { routesOf } from './router.js'
import { statusAndCode } from './variants.js'

const CATEGORIES = [
  'app_server',
  'linux',
  'framework_app',
  'database',
  'lang',
  'other',
  'windows',
  'arm'
]
const ORGANIZATION = /^[a-z][a-z0-9]*(?:(?:\.|-|_{1,2})[a-z0-9]+)*$/
const REPOSITORY = /^[a-z0-9]+(?:(?:\.|\/|-|_{1,2})[a-z0-9]+)*$/

const namespacesOf = (state, account) =>
  [...state.namespaces.values()].filter(n => n.owner === account)
const repositoriesOf = (state, account) =>
  [...state.repositories.values()].filter(r => r._owner === account)

function createNamespace(ctx, call) {
  const input = call.json()
  if (!input) return
  const name = input.value?.namespace
  if (typeof name !== 'string' || name.length > 64 || !ORGANIZATION.test(name))
    return call.error(400, 'SVCSTG.SWR.4001028')
  // Names are unique per region across all accounts, so another account's name answers 409 too.
  if (ctx.state.namespaces.has(name)) return call.error(409, 'SVCSTG.SWR.4090060')
  if (namespacesOf(ctx.state, call.account).length >= ctx.settings.namespaceQuota)
    return call.error(400, 'SVCSTG.SWR.4000097')
  addNamespaceRecord(ctx.state, name, call.account)
  return call.send(201, {})
}

function listNamespaces(ctx, call) {
  const filter = /^namespace::(.*)$/.exec(call.url.searchParams.get('filter') ?? '')?.[1]
  const namespaces = [...ctx.state.namespaces.entries()]
    .filter(([name, n]) => n.owner === call.account && (filter === undefined || name === filter))
    .map(([name, n]) => ({ id: n.id, name, creator_name: n.creator, auth: 7 }))
  return call.send(200, { namespaces })
}

function getNamespace(ctx, call) {
  const ns = call.params.namespace
  if (refuseOrganization(ctx, call, ns)) return
  const n = ctx.state.namespaces.get(ns)
  return call.send(200, { id: n.id, name: ns, creator_name: n.creator, auth: 7 })
}

function deleteNamespace(ctx, call) {
  const ns = call.params.namespace
  if (refuseOrganization(ctx, call, ns)) return
  if ([...ctx.state.repositories.values()].some(r => r._namespace === ns))
    return call.error(406, 'SVCSTG.SWR.4060074')
  ctx.state.namespaces.delete(ns)
  return call.send(204, undefined)
}

/** Answers 400 for settings SWR refuses and returns true; false when they are acceptable. */
function refuseSettings(call, input) {
  if (typeof input.is_public !== 'boolean') {
    call.error(400, 'SVCSTG.SWR.4001009', 'is_public is required and must be true or false')
    return true
  }
  if (input.category !== undefined && !CATEGORIES.includes(input.category)) {
    call.error(400, 'SVCSTG.SWR.4000014', `Invalid category ${input.category}`)
    return true
  }
  return false
}

function createRepository(ctx, call) {
  const ns = call.params.namespace
  const input = call.json()
  if (!input) return
  const v = input.value ?? {}
  if (
    typeof v.repository !== 'string' ||
    v.repository.length > 128 ||
    !REPOSITORY.test(v.repository)
  )
    return call.error(400, 'SVCSTG.SWR.4001029', 'Invalid repository name')
  if (refuseSettings(call, v)) return
  if (refuseOrganization(ctx, call, ns, createInMissingOrganization(ctx))) return
  const key = `${ns}/${v.repository}`
  if (ctx.state.repositories.has(key)) return call.error(409, 'SVCSTG.SWR.4090006')
  if (repositoriesOf(ctx.state, call.account).length >= ctx.settings.repositoryQuota) {
    const { status, code } = statusAndCode(variant(ctx, 'repositoryQuotaAnswer'))
    return call.error(status, code)
  }
  ctx.state.repositories.set(key, newRepository(ctx, ns, v.repository, call.account, v))
  return call.send(201, {})
}

function getRepository(ctx, call) {
  const found = findRepository(ctx, call)
  if (!found) return
  const shown = publicRepository(found.record)
  if (ctx.settings.sabotage === 'misreport')
    shown.category = shown.category === 'other' ? 'lang' : 'other'
  return call.send(200, shown)
}

function updateRepository(ctx, call) {
  const found = findRepository(ctx, call)
  if (!found) return
  const input = call.json()
  if (!input) return
  const v = input.value ?? {}
  if (refuseSettings(call, v)) return
  for (const field of ['is_public', 'category', 'description']) {
    if (v[field] !== undefined) found.record[field] = v[field]
  }
  found.record.updated = new Date().toISOString()
  return call.send(201, {})
}

/**
 * Deletes the repository with its images, retention, sharing and auto-sync rules (never the
 * organization). 204 as documented, or 200 (variant deleteRepoSuccess); a repository a test
 * marked refuseDelete answers that status and code instead.
 */
function deleteRepository(ctx, call) {
  const found = findRepository(ctx, call)
  if (!found) return
  const refused = found.record._refuseDelete
  if (refused !== undefined) {
    const { status, code } = statusAndCode(refused)
    return call.error(status, code, `The repository ${found.key} cannot be deleted now`)
  }
  if (found.record.num_images > 0 && variant(ctx, 'deleteRepoWithImages') === 'refuse-406') {
    const message = 'The repository cannot be deleted because it contains images'
    return call.error(406, 'SVCSTG.SWR.4060012', message)
  }
  for (const kept of ['repositories', 'retentions', 'sharing', 'syncRules'])
    ctx.state[kept].delete(found.key)
  return variant(ctx, 'deleteRepoSuccess') === '200'
    ? call.send(200, {})
    : call.send(204, undefined)
}

const listItem = (r, total) => ({
  name: r.name,
  category: r.category,
  description: r.description,
  is_public: r.is_public,
  path: r.path,
  internal_path: r.internal_path,
  num_images: r.num_images,
  size: r.size,
  namespace: r._namespace,
  created_at: r.created,
  updated_at: r.updated,
  tags: [],
  domain_name: r._owner.name,
  total_range: total
})

/** Fuzzy filters on namespace and name, paged by limit and offset, as the service does. */
function listRepositories(ctx, call) {
  const q = call.url.searchParams
  const limit = q.has('limit') ? Number(q.get('limit')) : 100
  const offset = q.has('offset') ? Number(q.get('offset')) : 0
  if (
    !Number.isInteger(limit) ||
    limit < 1 ||
    limit > 1000 ||
    !Number.isInteger(offset) ||
    offset < 0
  )
    return call.error(400, 'SVCSTG.SWR.4000056', 'Invalid page size')
  const ns = q.get('namespace') ?? ''
  const name = (q.get('name') ?? '').replace(/\$/g, '/')
  const all = repositoriesOf(ctx.state, call.account).filter(
    r => r._namespace.includes(ns) && r.name.includes(name)
  )
  const page = all.slice(offset, offset + limit).map(r => listItem(r, all.length))
  return call.send(200, page, { 'Content-Range': `${offset}-${page.length}/${all.length}` })
}

function temporaryLogin(ctx, call) {
  const project = call.url.searchParams.get('projectname')
  if (project !== null && project !== ctx.region)
    return call.error(400, 'SVCSTG.SWR.4000014', `Unknown projectname ${project}`)
  const username = `${ctx.region}@${randomKey('TMPLOGIN', 20)}`
  const password = randomBytes(32).toString('hex')
  const auth = Buffer.from(`${username}:${password}`).toString('base64')
  // X-Swr-Expireat: ISO 8601 UTC with microseconds, the form a live answer was reported in
  // (docs/swr-service.md, "Docker login"); the login lasts settings.dockerLoginLifetimeMs.
  const expires = new Date(Date.now() + ctx.settings.dockerLoginLifetimeMs)
  const headers = {
    'X-Swr-Dockerlogin': `docker login -u ${username} -p ${password} ${ctx.registry}`,
    'X-Swr-Expireat': expires.toISOString().replace(/Z$/, '000Z')
  }
  return call.send(200, { auths: { [ctx.registry]: { auth } } }, headers)
}

const NS = '/v2/manage/namespaces/{namespace}'
const REPO = `${NS}/repos/{repository}`

export const swrRoutes = ctx =>
  routesOf(ctx, [
    ['POST', '/v2/manage/namespaces', createNamespace],
    ['GET', '/v2/manage/namespaces', listNamespaces],
    ['GET', NS, getNamespace],
    ['DELETE', NS, deleteNamespace],
    ['POST', `${NS}/repos`, createRepository],
    ['GET', REPO, getRepository],
    ['PATCH', REPO, updateRepository],
    ['DELETE', REPO, deleteRepository],
    ['GET', '/v2/manage/repos', listRepositories],
    ['POST', '/v2/manage/utils/secret', temporaryLogin]
  ])
