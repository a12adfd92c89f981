// The helpers tests use for Enterprise Edition: projects, instances, pushes, and a look at an
// instance's state. Instances live in their region's state (clearState empties them); project
// ids stay for the emulator's life.
import { newInstance } from './enterprise.js'
import {
  addNamespace,
  metadataProblem,
  publicRepository,
  pushRepository,
  validNamespaceName
} from './enterprise-namespaces.js'
import {
  immutableRuleProblem,
  retentionProblem,
  storeImmutableRule,
  storeRetention
} from './enterprise-policies.js'

/**
 * @typedef {object} InstanceInput
 * @property {string} [id] a UUID unless given
 * @property {string} [name] "instance-{first 8 of the id}" unless given
 * @property {'Initial' | 'Creating' | 'Running' | 'Unavailable'} [status] Running unless given
 * @property {string} [region] the emulator's default region unless given
 * @property {'main' | 'other' | 'reader'} [owner] the account (main unless given)
 * @property {string} [projectId] one of the owner's projects in the region (addProject);
 *   its first project there unless given
 * @property {string} [accessAddress] a bare host, "{name}.swr.{region}.myhuaweicloud.com"
 *   (.eu for eu-west-101) unless given
 * @property {string[]} [customDomains] custom domain names, listed by GET .../domainname
 * @property {string} [description]
 */

/**
 * The record of an instance, as addInstance returns it: live, so a test may change `status`
 * (or any other field) and the next answer shows it.
 * @typedef {object} InstanceRecord
 * @property {string} id
 * @property {string} name
 * @property {string} status
 * @property {string} region
 * @property {string} owner the account name
 * @property {string} projectId
 * @property {string} accessAddress always bare (the variant instanceAccessAddress adds https://)
 * @property {string[]} customDomains
 * @property {string} description
 * @property {string} created_at
 * @property {string} updated_at
 */

/**
 * What instanceState returns: copies, in the API's own field names.
 * @typedef {object} InstanceState
 * @property {InstanceRecord} instance
 * @property {{ name: string, namespace_id: number, metadata: Record<string, string>,
 *   created_at: string, updated_at: string }[]} namespaces
 * @property {Record<string, any>[]} repositories each as GET .../repositories/{name} shows it
 * @property {Record<string, any>[]} retentionPolicies each as GET .../policies/{id} shows it
 * @property {Record<string, any>[]} immutableRules each as GET /immutabletagrules lists it
 * @property {{ auth_token: string, user_id: string, expire_date: string, created_at: string,
 *   token_id: string }[]} credentials every temporary login handed out
 */

export function enterpriseFixtures(ctx) {
  const accountOf = owner => {
    const account = ctx.credentials.accounts[owner]
    if (!account) throw new Error(`no account ${owner}`)
    return account
  }
  const instanceData = (helper, id) => {
    for (const { state } of ctx.regions.all()) {
      const data = state.instances.get(id)
      if (data) return data
    }
    throw new Error(`${helper}: no instance ${id}`)
  }
  const namespaceData = (helper, id, namespace) => {
    const data = instanceData(helper, id)
    if (!data.namespaces.has(namespace)) throw new Error(`${helper}: no namespace ${namespace}`)
    return data
  }
  return {
    /** The id of an account's project in a region (32 hex digits, the same all along). */
    projectId(region = ctx.region, owner = 'main') {
      return ctx.projects.idOf(accountOf(owner), region)
    },
    /** Adds another project named after the region (so that IAM's lookup finds several). */
    addProject(region = ctx.region, owner = 'main') {
      return ctx.projects.add(accountOf(owner), region)
    },
    /**
     * Adds an instance to an account's project in a region.
     * @param {InstanceInput} [input]
     * @returns {InstanceRecord}
     */
    addInstance(input = {}) {
      const region = input.region ?? ctx.region
      const account = accountOf(input.owner ?? 'main')
      const projectId = input.projectId ?? ctx.projects.idOf(account, region)
      const project = ctx.projects.find(projectId)
      if (project?.account !== account || project.name !== region)
        throw new Error(`addInstance: ${projectId} is no project of ${account.name} in ${region}`)
      if (input.id !== undefined && ctx.regions.all().some(r => r.state.instances.has(input.id)))
        throw new Error(`addInstance: instance ${input.id} exists`)
      const data = newInstance(ctx, { region, account, projectId, input })
      ctx.regions.get(region).state.instances.set(data.record.id, data)
      return data.record
    },
    /** Adds a namespace to an instance, as the API would make it (metadata values are strings). */
    addInstanceNamespace(instanceId, name, metadata = { public: 'false' }) {
      const data = instanceData('addInstanceNamespace', instanceId)
      const problem = validNamespaceName(name) ? metadataProblem(metadata, true) : 'bad name'
      if (problem) throw new Error(`addInstanceNamespace ${name}: ${problem}`)
      if (data.namespaces.has(name)) throw new Error(`addInstanceNamespace: ${name} exists`)
      addNamespace(data, name, metadata)
    },
    /**
     * What a docker push of namespace/repository does: the repository appears (or gains an
     * artifact). The namespace must exist. Returns the repository as the API shows it.
     */
    push(instanceId, namespace, repository) {
      return publicRepository(
        pushRepository(instanceData('push', instanceId), namespace, repository)
      )
    },
    /** Adds a namespace's retention policy as POST .../retention/policies would; returns it. */
    addInstanceRetention(instanceId, namespace, policy) {
      const data = namespaceData('addInstanceRetention', instanceId, namespace)
      const taken = [...data.retentions.values()].some(p => p.namespace_name === namespace)
      const problem = taken ? `${namespace} has a policy already` : retentionProblem(policy)
      if (problem) throw new Error(`addInstanceRetention: ${problem}`)
      return JSON.parse(JSON.stringify(storeRetention(data, namespace, policy)))
    },
    /** Adds an immutable tag rule to a namespace as POST .../immutabletagrules would; returns it. */
    addImmutableRule(instanceId, namespace, rule) {
      const data = namespaceData('addImmutableRule', instanceId, namespace)
      const problem = immutableRuleProblem(rule)
      if (problem) throw new Error(`addImmutableRule: ${problem}`)
      return JSON.parse(JSON.stringify(storeImmutableRule(data, namespace, rule)))
    },
    /**
     * A copy of an instance's state: its record, namespaces, repositories, rules, logins.
     * @param {string} id
     * @returns {InstanceState}
     */
    instanceState(id) {
      const data = instanceData('instanceState', id)
      const copy = {
        instance: data.record,
        namespaces: [...data.namespaces].map(([name, record]) => ({ name, ...record })),
        repositories: [...data.repositories.values()].map(publicRepository),
        retentionPolicies: [...data.retentions.values()],
        immutableRules: [...data.immutableRules.values()],
        credentials: data.credentials
      }
      // A deep copy, so that a test cannot change the instance through what it looks at.
      return JSON.parse(JSON.stringify(copy))
    }
  }
}
