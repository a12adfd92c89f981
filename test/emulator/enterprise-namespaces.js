// An Enterprise Edition instance's namespaces (Harbor's projects: they hold the visibility, as
// the string "true" or "false") and repositories, which no call creates: a push makes them
// (emulator.push), and the API then reads them and sets their description.
import { answerMissing, instanceRoutes, pageOf, readBody, repositoryParam } from './enterprise.js'
import { variant } from './resources.js'

// 1-64 of [a-z0-9._-], starting and ending with a letter or digit, no two of . _ - adjacent.
const NAMESPACE = /^[a-z0-9](?:[a-z0-9]|[._-](?=[a-z0-9]))*$/
const REPOSITORY = /^[a-z0-9]+(?:(?:\.|\/|-|_{1,2})[a-z0-9]+)*$/
const BOOLEAN = ['true', 'false']
const METADATA = {
  public: BOOLEAN,
  auto_scan: BOOLEAN,
  prevent_vul: BOOLEAN,
  severity: ['none', 'low', 'medium', 'high', 'critical']
}

const now = () => new Date().toISOString()

export const validNamespaceName = name =>
  typeof name === 'string' && name.length <= 64 && NAMESPACE.test(name)

/** What is wrong with a metadata object, or undefined; every value is a string of its list. */
export function metadataProblem(metadata, creating) {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    return 'metadata must be an object'
  if (creating && metadata.public === undefined) return 'metadata.public is required'
  for (const [key, value] of Object.entries(metadata)) {
    const allowed = METADATA[key]
    if (!allowed) return `Unknown metadata ${key}`
    if (!allowed.includes(value))
      return `metadata.${key} must be one of the strings ${allowed.map(v => `"${v}"`).join(', ')}`
  }
  return undefined
}

export function addNamespace(data, name, metadata) {
  const created = now()
  const record = { namespace_id: data.nextId++, metadata: { ...metadata }, created_at: created }
  record.updated_at = created
  data.namespaces.set(name, record)
  return record
}

const repositoriesIn = (data, ns) =>
  [...data.repositories.values()].filter(repository => repository.namespace_name === ns)

const namespaceView = (data, name) => {
  const record = data.namespaces.get(name)
  return {
    name,
    namespace_id: record.namespace_id,
    metadata: { ...record.metadata },
    created_at: record.created_at,
    updated_at: record.updated_at,
    repo_count: repositoriesIn(data, name).length
  }
}

/** The namespace the path names, or undefined once answered that it does not exist. */
export function namespaceOf(ctx, call, data) {
  const name = call.params.namespace
  if (data.namespaces.has(name)) return name
  answerMissing(ctx, call, 'namespace', name)
  return undefined
}

function createNamespace(ctx, call, data) {
  const body = readBody(call)
  if (!body) return
  const name = body.namespace_name
  if (!validNamespaceName(name)) return call.error(400, 'SWR.400001', `Invalid namespace ${name}`)
  const problem = metadataProblem(body.metadata, true)
  if (problem) return call.error(400, 'SWR.400001', problem)
  if (data.namespaces.has(name)) {
    const status = variant(ctx, 'eeNamespaceDuplicate')
    const code = status === '409' ? 'SWR.409001' : 'SWR.400007'
    return call.error(Number(status), code, `The namespace ${name} already exists`)
  }
  return call.send(201, { id: addNamespace(data, name, body.metadata).namespace_id })
}

function showNamespace(ctx, call, data) {
  const name = namespaceOf(ctx, call, data)
  if (name) call.send(200, namespaceView(data, name))
}

function updateNamespace(ctx, call, data) {
  const name = namespaceOf(ctx, call, data)
  if (!name) return
  const body = readBody(call)
  if (!body) return
  const problem = metadataProblem(body.metadata, false)
  if (problem) return call.error(400, 'SWR.400001', problem)
  const record = data.namespaces.get(name)
  Object.assign(record.metadata, body.metadata)
  record.updated_at = now()
  return call.send(Number(variant(ctx, 'eeNamespacePut')), undefined)
}

function listNamespaces(ctx, call, data) {
  const query = call.url.searchParams
  const name = query.get('name')
  const visibility = query.get('public')
  const all = [...data.namespaces.keys()]
    .filter(ns => name === null || ns.includes(name))
    .filter(ns => visibility === null || data.namespaces.get(ns).metadata.public === visibility)
    .map(ns => namespaceView(data, ns))
  const page = pageOf(call, all)
  if (page) call.send(200, { namespaces: page, total: all.length })
}

export const publicRepository = record =>
  Object.fromEntries(Object.entries(record).filter(([key]) => !key.startsWith('_')))

