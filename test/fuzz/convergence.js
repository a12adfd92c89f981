// Property-based convergence tests (issue 23): a random starting state of the emulator, random
// inputs, random emulator variants and a random fault schedule; the bundle (dist/index.js) is
// run as a runner runs it, and six properties are checked:
//   (a) with at most two faults fired the run succeeds; with more it succeeds or says it gave up
//       (and a re-run without faults then succeeds);
//   (b) after success the emulator holds exactly what was asked (IAM user grants included: listed
//       users at their levels, unlisted ones per on_drift, the caller's own entry untouched);
//   (c) no write takes effect twice (no second organization, policy, share, rule or grant);
//   (d) a second run without faults sends no write and plans nothing;
//   (e) a dry run writes nothing and plans what the real run then does;
//   (f) no secret appears in any log, error stream, output or summary;
//   (g) no run deletes a repository outside the prune patterns and the repositories listed
//       under ensure: absent (with their replicas in the targets of replicate_to), faults or not;
//   (h) no run deletes more repositories than max_deletions, and a run whose plan deletes more
//       deletes nothing.
// Used by __tests__/convergence.property.test.ts (a fixed set of seeds) and scripts/fuzz.mjs.
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { ERROR_SHAPES, VARIANTS, startEmulator } from '../emulator/emulator.js'
import { startConnectProxy } from '../support/connect-proxy.js'
import { errorsOf, runAction, visibleLog } from '../support/run-action.js'
import { makeTestCertificates } from '../support/tls.js'

/** Deliberate breakage that shows each property can fail (see the property test). */
export const BREAKS = Object.freeze([
  'none',
  'refuse-write', // (a): the emulator refuses a write with a final 400, once
  'drop-write', // (b): the emulator answers a retention create 201 and keeps nothing
  'double-write', // (c): the emulator stores a retention create twice
  'misreport', // (d): the emulator reads a repository's category back wrong
  'grant-level', // (b): the emulator stores an IAM user's grant at another level than sent
  'dry-writes', // (e): the harness runs the "dry run" with dry_run: false
  'leak-secret', // (f): the action's process prints the secret key (test/fuzz/leak-secret.cjs)
  'widen-prune', // (g): the harness gives the action one prune pattern more, app-pr*, than drawn
  'raise-max' // (h): the harness gives the action max_deletions 1000000 whatever was drawn
])
const LEAK = fileURLToPath(new URL('./leak-secret.cjs', import.meta.url))

const NS = 'group'
const SOURCE = 'swr-api.cn-north-4.myhuaweicloud.com'
const TARGET_HOSTS = ['ap-southeast-1', 'la-south-2'].map(r => `swr-api.${r}.myhuaweicloud.com`)
const REPOSITORIES = ['app', 'web', 'team/worker', 'db', 'cache', 'api']
const ACCOUNTS = ['partner-account', 'auditor-account']
const TARGETS = [
  { input: 'ap-southeast-1', region: 'ap-southeast-1', namespace: NS },
  { input: 'la-south-2/group-latam', region: 'la-south-2', namespace: 'group-latam' }
]
/** A rule to a target no input lists. */
const LEGACY = { region: 'la-south-2', namespace: 'legacy' }
const SIGNATURE_SELECTORS = [
  { kind: 'regexp', pattern: '^sha256-' },
  { kind: 'regexp', pattern: '\\.(sig|att|sbom)$' }
]
const INSTANCE = 'ins-1'
/**
 * IAM users of the account: the inputs may list the first three (and the caller itself); the
 * fourth is only ever an unlisted user. Ids are fixed so that `name:id` lines can be written.
 */
const USERS = ['alice', 'bob', 'ci-bot', 'old-member']
const USER_IDS = USERS.map((_, i) => `${i + 1}`.padStart(2, 'c').repeat(16))
/** A user no grant names, that a loose (fuzzy) IAM name filter also returns for "alice". */
const ALIKE = { name: 'alice-ops', id: 'a1'.repeat(16) }
const LEVELS = { read: 1, write: 3, manage: 7 }
const NO_GRANTS = USERS.map(() => 0)
/**
 * Repositories of the organization besides REPOSITORIES, none of them ever listed: names the
 * prune patterns match, and look-alikes that must survive them (app-pr-1x survives app-pr-*1,
 * app-pr and app-prod survive app-pr-*, previews survives previews/**, nested names a/b...).
 */
const EXTRAS = [
  'app-pr-1',
  'app-pr-2',
  'app-pr-11',
  'app-pr-1x',
  'app-pr',
  'app-prod',
  'previews',
  'previews/a',
  'previews/a/b',
  'team/app-pr-1'
]
/** Prune patterns: "*" within a segment, "**" across them, an exact name. */
const PATTERNS = ['app-pr-*', 'app-pr-*1', 'previews/**', 'team/*', 'c*', 'app-pr']
/** Repositories of other organizations whose names contain ours (SWR's list filter is fuzzy). */
const ELSEWHERE = [
  ['group2', 'app-pr-1'],
  ['subgroup', 'previews/a']
]
/** Repositories that fill the list past its first page (1000 a page; 100 for an instance). */
const FILLER = n => `svc-${n}`
const DEFAULT_MAX_DELETIONS = 10

// ---------------------------------------------------------------- generators

const STANDARD_ROUTES = [
  ['POST', '^/v2/manage/namespaces$'],
  ['GET', '^/v2/manage/namespaces/[^/]+$'],
  ['GET', '^/v2/manage/repos$'],
  ['POST', '/repos$'],
  ['GET', '/repos/[^/]+$'],
  ['PATCH', '/repos/[^/]+$'],
  ['DELETE', '/repos/[^/]+$'],
  ['POST', '/retentions$'],
  ['GET', '/retentions$'],
  ['PATCH', '/retentions/\\d+$'],
  ['DELETE', '/retentions/\\d+$'],
  ['POST', '/access-domains$'],
  ['GET', '/access-domains$'],
  ['PATCH', '/access-domains/[^/]+$'],
  ['DELETE', '/access-domains/[^/]+$'],
  ['POST', '/sync_repo$'],
  ['GET', '/sync_repo$'],
  ['DELETE', '/sync_repo$'],
  ['GET', '^/v2/manage/namespaces/[^/]+/access$'],
  ['POST', '^/v2/manage/namespaces/[^/]+/access$'],
  ['PATCH', '^/v2/manage/namespaces/[^/]+/access$'],
  ['DELETE', '^/v2/manage/namespaces/[^/]+/access$'],
  ['GET', '/repos/[^/]+/access$'],
  ['POST', '/repos/[^/]+/access$'],
  ['PATCH', '/repos/[^/]+/access$'],
  ['DELETE', '/repos/[^/]+/access$'],
  ['GET', '^/v3/users$']
]
const ENTERPRISE_ROUTES = [
  ['GET', '/instances/[^/]+$'],
  ['POST', '/namespaces$'],
  ['GET', '/namespaces/[^/]+$'],
  ['PUT', '/namespaces/[^/]+$'],
  ['GET', '/repositories$'],
  ['GET', '/repositories/[^/]+$'],
  ['PUT', '/repositories/[^/]+$'],
  ['DELETE', '/repositories/[^/]+$'],
  ['POST', '/retention/policies$'],
  ['GET', '/retention/policies'],
  ['PUT', '/retention/policies/\\d+$'],
  ['DELETE', '/retention/policies/\\d+$'],
  ['POST', '/immutabletagrules$'],
  ['GET', '/immutabletagrules'],
  ['PUT', '/immutabletagrules/\\d+$'],
  ['DELETE', '/immutabletagrules/\\d+$']
]
const THROTTLED = {
  error_code: 'APIGW.0308',
  error_msg: 'The throttling threshold has been reached'
}
const FAULT_KINDS = [
  { kind: 'status', status: 429 },
  { kind: 'status', status: 500 },
  { kind: 'status', status: 503 },
  { kind: 'status', status: 403, body: THROTTLED },
  { kind: 'reset' },
  { kind: 'lose-answer' },
  { kind: 'delay', delayMs: 120 },
  { kind: 'drip', intervalMs: 1 }
]

