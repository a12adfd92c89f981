// SWR Enterprise Edition: instances (dedicated registries) in an account's project of a region,
// their namespaces, the repositories pushes make, and temporary docker logins, under
// /v2/{project_id}/instances/{instance_id}, as the official Go SDK (services/swr/v2: request
// definitions and models) and the Terraform provider's swr_enterprise_* resources show them.
// Retention policies and immutable tag rules are in enterprise-policies.js.
//
// Choices where no source settles the answer (the variants of variants.js aside):
// - Errors always come as {"error_code","error_msg"}, whatever `errorShape` says; the codes
//   are the emulator's own except SWR.400003 (a missing retention policy, from the Terraform
//   provider), so the action must go by the status.
// - Every call checks, in this order: X-Project-Id present and equal to the path's project
//   (else 400 SWR.400002); the project is the caller's, in the region the request went to
//   (else 403 SWR.403001); the instance is in that project (else 404 SWR.404001); the instance
//   is Running (else 409 SWR.409002 naming the instance and its status), except showing it.
// - A repository name arrives URL-encoded twice ("team%252Fapp" is team/app); encoded once
//   ("team%2Fapp") the gateway sees one more path segment, a path that is no API: 404 APIGW.0101
//   (router.js, slashFree), before any signature check, as for any path that is no API.
// - A repository's `name` excludes its namespace (namespace_name is its own field).
// - List calls take offset (0) and limit (10 unless given; more than 100 is a 400); the
//   instance-wide lists of retention policies and immutable tag rules want an offset that is 0
//   or a multiple of the limit (the SDK's ListInstanceRetentionPoliciesRequest and
//   ListImmutableRulesRequest: "offset必须为0或者为limit的倍数").
import { randomBytes, randomUUID } from 'node:crypto'
import { ANSWERED_CODE, noSuchApi, send } from './answers.js'
import { variant } from './resources.js'

export const INSTANCE_STATUSES = Object.freeze(['Initial', 'Creating', 'Running', 'Unavailable'])
export const INSTANCE_PREFIX = '/v2/{project_id}/instances/{instance_id}'

const MESSAGES = {
  'SWR.400001': 'Invalid request parameters',
  'SWR.400002': 'The X-Project-Id header must name the project of the path',
  'SWR.400003': 'The retention policy does not exist',
  'SWR.400004': 'The namespace does not exist',
  'SWR.400005': 'The repository does not exist',
  'SWR.400006': 'The immutable tag rule does not exist',
  'SWR.400007': 'The namespace already exists',
  'SWR.403001': 'The project does not belong to this account in this region',
  'SWR.404001': 'The instance does not exist',
  'SWR.404002': 'The namespace does not exist',
  'SWR.404003': 'The repository does not exist',
  'SWR.404004': 'The immutable tag rule does not exist',
  'SWR.409001': 'The namespace already exists',
  'SWR.409002': 'The instance is not running',
  'SWR.409003': 'The namespace has a retention policy already'
}

/** An Enterprise Edition error: {"error_code","error_msg"}, with its code kept for the log. */
export function enterpriseError(res, status, code, message = MESSAGES[code] ?? code) {
  res[ANSWERED_CODE] = code
  return send(res, status, { error_code: code, error_msg: message })
}

// A missing thing answers 404 or 400 (variant eeMissing), with a code for each kind.
const MISSING = {
  namespace: { 404: 'SWR.404002', 400: 'SWR.400004' },
  repository: { 404: 'SWR.404003', 400: 'SWR.400005' },
  immutableRule: { 404: 'SWR.404004', 400: 'SWR.400006' }
}

/** Answers that the `kind` named `name` does not exist, as the eeMissing variant says. */
export function answerMissing(ctx, call, kind, name) {
  const status = variant(ctx, 'eeMissing')
  const label = { namespace: 'namespace', repository: 'repository', immutableRule: 'rule' }[kind]
  return call.error(Number(status), MISSING[kind][status], `The ${label} ${name} does not exist`)
}