/** The repository a push makes, or the one it adds an artifact to. */
export function pushRepository(data, ns, name) {
  if (!data.namespaces.has(ns)) throw new Error(`push: no namespace ${ns} in ${data.record.id}`)
  if (name.length > 255 || !REPOSITORY.test(name)) throw new Error(`push: bad repository ${name}`)
  const key = `${ns}/${name}`
  const time = now()
  const record = data.repositories.get(key) ?? {
    id: data.nextId++,
    name,
    namespace_name: ns,
    namespace_id: data.namespaces.get(ns).namespace_id,
    description: '',
    tag_count: 0,
    artifact_count: 0,
    pull_count: 0,
    created_at: time,
    updated_at: time
  }
  record.tag_count += 1
  record.artifact_count += 1
  record.updated_at = time
  data.repositories.set(key, record)
  return record
}

/** The repository the path names (its name decoded twice); undefined once answered. */
function repositoryOf(ctx, call, data) {
  const ns = namespaceOf(ctx, call, data)
  if (!ns) return undefined
  const name = repositoryParam(call)
  if (name === undefined) return undefined
  const record = data.repositories.get(`${ns}/${name}`)
  if (!record) answerMissing(ctx, call, 'repository', `${ns}/${name}`)
  return record
}

function showRepository(ctx, call, data) {
  const record = repositoryOf(ctx, call, data)
  if (record) call.send(200, publicRepository(record))
}

function updateRepository(ctx, call, data) {
  const record = repositoryOf(ctx, call, data)
  if (!record) return
  const body = readBody(call)
  if (!body) return
  if (typeof body.description !== 'string')
    return call.error(400, 'SWR.400001', 'description must be a string')
  record.description = body.description
  record.updated_at = now()
  return call.send(200, undefined)
}

/** Whether a doublestar repository pattern, as the action or the console writes it, names `name`. */
function scopeNames(pattern, name) {
  if (pattern === '**') return true
  const alternation = /^\{([^{}]*)\}$/.exec(pattern)
  if (alternation) return alternation[1].split(',').includes(name)
  // "*" within a segment, as doublestar reads it.
  const source = pattern.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')
  return new RegExp(`^${source}$`).test(name)
}

/** Whether an enabled immutable tag rule of the namespace scopes the repository. */
const keptImmutable = (data, record) =>
  record.tag_count > 0 &&
  [...data.immutableRules.values()].some(
    rule =>
      rule.namespace_name === record.namespace_name &&
      !rule.disabled &&
      (rule.scope_selectors?.repository ?? []).some(
        s => s.decoration === 'repoMatches' && scopeNames(s.pattern, record.name)
      )
  )

/**
 * Deletes the repository with its artifacts (never the namespace): 200, as Harbor answers, or
 * 204 (variant eeRepoDelete). One that an enabled immutable tag rule keeps, with tags, is
 * refused: 412 (Harbor's PRECONDITION) or 400 (variant eeImmutableDelete); no source shows
 * the instance's own answer.
 */
function deleteRepository(ctx, call, data) {
  const record = repositoryOf(ctx, call, data)
  if (!record) return
  if (keptImmutable(data, record)) {
    const status = Number(variant(ctx, 'eeImmutableDelete'))
    const code = status === 412 ? 'SWR.412001' : 'SWR.400007'
    return call.error(status, code, `The repository ${record.name} has immutable tags`)
  }
  data.repositories.delete(`${record.namespace_name}/${record.name}`)
  return variant(ctx, 'eeRepoDelete') === '204' ? call.send(204, undefined) : call.send(200, {})
}

function listRepositories(ctx, call, data) {
  const ns = namespaceOf(ctx, call, data)
  if (!ns) return
  const name = call.url.searchParams.get('name')
  const all = repositoriesIn(data, ns)
    .filter(record => name === null || record.name.includes(name))
    .map(publicRepository)
  const page = pageOf(call, all)
  if (page) call.send(200, { repositories: page, total: all.length })
}

export const namespaceRoutes = ctx =>
  instanceRoutes(ctx, [
    ['POST', '/namespaces', createNamespace],
    ['GET', '/namespaces', listNamespaces],
    ['GET', '/namespaces/{namespace}', showNamespace],
    ['PUT', '/namespaces/{namespace}', updateNamespace],
    ['GET', '/namespaces/{namespace}/repositories', listRepositories],
    ['GET', '/namespaces/{namespace}/repositories/{repository}', showRepository],
    ['PUT', '/namespaces/{namespace}/repositories/{repository}', updateRepository],
    ['DELETE', '/namespaces/{namespace}/repositories/{repository}', deleteRepository]
  ])