const faultArb = routes =>
  fc.record({
    route: fc.constantFrom(...routes),
    fault: fc.constantFrom(...FAULT_KINDS),
    times: fc.constantFrom(1, 1, 2)
  })

/**
 * A fault schedule: faults on any route, and now and then a repository DELETE that a concurrent
 * run's DELETE overtakes (carried out first, so this one meets the service's "not found").
 */
const faultsArb = (routes, deleteRoute) =>
  fc.array(
    fc.oneof(
      { arbitrary: faultArb(routes), weight: 6 },
      {
        arbitrary: fc.record({
          route: fc.constant(deleteRoute),
          fault: fc.constant({ kind: 'overtaken' }),
          times: fc.constantFrom(1, 2)
        }),
        weight: 1
      }
    ),
    { maxLength: 4 }
  )

/** ensure, prune (one or two patterns) and max_deletions (the default when undefined). */
const lifecycleArb = fc.record({
  ensure: fc.constantFrom('present', 'present', 'absent'),
  prune: fc.option(fc.subarray(PATTERNS, { minLength: 1, maxLength: 2 }), {
    nil: undefined,
    freq: 2
  }),
  max_deletions: fc.option(fc.constantFrom(0, 1, 2, 3, 5, 20), { nil: undefined, freq: 2 })
})

/** A list that needs a second page now and then; a filler repository matches no pattern. */
const fillerArb = size => fc.constantFrom(0, 0, 0, 0, 0, 0, 0, size)

const retentionArb = fc.record({
  keep: fc.constantFrom('last', 'days'),
  n: fc.constantFrom(3, 5, 30),
  exceptions: fc.subarray(['latest', 're:^v[0-9]+']),
  signatures: fc.boolean()
})

/** A grant level per user of USERS at the start: 0 none, else SWR's auth (1, 3, 7). */
const grantsArb = fc.array(fc.constantFrom(0, 0, 1, 3, 7), {
  minLength: USERS.length,
  maxLength: USERS.length
})

/** Lines of organization_permissions or repository_permissions: a user (an index of USERS or the caller), a level, by name or as name:id. */
const grantLinesArb = fc.option(
  fc.uniqueArray(
    fc.record({
      user: fc.constantFrom(0, 1, 2, 'self'),
      level: fc.constantFrom('read', 'write', 'manage'),
      form: fc.constantFrom('name', 'id')
    }),
    { selector: g => g.user, minLength: 1, maxLength: 3 }
  ),
  { nil: undefined }
)

const policyArb = fc.record({ keep: fc.constantFrom('last', 'days'), n: fc.constantFrom(3, 5, 30) })

const standardRepositoryArb = fc.record({
  present: fc.boolean(),
  is_public: fc.boolean(),
  category: fc.constantFrom('other', 'linux', 'lang'),
  description: fc.constantFrom('', 'the service', 'old text'),
  policies: fc.array(policyArb, { maxLength: 2 }),
  sharing: fc.uniqueArray(
    fc.record({
      account: fc.constantFrom(...ACCOUNTS, 'old-partner'),
      deadline: fc.constantFrom('forever', '2099-06-30T00:00:00Z', '2098-01-01T00:00:00Z')
    }),
    { selector: s => s.account, maxLength: 3 }
  ),
  rules: fc.uniqueArray(
    fc.record({
      target: fc.constantFrom(0, 1, 2), // 2: LEGACY
      override: fc.boolean(),
      syncAuto: fc.boolean()
    }),
    { selector: r => r.target, maxLength: 3 }
  ),
  grants: grantsArb,
  // Its replica in each target (indexes of TARGETS), left by auto-sync, whatever the source.
  replicas: fc.subarray([0, 1])
})

/** A repository of EXTRAS: present or not, with an auto-sync rule to TARGETS[0], replicas. */
const extraArb = fc.record({
  present: fc.boolean(),
  rule: fc.boolean(),
  replicas: fc.subarray([0, 1])
})

const variantsArb = names =>
  fc.record(Object.fromEntries(names.map(name => [name, fc.constantFrom(...VARIANTS[name])])))

const STANDARD_VARIANTS = Object.keys(VARIANTS).filter(
  name =>
    ![
      'instanceAccessAddress',
      'eeNamespaceDuplicate',
      'eeMissing',
      'eeNamespacePut',
      'eeRetentionRules'
    ].includes(name)
)
// A policy of one rule cannot keep signature tags or exceptions: eeRetentionRules has its own
// tests (enterprise-policies.test.ts); here it stays at its default.
const ENTERPRISE_VARIANTS = [
  'instanceAccessAddress',
  'eeNamespaceDuplicate',
  'eeMissing',
  'eeNamespacePut',
  'eeRepoDelete'
]

const standardCaseArb = fc.record({
  edition: fc.constant('standard'),
  variants: variantsArb(STANDARD_VARIANTS),
  errorShape: fc.constantFrom(...ERROR_SHAPES),
  lagMs: fc.constantFrom(0, 0, 30),
  start: fc.record({
    organization: fc.boolean(),
    targetOrganizations: fc.tuple(fc.boolean(), fc.boolean()),
    repositories: fc.array(standardRepositoryArb, {
      minLength: REPOSITORIES.length,
      maxLength: REPOSITORIES.length
    }),
    organizationGrants: grantsArb,
    extras: fc.array(extraArb, { minLength: EXTRAS.length, maxLength: EXTRAS.length }),
    filler: fillerArb(1000)
  }),
  // IAM users (indexes of USERS) whose grants were made under a former name, and users renamed
  // in IAM between the run and the second run (same id, new name).
  iam: fc.record({
    stale: fc.subarray([0, 1, 2, 3]),
    renamed: fc.subarray([0, 1, 2])
  }),
  inputs: fc
    .record({
      repositories: fc.shuffledSubarray(REPOSITORIES, { minLength: 1, maxLength: 6 }),
      is_public: fc.constantFrom('', 'true', 'false'),
      category: fc.constantFrom('', 'other', 'linux'),
      description: fc.constantFrom('', 'the service'),
      on_drift: fc.constantFrom('warn', 'update', 'fail'),
      dry_run: fc.boolean(),
      retention: fc.option(retentionArb, { nil: undefined }),
      share_with: fc.option(
        fc.uniqueArray(
          fc.record({
            account: fc.constantFrom(...ACCOUNTS),
            until: fc.constantFrom(undefined, '2099-06-30')
          }),
          { selector: s => s.account, minLength: 1 }
        ),
        { nil: undefined }
      ),
      replicate_to: fc.option(fc.subarray([0, 1], { minLength: 1 }), { nil: undefined }),
      replicate_override: fc.boolean(),
      credentials: fc.constantFrom('keys', 'temporary'),
      organization_permissions: grantLinesArb,
      repository_permissions: grantLinesArb,
      lifecycle: lifecycleArb
    })
    // Only private repositories can be shared: both inputs together are refused up front.
    .map(i => (i.share_with && i.is_public === 'true' ? { ...i, is_public: 'false' } : i))
    .map(withLifecycle),
  faults: faultsArb(STANDARD_ROUTES, ['DELETE', '/repos/[^/]+$'])
})

