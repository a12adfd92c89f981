// IAM projects: each account has one project per region, named after the region, with an id
// that stays the same for the emulator's life (clearState keeps it, as the cloud keeps a
// project when its resources go, and drops the extra ones addProject made). IAM answers GET /v3/projects?name={region} with the caller's
// projects of that name; the OpenID Connect exchange names the project it scoped the token to.
import { randomBytes } from 'node:crypto'
import { gatewayError, send } from './answers.js'
import { authenticate } from './auth.js'

const newProjectId = () => randomBytes(16).toString('hex')

/** Every project of every account: the first of each account and region made on demand. */
export function createProjects() {
  const byId = new Map() // id -> { id, name, account }
  const primary = new Map() // "account/region" -> id
  const add = (account, region) => {
    const id = newProjectId()
    byId.set(id, { id, name: region, account })
    return id
  }
  return {
    /** The id of the account's project in `region`, made the first time it is asked for. */
    idOf(account, region) {
      const key = `${account.name}/${region}`
      if (!primary.has(key)) primary.set(key, add(account, region))
      return primary.get(key)
    },
    /** Another project named after `region` (IAM can hold several of one name: sub-projects). */
    add(account, region) {
      this.idOf(account, region)
      return add(account, region)
    },
    /** Forgets every project but each account's first one of a region. */
    clearExtras() {
      const kept = new Set(primary.values())
      for (const id of [...byId.keys()]) if (!kept.has(id)) byId.delete(id)
    },
    /** { id, name, account } of a project id, or undefined. */
    find: id => byId.get(id),
    /** The account's projects named `name`, primary first. */
    named(account, name) {
      this.idOf(account, name)
      return [...byId.values()].filter(p => p.account === account && p.name === name)
    }
  }
}

/** A project as IAM's "Querying Project Information" answer shows it. */
const projectView = (project, origin) => ({
  id: project.id,
  name: project.name,
  domain_id: project.account.domainId,
  parent_id: project.account.domainId,
  is_domain: false,
  enabled: true,
  description: '',
  links: { self: `${origin}/v3/projects/${project.id}` }
})

function listProjects(ctx, call) {
  // IAM is global: no region check here, unlike SWR in serve().
  const who = authenticate(ctx.credentials, call.req, call.url, call.body)
  if (who.error) return gatewayError(call.res, 401, who.code ?? 'APIGW.0301', who.error)
  const name = call.url.searchParams.get('name')
  // Without a name IAM lists every project of the account; an unknown name matches none.
  const names = name === null ? [...ctx.regions.known] : ctx.regions.known.has(name) ? [name] : []
  const projects = names.flatMap(region => ctx.projects.named(who.account, region))
  const origin = `https://${call.req.headers.host ?? 'iam.myhuaweicloud.com'}`
  return send(call.res, 200, {
    projects: projects.map(p => projectView(p, origin)),
    links: { self: `${origin}${call.url.pathname}${call.url.search}` }
  })
}

export const projectRoutes = ctx => [
  { method: 'GET', path: '/v3/projects', auth: false, handle: call => listProjects(ctx, call) }
]