const now = () => new Date().toISOString()
const domainOf = region => (region === 'eu-west-101' ? 'myhuaweicloud.eu' : 'myhuaweicloud.com')

/** A new instance's state: the record tests see (and may change, e.g. its status) and its data. */
export function newInstance(ctx, { region, account, projectId, input }) {
  const id = input.id ?? randomUUID()
  const name = input.name ?? `instance-${id.slice(0, 8)}`
  const status = input.status ?? 'Running'
  if (!INSTANCE_STATUSES.includes(status))
    throw new Error(`instance status must be one of ${INSTANCE_STATUSES.join(', ')}`)
  const created = now()
  const record = {
    id,
    name,
    status,
    region,
    owner: account.name,
    projectId,
    accessAddress: input.accessAddress ?? `${name}.swr.${region}.${domainOf(region)}`,
    customDomains: [...(input.customDomains ?? [])],
    description: input.description ?? '',
    created_at: created,
    updated_at: created
  }
  return {
    record,
    account,
    namespaces: new Map(), // name -> { namespace_id, metadata, created_at, updated_at }
    repositories: new Map(), // "ns/name" -> record (fields starting with _ are not shown)
    retentions: new Map(), // id -> policy
    immutableRules: new Map(), // id -> rule
    credentials: [],
    nextId: 1
  }
}

/** The instance as GET {prefix} shows it; access_address as the instanceAccessAddress variant. */
function instanceView(ctx, { record }) {
  const https = variant(ctx, 'instanceAccessAddress') === 'https'
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    spec: 'swr.ee.professional',
    version: 'v2',
    charge_mode: 'postPaid',
    access_address: https ? `https://${record.accessAddress}` : record.accessAddress,
    created_at: record.created_at,
    updated_at: record.updated_at,
    expires_at: '',
    status: record.status,
    obs_bucket_name: `swr-ee-${record.id.slice(0, 8)}`,
    project_id: record.projectId,
    enterprise_project_id: '0',
    user_def_obs: false,
    vpc_id: '',
    subnet_id: '',
    vpc_name: '',
    vpc_cidr: '',
    subnet_name: '',
    subnet_cidr: ''
  }
}

/**
 * The project of the path when the header names it and it is the caller's in this region;
 * undefined once the call has been answered.
 */
function openProject(ctx, call) {
  const projectId = call.params.project_id
  const header = call.req.headers['x-project-id']
  if (header === undefined) {
    call.error(400, 'SWR.400002', 'The X-Project-Id header is missing')
    return undefined
  }
  if (header !== projectId) {
    call.error(400, 'SWR.400002', `X-Project-Id ${header} is not the project ${projectId}`)
    return undefined
  }
  const project = ctx.projects.find(projectId)
  if (!project || project.account !== call.account || project.name !== ctx.region) {
    call.error(403, 'SWR.403001', `The project ${projectId} is not yours in ${ctx.region}`)
    return undefined
  }
  return projectId
}

/** The instance of the path, checked as the header comment says; undefined once answered. */
function openInstance(ctx, call, anyStatus) {
  const projectId = openProject(ctx, call)
  if (!projectId) return undefined
  const id = call.params.instance_id
  const data = ctx.state.instances.get(id)
  if (!data || data.record.projectId !== projectId) {
    call.error(404, 'SWR.404001', `The instance ${id} does not exist`)
    return undefined
  }
  const { status, name } = data.record
  if (!anyStatus && status !== 'Running') {
    call.error(409, 'SWR.409002', `The instance ${name} (${id}) is ${status}, not Running`)
    return undefined
  }
  return data
}

/** The JSON body as an object, or undefined once a 400 has been answered. */
export function readBody(call) {
  try {
    const value = JSON.parse(call.body)
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value
  } catch {
    // answered below
  }
  call.error(400, 'SWR.400001', 'The request body must be a JSON object')
  return undefined
}