/**
 * Where IAM refuses the lookup, users are given as name:id, the way documented for it (a bare
 * name then fails its grant by design: permissions.test.ts pins that).
 */
const namesWhereLookupAllowed = c =>
  c.variants.iamUserLookup === 'refused'
    ? {
        ...c,
        inputs: {
          ...c.inputs,
          organization_permissions: byId(c.inputs.organization_permissions),
          repository_permissions: byId(c.inputs.repository_permissions)
        }
      }
    : c

function byId(lines) {
  return lines?.map(g => ({ ...g, form: 'id' }))
}

/**
 * The drawn lifecycle inputs into the case's inputs. With ensure: absent, the inputs that only
 * describe a repository that exists are left out (given, they are an input error by design:
 * lifecycle.test.ts pins it), and so is prune (a sweep keeps the listed repositories present);
 * replicate_to stays (the replicas go too).
 */
function withLifecycle({ lifecycle, ...i }) {
  const { ensure, prune, max_deletions } = lifecycle
  if (ensure !== 'absent') return { ...i, ensure, prune, max_deletions }
  const inputs = { ...i, ensure, prune: undefined, max_deletions }
  const cleared = Object.entries(PRESENT_ONLY).filter(([name]) => name in i)
  return { ...inputs, ...Object.fromEntries(cleared) }
}

/** The case's inputs that only describe a repository that exists, at their "not given" values. */
const PRESENT_ONLY = {
  is_public: '',
  category: '',
  description: '',
  on_drift: 'warn',
  retention: undefined,
  share_with: undefined,
  replicate_override: false,
  organization_permissions: undefined,
  repository_permissions: undefined,
  immutable_tags: undefined
}

const enterpriseCaseArb = fc.record({
  edition: fc.constant('enterprise'),
  variants: variantsArb(ENTERPRISE_VARIANTS),
  errorShape: fc.constant('live'),
  lagMs: fc.constant(0),
  start: fc.record({
    organization: fc.boolean(),
    public: fc.boolean(),
    pushed: fc.subarray(REPOSITORIES),
    extras: fc.subarray(EXTRAS),
    filler: fillerArb(100)
  }),
  inputs: fc
    .record({
      repositories: fc.shuffledSubarray(REPOSITORIES, { minLength: 1, maxLength: 6 }),
      is_public: fc.constantFrom('', 'true', 'false'),
      description: fc.constantFrom('', 'the service'),
      on_drift: fc.constantFrom('warn', 'update', 'fail'),
      dry_run: fc.boolean(),
      retention: fc.option(
        retentionArb.map(r => ({
          ...r,
          exceptions: r.exceptions.filter(e => !e.startsWith('re:'))
        })),
        { nil: undefined }
      ),
      immutable_tags: fc.option(fc.subarray(['v*', 'release-*'], { minLength: 1 }), {
        nil: undefined
      }),
      credentials: fc.constant('keys'),
      lifecycle: lifecycleArb
    })
    .map(withLifecycle),
  faults: faultsArb(ENTERPRISE_ROUTES, ['DELETE', '/repositories/[^/]+$'])
})

/** A case: the edition, variants, starting state, inputs and fault schedule. */
export const caseArb = fc.oneof(
  { arbitrary: standardCaseArb.map(namesWhereLookupAllowed), weight: 3 },
  { arbitrary: enterpriseCaseArb, weight: 1 }
)

// ---------------------------------------------------------------- the world

/**
 * What runs cases: one emulator (with TLS, behind a CONNECT proxy so that the regional
 * endpoints are used, as replicate_to needs), reset before each case.
 */
export async function startWorld() {
  const tls = makeTestCertificates([SOURCE, ...TARGET_HOSTS])
  const emulator = await startEmulator({ tls: { key: tls.key, cert: tls.cert } })
  const proxy = await startConnectProxy(emulator.httpsPort)
  return {
    emulator,
    env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: tls.caFile },
    async close() {
      await proxy.close()
      await emulator.close()
    }
  }
}

const rulesOf = (keep, n, exceptions = [], signatures = false) => [
  {
    template: keep === 'last' ? 'tag_rule' : 'date_rule',
    params: keep === 'last' ? { num: String(n) } : { days: String(n) },
    tag_selectors: [
      ...exceptions.map(e =>
        e.startsWith('re:')
          ? { kind: 'regexp', pattern: e.slice(3) }
          : { kind: 'label', pattern: e }
      ),
      ...(signatures ? SIGNATURE_SELECTORS : [])
    ]
  }
]

const normRules = rules =>
  JSON.stringify(
    rules.map(r => ({
      template: r.template,
      params: Object.entries(r.params ?? {}).sort(),
      selectors: (r.tag_selectors ?? []).map(s => `${s.kind}:${s.pattern}`).sort()
    }))
  )

const targetOf = i => (i === 2 ? LEGACY : TARGETS[i])

/** The starting state as the case describes it, adjusted to what the inputs allow. */
function startOf(c) {
  if (c.edition !== 'standard') return c.start
  const wanted = new Set(c.inputs.repositories)
  const sharing = c.inputs.share_with !== undefined
  const extras = c.start.extras ?? []
  // A repository that is present needs its organization; a replica, its target's.
  const organization =
    c.start.organization ||
    c.start.repositories.some(r => r.present) ||
    extras.some(x => x.present) ||
    (c.start.filler ?? 0) > 0
  const replicated = t => [...c.start.repositories, ...extras].some(r => r.replicas?.includes(t))
  return {
    ...c.start,
    organization,
    targetOrganizations: c.start.targetOrganizations.map((present, t) => present || replicated(t)),
    // Only an organization that exists has grants.
    organizationGrants: (organization && c.start.organizationGrants) || NO_GRANTS,
    repositories: c.start.repositories.map((r, i) => ({
      ...r,
      grants: (r.present && r.grants) || NO_GRANTS,
      // Only private repositories can be shared (refused otherwise under one variant).
      is_public: sharing ? false : r.is_public,
      // Only the variant that stores a second policy lets a repository hold two.
      policies: c.variants.secondRetention === 'store' ? r.policies : r.policies.slice(0, 1),
      name: REPOSITORIES[i],
      wanted: wanted.has(REPOSITORIES[i])
    }))
  }
}

function setUp(world, c, brk) {
  const { emulator } = world
  emulator.clearState()
  emulator.clearFaults()
  emulator.resetLog()
  for (const [name, values] of Object.entries(VARIANTS)) emulator.variants[name] = values[0]
  Object.assign(emulator.variants, c.variants)
  emulator.settings.errorShape = c.errorShape
  emulator.settings.consistencyLagMs = c.lagMs
  emulator.settings.sabotage = ['drop-write', 'double-write', 'misreport', 'grant-level'].includes(
    brk
  )
    ? brk
    : 'none'
  for (const account of [...ACCOUNTS, 'old-partner']) emulator.knownAccounts.add(account)
  const start = startOf(c)
  if (c.edition === 'enterprise') {
    emulator.addInstance({ id: INSTANCE, name: 'reg' })
    if (start.organization) {
      emulator.addInstanceNamespace(INSTANCE, NS, { public: String(start.public) })
      for (const name of start.pushed) emulator.push(INSTANCE, NS, name)
      for (const name of start.extras ?? []) emulator.push(INSTANCE, NS, name)
      for (let n = 0; n < (start.filler ?? 0); n++) emulator.push(INSTANCE, NS, FILLER(n))
    }
    // A look-alike in another namespace of the instance: never the prune's to take.
    const [elsewhere, name] = ELSEWHERE[0]
    emulator.addInstanceNamespace(INSTANCE, elsewhere)
    emulator.push(INSTANCE, elsewhere, name)
    return start
  }
  if (start.organization) emulator.addNamespace(NS)
  // IAM users as they are now; a grant made before a rename holds the former name.
  USERS.forEach((name, u) => emulator.addIamUser(name, 'main', USER_IDS[u]))
  emulator.addIamUser(ALIKE.name, 'main', ALIKE.id)
  const addGrants = (repository, levels) =>
    levels.forEach((auth, u) => {
      if (auth === 0) return
      const stale = (c.iam?.stale ?? []).includes(u)
      emulator.addGrant(NS, repository, {
        user_id: USER_IDS[u],
        user_name: stale ? `former-${USERS[u]}` : USERS[u],
        auth
      })
    })
  addGrants(undefined, start.organizationGrants)
  start.targetOrganizations.forEach((present, i) => {
    if (present) emulator.inRegion(TARGETS[i].region).addNamespace(TARGETS[i].namespace)
  })
  for (const r of start.repositories.filter(r => r.present)) {
    emulator.addRepository(NS, r.name, {
      is_public: r.is_public,
      category: r.category,
      description: r.description
    })
    r.policyRecords = r.policies.map(p =>
      JSON.parse(JSON.stringify(emulator.addRetention(NS, r.name, rulesOf(p.keep, p.n))))
    )
    for (const s of r.sharing)
      emulator.addSharing(NS, r.name, { access_domain: s.account, deadline: s.deadline })
    for (const rule of r.rules) {
      const t = targetOf(rule.target)
      emulator.addSyncRule(NS, r.name, {
        remoteRegionId: t.region,
        remoteNamespace: t.namespace,
        syncAuto: rule.syncAuto,
        override: rule.override
      })
    }
    addGrants(r.name, r.grants)
  }
  const replicate = (name, replicas) => {
    for (const t of replicas ?? [])
      emulator.inRegion(TARGETS[t].region).addRepository(TARGETS[t].namespace, name)
  }
  start.repositories.forEach(r => replicate(r.name, r.replicas))
  ;(start.extras ?? []).forEach((x, k) => {
    if (x.present) {
      emulator.addRepository(NS, EXTRAS[k])
      if (x.rule) {
        const t = TARGETS[0]
        emulator.addSyncRule(NS, EXTRAS[k], {
          remoteRegionId: t.region,
          remoteNamespace: t.namespace
        })
      }
    }
    replicate(EXTRAS[k], x.replicas)
  })
  for (let n = 0; n < (start.filler ?? 0); n++) emulator.addRepository(NS, FILLER(n))
  for (const [ns, name] of ELSEWHERE) emulator.addRepository(ns, name)
  return start
}

/** IAM user names after the users in c.iam.renamed were renamed (`renamed`), or before. */
const nameOf = (c, u, renamed) =>
  renamed && (c.iam?.renamed ?? []).includes(u) ? `${USERS[u]}-renamed` : USERS[u]

/** organization_permissions or repository_permissions as the action reads them. */
function grantInput(world, c, lines, renamed = false) {
  const self = world.emulator.selfUser()
  return (lines ?? [])
    .map(g => {
      const name = g.user === 'self' ? self.name : nameOf(c, g.user, renamed)
      const id = g.user === 'self' ? self.id : USER_IDS[g.user]
      return `${g.form === 'id' ? `${name}:${id}` : name}=${g.level}`
    })
    .join('\n')
}

/** The permission inputs, and the IAM endpoint their lookups go to (the emulator's). */
function permissionInputs(world, c, renamed = false) {
  const i = c.inputs
  if (!i.organization_permissions && !i.repository_permissions) return {}
  return {
    iam_endpoint: world.emulator.url,
    organization_permissions: grantInput(world, c, i.organization_permissions, renamed),
    repository_permissions: grantInput(world, c, i.repository_permissions, renamed)
  }
}

function inputsOf(world, c, brk = 'none') {
  const { emulator } = world
  const i = c.inputs
  const prune = [...(i.prune ?? []), ...(i.prune && brk === 'widen-prune' ? ['app-pr*'] : [])]
  const max = brk === 'raise-max' ? 1_000_000 : i.max_deletions
  const lifecycle = {
    ...(i.ensure === 'absent' ? { ensure: 'absent' } : {}),
    ...(prune.length > 0 ? { prune: prune.join('\n') } : {}),
    ...(max !== undefined ? { max_deletions: String(max) } : {})
  }
  const credentials =
    i.credentials === 'temporary'
      ? {
          access_key_id: emulator.sts.accessKeyId,
          secret_access_key: emulator.sts.secretAccessKey,
          security_token: emulator.sts.securityToken
        }
      : {
          access_key_id: emulator.accounts.main.accessKeyId,
          secret_access_key: emulator.accounts.main.secretAccessKey
        }
  const retention = i.retention
    ? {
        [i.retention.keep === 'last' ? 'retention_keep_last' : 'retention_keep_days']: String(
          i.retention.n
        ),
        retention_exceptions: i.retention.exceptions.join('\n'),
        retention_keep_signatures: String(i.retention.signatures)
      }
    : {}
  const common = {
    namespace: NS,
    repository: i.repositories.join('\n'),
    region: emulator.region,
    is_public: i.is_public,
    description: i.description,
    on_drift: i.on_drift,
    ...retention,
    ...lifecycle,
    ...credentials
  }
  if (c.edition === 'enterprise') {
    return {
      ...common,
      endpoint: emulator.url,
      iam_endpoint: emulator.url,
      instance_id: INSTANCE,
      project_id: emulator.projectId(),
      immutable_tags: (i.immutable_tags ?? []).join('\n')
    }
  }
  return {
    ...common,
    // Replication needs the regional endpoints (through the proxy); the rest goes straight.
    endpoint: i.replicate_to ? '' : emulator.url,
    category: i.category,
    share_with: (i.share_with ?? [])
      .map(s => (s.until ? `${s.account} until ${s.until}` : s.account))
      .join('\n'),
    replicate_to: (i.replicate_to ?? []).map(t => TARGETS[t].input).join('\n'),
    // Refused without replicate_to.
    replicate_override: i.replicate_to ? String(i.replicate_override) : '',
    ...permissionInputs(world, c)
  }
}

/** Renames the users of c.iam.renamed in IAM; the permission inputs with their new names. */
function renameUsers(world, c) {
  const renamed = c.iam?.renamed ?? []
  const inputs = permissionInputs(world, c, true)
  if (renamed.length === 0 || !inputs.iam_endpoint) return {}
  for (const u of renamed) world.emulator.renameIamUser(USER_IDS[u], nameOf(c, u, true))
  return inputs
}