/** A page of `items` as offset and limit ask; undefined once a 400 has been answered. */
export function pageOf(call, items, { limitMultiple = false } = {}) {
  const query = call.url.searchParams
  const offset = Number(query.get('offset') ?? 0)
  const limit = Number(query.get('limit') ?? 10)
  const fine =
    Number.isInteger(offset) &&
    offset >= 0 &&
    Number.isInteger(limit) &&
    limit >= 1 &&
    limit <= 100 &&
    (!limitMultiple || offset % limit === 0)
  if (!fine) {
    const multiple = limitMultiple ? ', a multiple of limit' : ''
    call.error(400, 'SWR.400001', `offset must be 0 or more${multiple}; limit 1 to 100`)
    return undefined
  }
  return items.slice(offset, offset + limit)
}

/** Routes under the instance prefix; each handler is called as handler(ctx, call, instance). */
export const instanceRoutes = (ctx, rows) =>
  rows.map(([method, path, handler, anyStatus = false]) => ({
    method,
    path: INSTANCE_PREFIX + path,
    enterprise: true,
    slashFree: true,
    handle: call => {
      const scope = call.scope ?? ctx
      const data = openInstance(scope, call, anyStatus)
      if (data) return handler(scope, call, data)
    }
  }))

function listInstances(ctx, call) {
  const projectId = openProject(ctx, call)
  if (!projectId) return
  const status = call.url.searchParams.get('status')
  const all = [...ctx.state.instances.values()].filter(
    data =>
      data.record.projectId === projectId && (status === null || data.record.status === status)
  )
  const page = pageOf(call, all)
  if (page)
    call.send(200, { instances: page.map(data => instanceView(ctx, data)), total: all.length })
}

function domainNames(ctx, call, { record }) {
  const infos = [
    { type: 'default', domain_name: record.accessAddress },
    ...record.customDomains.map(domain => ({ type: 'custom', domain_name: domain }))
  ].map(info => ({ ...info, instance_id: record.id, created_at: record.created_at }))
  return call.send(200, { domain_name_infos: infos, total: infos.length })
}

function tempCredential(ctx, call, data) {
  const created = new Date()
  const credential = {
    auth_token: randomBytes(32).toString('hex'),
    user_id: call.account.domainId,
    expire_date: new Date(created.getTime() + 24 * 3600_000).toISOString(),
    created_at: created.toISOString(),
    token_id: randomUUID()
  }
  data.credentials.push(credential)
  ctx.oidc.issued.instanceTokens.push(credential.auth_token)
  return call.send(201, credential)
}

/** The repository name of the path, decoded a second time; undefined once answered. */
export function repositoryParam(call) {
  try {
    return decodeURIComponent(call.params.repository)
  } catch {
    noSuchApi(call.res)
    return undefined
  }
}

/**
 * GET {prefix}/feature-gates, as the official SDKs' ListFeatureGatesResponse has it:
 * enableDomainName, enableCombinationRetention ("老化策略是否支持多条规则", whether a retention
 * policy may hold several rules: false exactly when the variant eeRetentionRules is "one") and
 * enableArtifactScanning; every field is omitempty, and the variant eeFeatureGates "absent"
 * leaves enableCombinationRetention out.
 */
function featureGates(ctx, call) {
  const combination = variant(ctx, 'eeRetentionRules') !== 'one'
  return call.send(200, {
    enableDomainName: true,
    ...(variant(ctx, 'eeFeatureGates') === 'absent'
      ? {}
      : { enableCombinationRetention: combination }),
    enableArtifactScanning: true
  })
}

/** Routes that are the instance's own (show, domain names, temporary login) and the list. */
export const instanceOwnRoutes = ctx => [
  ...instanceRoutes(ctx, [
    ['GET', '', (scope, call, data) => call.send(200, instanceView(scope, data)), true],
    ['GET', '/feature-gates', featureGates],
    ['GET', '/domainname', domainNames],
    ['POST', '/temp-credential', tempCredential]
  ]),
  {
    method: 'GET',
    path: '/v2/{project_id}/instances',
    enterprise: true,
    slashFree: true,
    handle: call => listInstances(call.scope ?? ctx, call)
  }
]