function secretsOf(world, c) {
  const { emulator } = world
  return c.inputs.credentials === 'temporary'
    ? [emulator.sts.secretAccessKey, emulator.sts.securityToken]
    : [emulator.accounts.main.secretAccessKey]
}

// ---------------------------------------------------------------- the model

/** Whether a repository present at the start drifts from the inputs in what on_drift governs. */
function drifts(c, r) {
  const i = c.inputs
  if (!r.present) return false
  if (i.is_public !== '' && String(r.is_public) !== i.is_public) return true
  if (i.category !== '' && r.category !== i.category) return true
  if (i.description !== '' && r.description !== i.description) return true
  const accounts = (i.share_with ?? []).map(s => s.account)
  if (i.share_with && r.sharing.some(s => !accounts.includes(s.account))) return true
  const listed = (i.replicate_to ?? []).map(t => `${TARGETS[t].region}/${TARGETS[t].namespace}`)
  const key = t => `${targetOf(t).region}/${targetOf(t).namespace}`
  if (i.replicate_to && r.rules.some(rule => !listed.includes(key(rule.target)))) return true
  if (unlistedGrants(i.repository_permissions, r.grants).length > 0) return true
  return false
}

/** The users (indexes of USERS) granted in `levels` whom `lines` do not list; none without lines. */
function unlistedGrants(lines, levels) {
  if (!lines) return []
  return levels.flatMap((auth, u) => (auth > 0 && !lines.some(g => g.user === u) ? [u] : []))
}

/** What failingByDesign names for the organization's grants. */
const ORGANIZATION_GRANTS = '(organization grants)'

/** The repositories whose step must fail by design: drift under on_drift: fail. */
function failingByDesign(c, start) {
  const i = c.inputs
  if (i.on_drift !== 'fail') return new Set()
  if (c.edition === 'enterprise') {
    if (!start.organization) return new Set()
    // A pushed repository has no description, which a run sets whatever on_drift says.
    const visibility = i.is_public !== '' && i.is_public !== String(start.public)
    return new Set(visibility ? i.repositories : [])
  }
  const failing = new Set(start.repositories.filter(r => r.wanted && drifts(c, r)).map(r => r.name))
  // Users granted on the organization and not listed: its grants fail, the repositories go on.
  if (unlistedGrants(i.organization_permissions, start.organizationGrants).length > 0)
    failing.add(ORGANIZATION_GRANTS)
  return failing
}

/**
 * (b) for the grants of one organization or repository: each listed user once, at its level
 * (found by id: a user renamed is the same user); the caller's own entry never written; users
 * not listed kept as they were under warn, removed under update; nobody else granted.
 */
function checkGrants(world, c, where, stored, before, lines, problems) {
  const self = world.emulator.selfUser()
  const update = c.inputs.on_drift === 'update'
  if (stored.some(g => g.user_id === self.id))
    problems.push(`${where}: the caller's own entry was written`)
  USERS.forEach((name, u) => {
    const found = stored.filter(g => g.user_id === USER_IDS[u])
    const line = lines.find(g => g.user === u)
    const want = line ? LEVELS[line.level] : before[u] > 0 && !update ? before[u] : 0
    const has = found.map(g => `auth ${g.auth}`).join(' and ') || 'no grant'
    if (want === 0 ? found.length > 0 : found.length !== 1 || found[0].auth !== want)
      problems.push(
        `${where}: IAM user ${name} has ${has}, wanted ${want === 0 ? 'none' : `auth ${want}`} (${line ? 'listed' : 'not listed'}, on_drift: ${c.inputs.on_drift})`
      )
  })
  const strangers = stored.filter(g => !USER_IDS.includes(g.user_id) && g.user_id !== self.id)
  if (strangers.length > 0)
    problems.push(`${where}: grants to users nobody named: ${strangers.map(g => g.user_name)}`)
}

/** One segment of a prune pattern against one segment of a name: "*" is any run of characters. */
function segmentMatches(pattern, name) {
  if (pattern === '') return name === ''
  if (pattern[0] === '*') {
    for (let k = 0; k <= name.length; k++)
      if (segmentMatches(pattern.slice(1), name.slice(k))) return true
    return false
  }
  return name[0] === pattern[0] && segmentMatches(pattern.slice(1), name.slice(1))
}

/**
 * Whether a prune pattern names a repository, segment by segment, written apart from the
 * action's matcher: "**" last is one whole segment or more, elsewhere any number of them.
 */
function globMatches(pattern, name) {
  const match = (ps, ns) => {
    if (ps.length === 0) return ns.length === 0
    const [p, ...rest] = ps
    if (p === '**') {
      for (let k = rest.length === 0 ? 1 : 0; k <= ns.length; k++)
        if (match(rest, ns.slice(k))) return true
      return false
    }
    return ns.length > 0 && segmentMatches(p, ns[0]) && match(rest, ns.slice(1))
  }
  return match(pattern.split('/'), name.split('/'))
}

const fillers = n => Array.from({ length: n ?? 0 }, (_, k) => FILLER(k))

/**
 * What the case's run takes down, as keys of repositoriesNow: under ensure: absent each listed
 * repository, under prune each other repository of the organization a pattern matches; with
 * replicate_to, their replicas in its targets (the replica of a listed repository whose source
 * is gone already too). Nothing else is ever deleted (g); their number is what max_deletions
 * holds a run to (h).
 */
function deletionsModel(world, c, start) {
  const i = c.inputs
  const gone = new Set()
  const listed = new Set(i.repositories)
  const absent = i.ensure === 'absent'
  const pruned = name => !listed.has(name) && (i.prune ?? []).some(p => globMatches(p, name))
  if (c.edition === 'enterprise') {
    if (!start.organization) return gone
    for (const name of [...start.pushed, ...(start.extras ?? []), ...fillers(start.filler)])
      if ((absent && listed.has(name)) || pruned(name)) gone.add(`${NS}/${name}`)
    return gone
  }
  const take = (name, present, replicas) => {
    if (present) gone.add(`${world.emulator.region} ${NS}/${name}`)
    for (const t of i.replicate_to ?? [])
      if (replicas.includes(t)) gone.add(`${TARGETS[t].region} ${TARGETS[t].namespace}/${name}`)
  }
  const candidates = [
    ...start.repositories,
    ...(start.extras ?? []).map((x, k) => ({ ...x, name: EXTRAS[k] })),
    ...fillers(start.filler).map(name => ({ name, present: true, replicas: [] }))
  ]
  for (const r of candidates) {
    if (absent && listed.has(r.name)) take(r.name, r.present, r.replicas ?? [])
    else if (r.present && pruned(r.name)) take(r.name, true, r.replicas ?? [])
  }
  return gone
}

/**
 * Every repository there is: "region namespace/name" in the source region and the targets'; an
 * instance's as "namespace/name".
 */
function repositoriesNow(world, c) {
  const { emulator } = world
  if (c.edition === 'enterprise')
    return new Set(
      emulator.instanceState(INSTANCE).repositories.map(r => `${r.namespace_name}/${r.name}`)
    )
  const regions = [emulator.region, ...new Set(TARGETS.map(t => t.region))]
  return new Set(
    regions.flatMap(region =>
      [...emulator.inRegion(region).state.repositories.keys()].map(key => `${region} ${key}`)
    )
  )
}

/**
 * (b) for what is taken down: each repository the case takes down is gone, every other one
 * there at the start is still there, and ensure: absent makes none.
 */
function checkTakenDown(world, c, initial, gone, problems) {
  const now = repositoriesNow(world, c)
  for (const key of gone) if (now.has(key)) problems.push(`${key} is still there`)
  for (const key of initial)
    if (!gone.has(key) && !now.has(key)) problems.push(`${key} was deleted`)
  if (c.inputs.ensure === 'absent')
    for (const key of now)
      if (!initial.has(key)) problems.push(`${key} appeared under ensure: absent`)
}

const sameDeadline = (a, b) =>
  a === 'forever' || b === 'forever' ? a === b : Date.parse(a) === Date.parse(b)

/** (b) for the standard edition: what the emulator holds against what was asked. */
function checkStandardState(world, c, start, failing, problems) {
  const { emulator } = world
  const i = c.inputs
  if (i.ensure === 'absent') {
    // Organizations are never created, nor deleted, by taking repositories down.
    if (Boolean(emulator.namespace(NS)) !== start.organization)
      problems.push(`organization ${NS} ${start.organization ? 'deleted' : 'created'}`)
    start.targetOrganizations.forEach((present, t) => {
      const { region, namespace } = TARGETS[t]
      if (Boolean(emulator.inRegion(region).namespace(namespace)) !== present)
        problems.push(`organization ${namespace} in ${region} ${present ? 'deleted' : 'created'}`)
    })
    return
  }
  if (!emulator.namespace(NS)) problems.push(`organization ${NS} missing`)
  if (i.organization_permissions) {
    const stored = emulator.grants(NS)
    // Under on_drift: fail with a user not listed, nothing of the organization's is written.
    const before = start.organizationGrants
    if (failing.has(ORGANIZATION_GRANTS)) {
      const kept = USER_IDS.map(id => stored.find(g => g.user_id === id)?.auth ?? 0)
      if (
        JSON.stringify(kept) !== JSON.stringify(before) ||
        stored.length !== kept.filter(Boolean).length
      )
        problems.push(
          `organization ${NS}: grants ${JSON.stringify(kept)} where on_drift: fail kept ${JSON.stringify(before)}`
        )
    } else
      checkGrants(
        world,
        c,
        `organization ${NS}`,
        stored,
        before,
        i.organization_permissions,
        problems
      )
  }
  for (const name of i.repositories) {
    if (failing.has(name)) continue
    const r = start.repositories[REPOSITORIES.indexOf(name)]
    const repo = emulator.repository(NS, name)
    if (!repo) {
      problems.push(`repository ${name} missing`)
      continue
    }
    const update = i.on_drift === 'update'
    const expectSetting = (setting, input, created, existing) => {
      const want = !r.present ? created : input !== '' && update ? input : existing
      if (repo[setting] !== want)
        problems.push(
          `${name}: ${setting} is ${JSON.stringify(repo[setting])}, wanted ${JSON.stringify(want)}`
        )
    }
    expectSetting(
      'is_public',
      i.is_public === '' ? '' : i.is_public === 'true',
      i.is_public === 'true',
      r.is_public
    )
    expectSetting('category', i.category, i.category || 'other', r.category)
    expectSetting('description', i.description, i.description, r.description)
    if (i.retention) {
      const want = normRules(
        rulesOf(i.retention.keep, i.retention.n, i.retention.exceptions, i.retention.signatures)
      )
      const policies = emulator.retentions(NS, name)
      const before = r.present ? r.policyRecords : []
      if (!policies.some(p => normRules(p.rules) === want))
        problems.push(`${name}: no retention policy with the wanted rules`)
      if (policies.length !== Math.max(1, before.length))
        problems.push(
          `${name}: ${policies.length} retention policies, wanted ${Math.max(1, before.length)}`
        )
      const kept = before.filter(b =>
        policies.some(p => p.id === b.id && normRules(p.rules) === normRules(b.rules))
      )
      const managedMatch = before.some(b => normRules(b.rules) === want)
      if (kept.length < before.length - (managedMatch ? 0 : 1))
        problems.push(`${name}: a retention policy the action does not manage was changed`)
    }
    if (i.share_with) {
      const sharing = emulator.sharing(NS, name)
      for (const s of i.share_with) {
        const deadline = s.until ? `${s.until}T00:00:00Z` : 'forever'
        const found = sharing.filter(x => x.access_domain === s.account)
        if (found.length !== 1 || !sameDeadline(found[0].deadline, deadline))
          problems.push(`${name}: not shared with ${s.account} until ${deadline}`)
      }
      const unlisted = sharing.filter(x => !i.share_with.some(s => s.account === x.access_domain))
      const before = r.present
        ? r.sharing.filter(x => !i.share_with.some(s => s.account === x.account))
        : []
      if (update ? unlisted.length > 0 : unlisted.length !== before.length)
        problems.push(
          `${name}: unlisted sharing ${unlisted.map(x => x.access_domain)} under on_drift: ${i.on_drift}`
        )
    }
    if (i.replicate_to) {
      const rules = emulator.syncRules(NS, name)
      for (const t of i.replicate_to.map(n => TARGETS[n])) {
        const found = rules.filter(
          x => x.remoteRegionId === t.region && x.remoteNamespace === t.namespace
        )
        if (found.length !== 1 || !found[0].syncAuto || found[0].override !== i.replicate_override)
          problems.push(
            `${name}: no auto-sync to ${t.region}/${t.namespace} with override ${i.replicate_override}`
          )
        // A rule already as wanted is left alone, and its target organization is not read (the
        // fewest round trips): it is made only for a rule made or replaced.
        const index = TARGETS.indexOf(t)
        const kept =
          r.present &&
          r.rules.some(x => x.target === index && x.syncAuto && x.override === i.replicate_override)
        if (!kept && !emulator.inRegion(t.region).namespace(t.namespace))
          problems.push(`organization ${t.namespace} missing in ${t.region}`)
      }
      const listed = x =>
        i.replicate_to.some(
          n => TARGETS[n].region === x.remoteRegionId && TARGETS[n].namespace === x.remoteNamespace
        )
      const unlisted = rules.filter(x => !listed(x))
      const before = r.present ? r.rules.filter(x => !i.replicate_to.includes(x.target)) : []
      if (update ? unlisted.length > 0 : unlisted.length !== before.length)
        problems.push(`${name}: unlisted auto-sync rules under on_drift: ${i.on_drift}`)
    }
    if (i.repository_permissions)
      checkGrants(
        world,
        c,
        name,
        emulator.grants(NS, name),
        r.grants,
        i.repository_permissions,
        problems
      )
  }
}

/** (b) for an Enterprise Edition instance: the namespace and the repositories that exist. */
function checkEnterpriseState(world, c, start, problems) {
  const state = world.emulator.instanceState(INSTANCE)
  const i = c.inputs
  const ns = state.namespaces.find(n => n.name === NS)
  if (i.ensure === 'absent') {
    if (Boolean(ns) !== start.organization)
      problems.push(`namespace ${NS} ${start.organization ? 'deleted' : 'created'}`)
    return
  }
  if (!ns) return problems.push(`namespace ${NS} missing`)
  const update = i.on_drift === 'update'
  const wantPublic = !start.organization
    ? i.is_public === 'true'
    : i.is_public !== '' && update
      ? i.is_public === 'true'
      : start.public
  if (ns.metadata.public !== String(wantPublic))
    problems.push(`namespace public is ${ns.metadata.public}, wanted ${wantPublic}`)
  for (const name of i.repositories) {
    const repo = state.repositories.find(r => r.name === `${NS}/${name}` || r.name === name)
    const pushed = start.organization && start.pushed.includes(name)
    if (!pushed) {
      if (repo) problems.push(`repository ${name} appeared although nothing pushed it`)
      continue
    }
    // A pushed repository has no description: the run sets it, whatever on_drift says.
    if (i.description !== '' && repo?.description !== i.description)
      problems.push(
        `${name}: description ${JSON.stringify(repo?.description)}, wanted ${JSON.stringify(i.description)}`
      )
  }
  if (i.retention && state.retentionPolicies.length !== 1)
    problems.push(`${state.retentionPolicies.length} retention policies in the namespace, wanted 1`)
}

/** (c) from the request log: at most one successful create of each thing, per region. */
function checkNoDoubleWrite(world, c, start, log, problems) {
  const ok = e => typeof e.status === 'number' && e.status >= 200 && e.status < 300
  const count = (method, pattern) => {
    const counts = new Map()
    for (const e of log.filter(e => e.method === method && pattern.test(e.path) && ok(e))) {
      const key = `${e.region} ${e.path}`
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
    return counts
  }
  const atMost = (method, pattern, most, what) => {
    for (const [key, n] of count(method, pattern))
      if (n > most) problems.push(`${what} created ${n} times (${key})`)
  }
  const i = c.inputs
  if (c.edition === 'enterprise') {
    atMost('POST', /\/namespaces$/, 1, 'namespace')
    atMost('POST', /\/retention\/policies$/, 1, 'retention policy')
    atMost('POST', /\/immutabletagrules$/, (i.immutable_tags ?? []).length, 'immutable tag rules')
    return
  }
  atMost('POST', /^\/v2\/manage\/namespaces$/, 1, 'organization')
  atMost('POST', /\/retentions$/, 1, 'retention policy')
  atMost('POST', /\/access-domains$/, (i.share_with ?? []).length, 'sharing')
  atMost('POST', /\/sync_repo$/, (i.replicate_to ?? []).length, 'auto-sync rules')
  // Grants: each POST names one user listed, each DELETE one user not listed, so at most that
  // many take effect on the organization and on each repository (a PATCH sent again after a
  // lost answer sets the same level: it is not counted).
  const listedUsers = lines => (lines ?? []).filter(g => g.user !== 'self').length
  const grantWrites = (method, path, most, what) => {
    const n = log.filter(e => e.method === method && e.path === path && ok(e)).length
    if (n > most) problems.push(`${what}: ${n} × ${method} took effect, at most ${most} could`)
  }
  if (i.organization_permissions) {
    const path = `/v2/manage/namespaces/${NS}/access`
    const what = `organization ${NS}'s grants`
    grantWrites('POST', path, listedUsers(i.organization_permissions), what)
    const unlisted = unlistedGrants(i.organization_permissions, start.organizationGrants)
    grantWrites('DELETE', path, unlisted.length, what)
  }
  if (i.repository_permissions)
    for (const name of i.repositories) {
      const r = start.repositories[REPOSITORIES.indexOf(name)]
      const path = `/v2/manage/namespaces/${NS}/repos/${name.replace('/', '$')}/access`
      grantWrites('POST', path, listedUsers(i.repository_permissions), `${name}'s grants`)
      const unlisted = unlistedGrants(i.repository_permissions, r.grants)
      grantWrites('DELETE', path, unlisted.length, `${name}'s grants`)
    }
  const { emulator } = world
  for (const name of i.repositories) {
    const r = start.repositories[REPOSITORIES.indexOf(name)]
    const policies = emulator.retentions(NS, name).length
    const before = r.present ? r.policyRecords.length : 0
    if (policies > Math.max(1, before))
      problems.push(`${name}: ${policies} retention policies where there were ${before}`)
    const rules = emulator.syncRules(NS, name).map(x => `${x.remoteRegionId}/${x.remoteNamespace}`)
    if (new Set(rules).size !== rules.length)
      problems.push(`${name}: two auto-sync rules to one target`)
  }
}

const writesIn = log => log.filter(e => e.method !== 'GET')
const planOf = run => JSON.parse(run.outputs['plan'] ?? 'null')
const gaveUp = run => /gave up after \d+ attempts?/.test(errorsOf(run))

function firedFaults(log) {
  return log.filter(e => e.fault !== undefined).length
}

function leaks(run, secrets) {
  const places = {
    log: visibleLog(run),
    stderr: run.stderr,
    outputs: JSON.stringify(run.outputs),
    summary: run.summary
  }
  return secrets.flatMap(secret =>
    Object.entries(places)
      .filter(([, text]) => text.includes(secret))
      .map(([place]) => `a secret appears in the ${place}`)
  )
}

/**
 * Runs one case and returns what it violated: { property, detail }[] (empty when it holds).
 * @param {Awaited<ReturnType<typeof startWorld>>} world
 * @param {any} c a value of caseArb
 * @param {{ break?: string }} [options]
 */
export async function runCase(world, c, options = {}) {
  const brk = options.break ?? 'none'
  if (!BREAKS.includes(brk)) throw new Error(`break must be one of ${BREAKS.join(', ')}`)
  const { emulator } = world
  const start = setUp(world, c, brk)
  const inputs = inputsOf(world, c, brk)
  const env = c.edition === 'standard' && c.inputs.replicate_to ? world.env : {}
  const nodeArgs = brk === 'leak-secret' ? ['--require', LEAK] : []
  const run = extra => runAction({ ...inputs, ...extra }, env, { nodeArgs })
  const violations = []
  const fail = (property, detail) => violations.push({ property, detail })
  const runs = []
  const failing = failingByDesign(c, start)
  // (g) and (h): what may be deleted, and how many at most; each run is held to both.
  const gone = deletionsModel(world, c, start)
  const max = c.inputs.max_deletions ?? DEFAULT_MAX_DELETIONS
  const overLimit = gone.size > max
  const initial = repositoriesNow(world, c)
  let before = initial
  const deletedBy = which => {
    const after = repositoriesNow(world, c)
    const deleted = [...before].filter(key => !after.has(key))
    const outside = deleted.filter(key => !gone.has(key))
    if (outside.length > 0)
      fail(
        'g',
        `${which} deleted ${outside.join(', ')}: no prune pattern matches, not listed under ensure: absent`
      )
    if (deleted.length > max)
      fail('h', `${which} deleted ${deleted.length} repositories, more than max_deletions (${max})`)
    before = after
    return deleted
  }
  const overLimitRun = (which, r, written) => {
    if (r.exitCode === 0)
      fail(
        'h',
        `the plan deletes ${gone.size} repositories, more than max_deletions (${max}), and ${which} succeeded`
      )
    else if (!errorsOf(r).includes('max_deletions') && !gaveUp(r))
      fail('a', `${which} failed, but not for max_deletions: ${errorsOf(r)}`)
    if (written.length > 0)
      fail(
        'h',
        `the plan deletes more than max_deletions (${max}), and ${which} wrote: ${written.map(e => `${e.method} ${e.path}`).join(', ')}`
      )
  }

  let dryPlan
  if (c.inputs.dry_run) {
    const dry = await run({ dry_run: brk === 'dry-writes' ? 'false' : 'true' })
    runs.push(dry)
    deletedBy('the dry run')
    const written = writesIn(emulator.log)
    if (written.length > 0)
      fail('e', `the dry run wrote: ${written.map(e => `${e.method} ${e.path}`).join(', ')}`)
    if (overLimit) overLimitRun('the dry run', dry, [])
    else if (dry.exitCode !== 0 && failing.size === 0)
      fail('e', `the dry run failed: ${errorsOf(dry)}`)
    dryPlan = planOf(dry)
    if (brk === 'dry-writes') {
      // The broken harness made a real run: start again from the same state for the rest.
      setUp(world, c, 'none')
      before = repositoriesNow(world, c)
    }
    emulator.resetLog()
  }

  for (const f of c.faults)
    emulator.inject({
      method: f.route[0],
      path: new RegExp(f.route[1]),
      times: f.times,
      ...f.fault
    })
  const refusal = message => ({ error_code: 'SVCSTG.SWR.4000014', error_msg: message })
  if (brk === 'refuse-write')
    emulator.inject({
      method: 'POST',
      kind: 'status',
      status: 400,
      body: refusal('Invalid request')
    })
  let real = await run({ dry_run: 'false' })
  runs.push(real)
  deletedBy('the run')
  let log = [...emulator.log]
  const fired = firedFaults(log)
  emulator.clearFaults()

  if (overLimit) {
    // With at most two faults fired, every read is answered and the plan is the whole one.
    overLimitRun('the run', real, fired <= 2 ? writesIn(log) : [])
    emulator.resetLog()
    const again = await run({ dry_run: 'false' })
    runs.push(again)
    deletedBy('the second run')
    if (fired <= 2) overLimitRun('the second run', again, writesIn(emulator.log))
    const secrets = secretsOf(world, c)
    for (const r of runs) for (const leak of leaks(r, secrets)) fail('f', leak)
    return violations
  }

  const expectFailure = failing.size > 0
  const errors = errorsOf(real)
  if (expectFailure) {
    if (real.exitCode === 0)
      fail('a', `on_drift: fail with drift in ${[...failing]}, yet the run succeeded`)
    else if (!errors.includes('on_drift: fail') && !gaveUp(real))
      fail('a', `the run failed, but not for the drift: ${errors}`)
  } else if (real.exitCode !== 0) {
    if (fired <= 2) fail('a', `${fired} fault(s) fired and the run failed: ${errors}`)
    else if (!gaveUp(real))
      fail('a', `${fired} faults fired and the run failed without saying it gave up: ${errors}`)
  }
  // After a run that gave up, a run without faults must converge from wherever it stopped.
  if (real.exitCode !== 0 && !expectFailure && violations.length === 0) {
    emulator.resetLog()
    real = await run({ dry_run: 'false' })
    runs.push(real)
    deletedBy('the re-run')
    log = [...log, ...emulator.log]
    if (real.exitCode !== 0) fail('a', `the re-run without faults failed: ${errorsOf(real)}`)
  }

  const succeeded = real.exitCode === 0 || (expectFailure && violations.length === 0)
  if (succeeded) {
    const problems = []
    if (c.edition === 'standard') checkStandardState(world, c, start, failing, problems)
    // A namespace that drifts under on_drift: fail stops the whole instance run.
    else if (failing.size === 0) checkEnterpriseState(world, c, start, problems)
    if (c.edition === 'standard' || failing.size === 0)
      checkTakenDown(world, c, initial, gone, problems)
    for (const p of problems) fail('b', p)
    const doubled = []
    checkNoDoubleWrite(world, c, start, log, doubled)
    for (const p of doubled) fail('c', p)
    if (
      dryPlan !== undefined &&
      fired === 0 &&
      JSON.stringify(planOf(real)) !== JSON.stringify(dryPlan)
    )
      fail(
        'e',
        `the dry run planned ${JSON.stringify(dryPlan)}, the real run ${JSON.stringify(planOf(real))}`
      )

    emulator.resetLog()
    // Users renamed in IAM since (same id, new name), and the inputs naming them anew.
    const again = await run({ dry_run: 'false', ...renameUsers(world, c) })
    runs.push(again)
    deletedBy('the second run')
    const written = writesIn(emulator.log)
    if (written.length > 0)
      fail(
        'd',
        `the second run wrote: ${written.map(e => `${e.method} ${e.path} -> ${e.status}`).join(', ')}`
      )
    // An instance has no call that creates a repository: the first push does, so a missing one
    // is planned on every run without a write.
    const pushOnly = ch =>
      c.edition === 'enterprise' && ch.resource === 'repository' && ch.action === 'create'
    const planned = (planOf(again) ?? []).filter(ch => !pushOnly(ch))
    if (planned.length > 0) fail('d', `the second run planned ${JSON.stringify(planned)}`)
    if ((again.exitCode === 0) !== (failing.size === 0))
      fail('d', `the second run exited ${again.exitCode}: ${errorsOf(again)}`)
  }

  const secrets = secretsOf(world, c)
  for (const r of runs) for (const leak of leaks(r, secrets)) fail('f', leak)
  return violations
}

/**
 * The property: every case holds (a)-(f). `world` is started by the caller.
 * @param {Awaited<ReturnType<typeof startWorld>>} world
 * @param {{ break?: string }} [options]
 */
export const convergence = (world, options = {}) =>
  fc.asyncProperty(caseArb, async c => {
    const violations = await runCase(world, c, options)
    if (violations.length > 0)
      throw new Error(violations.map(v => `(${v.property}) ${v.detail}`).join('\n'))
  })

/**
 * Runs `runs` cases from `seed` in `streams` concurrent streams (stream k uses seed + k and its
 * own emulator). Resolves with { seed, runs, failures: [{ stream, seed, message }] }.
 */
export async function fuzz({
  runs,
  seed,
  streams = 1,
  break: brk = 'none',
  path,
  log = () => undefined
}) {
  const worlds = await Promise.all(Array.from({ length: streams }, () => startWorld()))
  try {
    const share = k => Math.floor(runs / streams) + (k < runs % streams ? 1 : 0)
    const results = await Promise.all(
      worlds.map(async (world, k) => {
        const streamSeed = (seed + k) | 0
        const numRuns = share(k)
        if (numRuns === 0) return undefined
        const details = await fc.check(convergence(world, { break: brk }), {
          seed: streamSeed,
          numRuns,
          ...(path !== undefined ? { path } : {})
        })
        log(
          `stream ${k}: seed ${streamSeed}, ${details.numRuns} cases, ${details.failed ? 'FAILED' : 'passed'}`
        )
        if (!details.failed) return undefined
        const reason = details.errorInstance instanceof Error ? details.errorInstance.message : ''
        return {
          stream: k,
          seed: streamSeed,
          path: details.counterexamplePath,
          message: `${fc.defaultReportMessage(details)}\nViolated:\n${reason}`
        }
      })
    )
    return { seed, runs, failures: results.filter(Boolean) }
  } finally {
    await Promise.all(worlds.map(w => w.close()))
  }
}
