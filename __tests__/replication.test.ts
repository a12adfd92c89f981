// Sharing with other accounts and replication to other regions, run as a runner runs the
// bundle, through a CONNECT proxy so that the default regional endpoints are used and the
// hosts called can be checked. The emulator keeps one SWR per region, chosen by the host.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ACCESS_VARIANTS, VARIANTS } from '../test/emulator/emulator.js'
import { errorsOf, planOf, resultOf, runAction, warningsOf } from './helpers/action.js'
import { baseInputs, startEmulator, writes, type Emulator } from './helpers/emulator.js'
import { fileCertificates } from './helpers/tls.js'
import { startConnectProxy } from '../test/support/connect-proxy.js'

const SOURCE = 'swr-api.cn-north-4.myhuaweicloud.com'
const SINGAPORE = 'swr-api.ap-southeast-1.myhuaweicloud.com'
const LATAM = 'swr-api.la-south-2.myhuaweicloud.com'
const tls = fileCertificates([SOURCE, SINGAPORE, LATAM, 'iam.cn-north-4.myhuaweicloud.com'])

let emulator: Emulator
let proxy: Awaited<ReturnType<typeof startConnectProxy>>
beforeAll(async () => {
  emulator = await startEmulator({ tls: { key: tls.key, cert: tls.cert } })
  proxy = await startConnectProxy(emulator.httpsPort as number)
})
afterAll(async () => {
  await proxy.close()
  await emulator.close()
})
beforeEach(() => {
  emulator.clearState()
  emulator.resetLog()
  proxy.connects.length = 0
})
afterEach(() => {
  emulator.clearFaults()
})

const env = { HTTPS_PROXY: '', NODE_EXTRA_CA_CERTS: tls.caFile }
const run = (extra: Record<string, string>) =>
  runAction({ ...baseInputs(emulator, extra), endpoint: '' }, { ...env, HTTPS_PROXY: proxy.url })
const both = {
  share_with: 'partner-account\nauditor-account until 2099-06-30',
  replicate_to: 'ap-southeast-1\nla-south-2/group-latam'
}
/** A run with OpenID Connect instead of keys; GitHub's token endpoint is outside the proxy. */
const keylessRun = (extra: Record<string, string>) =>
  runAction(
    {
      ...baseInputs(emulator, {
        access_key_id: '',
        secret_access_key: '',
        idp_id: emulator.oidc.idpId
      }),
      endpoint: '',
      ...extra
    },
    {
      ...env,
      HTTPS_PROXY: proxy.url,
      ACTIONS_ID_TOKEN_REQUEST_URL: emulator.oidc.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: emulator.oidc.requestToken
    }
  )

describe('a new repository shared with two accounts and replicated to two regions', () => {
  it('is shared, gets a rule per target, and the target organizations are made in their regions', async () => {
    emulator.knownAccounts.add('partner-account')
    emulator.knownAccounts.add('auditor-account')
    const first = await run(both)
    expect(errorsOf(first)).toBe('')
    expect(
      emulator
        .sharing('group', 'app')
        .map((s: { access_domain: string; deadline: string }) => [
          s.access_domain,
          s.deadline.slice(0, 10)
        ])
    ).toEqual([
      ['partner-account', 'forever'],
      ['auditor-account', '2099-06-30']
    ])
    expect(
      emulator
        .syncRules('group', 'app')
        .map((r: { remoteRegionId: string; remoteNamespace: string; override: boolean }) => [
          r.remoteRegionId,
          r.remoteNamespace,
          r.override
        ])
    ).toEqual([
      ['ap-southeast-1', 'group', false],
      ['la-south-2', 'group-latam', false]
    ])
    expect(emulator.inRegion('ap-southeast-1').namespace('group')).toBeDefined()
    expect(emulator.inRegion('la-south-2').namespace('group-latam')).toBeDefined()
    expect(first.outputs['replica_paths']).toBe(
      'swr.ap-southeast-1.myhuaweicloud.com/group/app\nswr.la-south-2.myhuaweicloud.com/group-latam/app'
    )
    expect(new Set(proxy.connects)).toEqual(
      new Set([`${SOURCE}:443`, `${SINGAPORE}:443`, `${LATAM}:443`])
    )
    // Only organizations are created in the target regions; everything else in the source's.
    const remote = emulator.log
      .filter(e => e.region !== 'cn-north-4')
      .map(e => `${e.region} ${e.method} ${e.path}`)
    expect(remote.sort()).toEqual([
      'ap-southeast-1 GET /v2/manage/namespaces/group',
      'ap-southeast-1 POST /v2/manage/namespaces',
      'la-south-2 GET /v2/manage/namespaces/group-latam',
      'la-south-2 POST /v2/manage/namespaces'
    ])
    expect(resultOf(first.outputs)[0]).toMatchObject({
      sharing: [
        { account: 'partner-account', deadline: 'forever', action: 'created' },
        { account: 'auditor-account', deadline: '2099-06-30T00:00:00Z', action: 'created' }
      ],
      replication: [
        { region: 'ap-southeast-1', namespace: 'group', action: 'created' },
        { region: 'la-south-2', namespace: 'group-latam', action: 'created' }
      ]
    })
    expect(first.summary).toContain('| Shared with | Replicated to |')

    // Converged: one read for the repository, one for its sharing, one for its rules; no write.
    emulator.resetLog()
    proxy.connects.length = 0
    const again = await run(both)
    expect(errorsOf(again)).toBe('')
    expect(emulator.log.map(e => `${e.method} ${e.path}`).sort()).toEqual([
      'GET /v2/manage/namespaces/group/repos/app',
      'GET /v2/manage/namespaces/group/repos/app/sync_repo',
      'GET /v2/manage/namespaces/group/repositories/app/access-domains'
    ])
    expect(emulator.log).toHaveLength(3)
    expect(new Set(proxy.connects)).toEqual(new Set([`${SOURCE}:443`]))
    expect(planOf(again.outputs)).toEqual([])
  })

  it('is planned alike by a dry run, which writes in no region', async () => {
    emulator.knownAccounts.add('partner-account')
    emulator.knownAccounts.add('auditor-account')
    const dry = await run({ ...both, dry_run: 'true' })
    expect(errorsOf(dry)).toBe('')
    expect(writes(emulator)).toEqual([])
    const real = await run(both)
    expect(planOf(real.outputs)).toEqual(planOf(dry.outputs))
    expect(
      planOf(dry.outputs).map(
        c => `${c['resource']} ${c['action']}${c['region'] ? ` in ${c['region']}` : ''}`
      )
    ).toEqual([
      'organization create',
      'organization create in ap-southeast-1',
      'organization create in la-south-2',
      'repository create',
      'sharing create',
      'sharing create',
      'replication create',
      'replication create'
    ])
  })

  it('is the same written with commas: the comma-separated run plans what the per-line run does', async () => {
    emulator.knownAccounts.add('partner-account')
    emulator.knownAccounts.add('auditor-account')
    const commas = {
      share_with: 'partner-account, auditor-account until 2099-06-30',
      replicate_to: 'ap-southeast-1, la-south-2/group-latam'
    }
    const dry = await run({ ...commas, dry_run: 'true' })
    expect(errorsOf(dry)).toBe('')
    const lines = await run({ ...both, dry_run: 'true' })
    expect(planOf(dry.outputs)).toEqual(planOf(lines.outputs))
    const real = await run(commas)
    expect(errorsOf(real)).toBe('')
    emulator.resetLog()
    const again = await run(both)
    expect(planOf(again.outputs)).toEqual([])
    expect(writes(emulator)).toEqual([])
  })
})

describe('drift in sharing and replication', () => {
  beforeEach(() => {
    emulator.knownAccounts.add('partner-account')
    emulator.knownAccounts.add('old-partner')
    emulator.addRepository('group', 'app')
    emulator.addSharing('group', 'app', { access_domain: 'old-partner', deadline: 'forever' })
    emulator.inRegion('la-south-2').addNamespace('old')
    emulator.addSyncRule('group', 'app', {
      remoteRegionId: 'la-south-2',
      remoteNamespace: 'old',
      syncAuto: true,
      override: false
    })
    emulator.inRegion('ap-southeast-1').addNamespace('group')
  })
  const inputs = { share_with: 'partner-account', replicate_to: 'ap-southeast-1' }

  it('keeps what is not listed under warn, and says so', async () => {
    const result = await run(inputs)
    expect(errorsOf(result)).toBe('')
    expect(warningsOf(result)).toContain('is shared with "old-partner", not listed in share_with')
    expect(warningsOf(result)).toContain(
      'has auto-sync to la-south-2/old, not listed in replicate_to'
    )
    expect(emulator.sharing('group', 'app')).toHaveLength(2)
    expect(emulator.syncRules('group', 'app')).toHaveLength(2)
  })

  it('removes what is not listed under update', async () => {
    const result = await run({ ...inputs, on_drift: 'update' })
    expect(errorsOf(result)).toBe('')
    expect(
      emulator.sharing('group', 'app').map((s: { access_domain: string }) => s.access_domain)
    ).toEqual(['partner-account'])
    expect(
      emulator.syncRules('group', 'app').map((r: { remoteRegionId: string }) => r.remoteRegionId)
    ).toEqual(['ap-southeast-1'])
  })

  it('fails the repository under fail, and changes nothing', async () => {
    const result = await run({ ...inputs, on_drift: 'fail' })
    expect(result.exitCode).toBe(1)
    expect(errorsOf(result)).toContain('not listed in share_with (on_drift: fail)')
    expect(writes(emulator)).toEqual([])
  })
})

describe('what cannot be done is reported, not skipped', () => {
  it('sharing a public repository', async () => {
    emulator.addRepository('group', 'app', { is_public: true })
    const result = await run({ share_with: 'partner-account' })
    expect(result.exitCode).toBe(1)
    expect(errorsOf(result)).toContain('is public, and SWR shares only private repositories')
    expect(writes(emulator)).toEqual([])
  })

  it('a target organization another account owns in the target region', async () => {
    emulator.inRegion('ap-southeast-1').addNamespace('group', 'other')
    const result = await run({ replicate_to: 'ap-southeast-1' })
    expect(result.exitCode).toBe(1)
    expect(errorsOf(result)).toContain('in ap-southeast-1 belongs to another account')
    expect(emulator.repository('group', 'app')).toBeDefined()
    expect(emulator.syncRules('group', 'app')).toEqual([])
    expect(result.outputs['replica_paths']).toBe('')
  })
})

describe('keyless, with a target region', () => {
  it('exchanges the OpenID Connect token once per region, each scoped to its project', async () => {
    const result = await keylessRun({ replicate_to: 'ap-southeast-1' })
    expect(errorsOf(result)).toBe('')
    const exchanges = emulator.log.filter(e => e.path === '/v3.0/OS-AUTH/id-token/tokens')
    expect(exchanges.map(e => e.status)).toEqual([201, 201])
    const remote = emulator.log.filter(e => e.region === 'ap-southeast-1')
    expect(remote.length).toBeGreaterThan(0)
    expect(remote.every(e => e.auth === 'token')).toBe(true)
    expect(emulator.inRegion('ap-southeast-1').namespace('group')).toBeDefined()
  })
})

const accessCases = (ACCESS_VARIANTS as readonly (keyof typeof VARIANTS)[]).flatMap(name =>
  VARIANTS[name].map(value => ({ name, value }))
)

describe.each(accessCases)('under $name: $value', ({ name, value }) => {
  beforeEach(() => {
    Object.assign(emulator.variants, { [name]: value })
    emulator.knownAccounts.add('partner-account')
    emulator.knownAccounts.add('old-partner')
  })
  afterEach(() => {
    Object.assign(emulator.variants, { [name]: VARIANTS[name][0] })
  })

  it('converges, a re-run writes nothing, and what is not listed is removed under update', async () => {
    const inputs = {
      share_with: 'partner-account until 2099-01-31',
      replicate_to: 'ap-southeast-1'
    }
    expect(errorsOf(await run(inputs))).toBe('')
    emulator.resetLog()
    const again = await run(inputs)
    expect(errorsOf(again)).toBe('')
    expect(writes(emulator)).toEqual([])
    emulator.addSharing('group', 'app', { access_domain: 'old-partner', deadline: 'forever' })
    emulator.inRegion('la-south-2').addNamespace('group')
    emulator.addSyncRule('group', 'app', {
      remoteRegionId: 'la-south-2',
      remoteNamespace: 'group',
      syncAuto: true,
      override: false
    })
    const pruned = await run({ ...inputs, on_drift: 'update' })
    expect(errorsOf(pruned)).toBe('')
    expect(
      emulator.sharing('group', 'app').map((s: { access_domain: string }) => s.access_domain)
    ).toEqual(['partner-account'])
    expect(
      emulator.syncRules('group', 'app').map((r: { remoteRegionId: string }) => r.remoteRegionId)
    ).toEqual(['ap-southeast-1'])
  })
})

describe('a target region that fails', () => {
  it.each(VARIANTS.foreignOrg)(
    "with another account's organization (reads answer %s) fails only the rule, naming the remedy",
    async answer => {
      Object.assign(emulator.variants, { foreignOrg: answer })
      try {
        emulator.inRegion('ap-southeast-1').addNamespace('group', 'other')
        const result = await run({ replicate_to: 'ap-southeast-1' })
        expect(result.exitCode).toBe(1)
        expect(errorsOf(result)).toContain('replicate_to: ap-southeast-1/another-name')
        expect(emulator.repository('group', 'app')).toBeDefined()
        expect(result.outputs['path']).toBe('swr.cn-north-4.myhuaweicloud.com/group/app')
        expect(result.outputs['replica_paths']).toBe('')
        expect(resultOf(result.outputs)[0]).toMatchObject({
          replication: [{ region: 'ap-southeast-1', action: 'failed' }]
        })
      } finally {
        Object.assign(emulator.variants, { foreignOrg: VARIANTS.foreignOrg[0] })
      }
    }
  )

  it('that cannot be read fails only the rules to it, and the summary is written', async () => {
    emulator.inject({
      method: 'GET',
      path: '/v2/manage/namespaces/group',
      kind: 'status',
      status: 503,
      body: {},
      times: 100
    })
    const result = await runAction(
      { ...baseInputs(emulator, { replicate_to: 'ap-southeast-1' }), endpoint: '' },
      { ...env, HTTPS_PROXY: proxy.url, SWR_ACTION_MAX_ATTEMPTS: '2' }
    )
    expect(result.exitCode).toBe(1)
    expect(emulator.repository('group', 'app')).toBeDefined()
    expect(result.summary).toContain('Replicated to')
  })
})

describe('writes right after a create', () => {
  it('share and replicate a repository SWR does not show yet', async () => {
    emulator.knownAccounts.add('partner-account')
    emulator.settings.consistencyLagMs = 150
    try {
      const result = await runAction(
        {
          ...baseInputs(emulator, {
            share_with: 'partner-account',
            replicate_to: 'ap-southeast-1'
          }),
          endpoint: ''
        },
        { ...env, HTTPS_PROXY: proxy.url, SWR_ACTION_RETRY_BASE_MS: '60' }
      )
      expect(errorsOf(result)).toBe('')
      expect(
        emulator.sharing('group', 'app').map((s: { access_domain: string }) => s.access_domain)
      ).toEqual(['partner-account'])
      expect(
        emulator.syncRules('group', 'app').map((r: { remoteRegionId: string }) => r.remoteRegionId)
      ).toEqual(['ap-southeast-1'])
    } finally {
      emulator.settings.consistencyLagMs = 0
    }
  })
})

describe('half-way', () => {
  it('a replaced rule whose new one cannot be created says images are no longer copied there', async () => {
    emulator.addRepository('group', 'app')
    emulator.inRegion('ap-southeast-1').addNamespace('group')
    emulator.addSyncRule('group', 'app', {
      remoteRegionId: 'ap-southeast-1',
      remoteNamespace: 'group',
      syncAuto: true,
      override: true
    })
    emulator.inject({
      method: 'POST',
      path: /\/sync_repo$/,
      kind: 'status',
      status: 400,
      body: { error_code: 'SVCSTG.SWR.4000014', error_msg: 'bad' }
    })
    const result = await run({ replicate_to: 'ap-southeast-1' })
    expect(result.exitCode).toBe(1)
    expect(errorsOf(result)).toContain('was deleted first, so images are no longer copied there')
    expect(result.outputs['replica_paths']).toBe('')
  })

  it('a rule that is skipped because sharing failed before it has no replica path', async () => {
    const result = await run({ share_with: 'nobody-known', replicate_to: 'ap-southeast-1' })
    expect(result.exitCode).toBe(1)
    expect(resultOf(result.outputs)[0]).toMatchObject({
      replication: [{ region: 'ap-southeast-1', action: 'skipped' }]
    })
    expect(result.outputs['replica_paths']).toBe('')
  })
})

const SHARING = '/v2/manage/namespaces/group/repositories/app/access-domains'

describe('sharing with an account that has access already (409)', () => {
  // Another run shared it between this run's read and its create: the read shows nobody.
  const raced = (deadline: string) => {
    emulator.knownAccounts.add('partner-account')
    emulator.addRepository('group', 'app')
    emulator.addSharing('group', 'app', { access_domain: 'partner-account', deadline })
    emulator.inject({ method: 'GET', path: SHARING, kind: 'status', status: 200, body: [] })
  }

  it('reads the sharing back and changes its deadline to the one wanted', async () => {
    raced('2099-01-31T00:00:00Z')
    const result = await run({ share_with: 'partner-account' })
    expect(errorsOf(result)).toBe('')
    expect(writes(emulator).map(e => `${e.method} ${e.status}`)).toEqual(['POST 409', 'PATCH 201'])
    expect(emulator.sharing('group', 'app').map((s: { deadline: string }) => s.deadline)).toEqual([
      'forever'
    ])
  })

  it('reads the sharing back and leaves it when its deadline is the one wanted', async () => {
    raced('forever')
    const result = await run({ share_with: 'partner-account' })
    expect(errorsOf(result)).toBe('')
    expect(writes(emulator).map(e => `${e.method} ${e.status}`)).toEqual(['POST 409'])
    expect(resultOf(result.outputs)[0]?.['sharing']).toEqual([
      { account: 'partner-account', deadline: 'forever', action: 'created' }
    ])
  })

  it('that SWR answers "system busy" (409 4090023) is retried, not read as shared', async () => {
    emulator.knownAccounts.add('partner-account')
    emulator.addRepository('group', 'app')
    emulator.inject({
      method: 'POST',
      path: SHARING,
      kind: 'status',
      status: 409,
      body: { error_code: 'SVCSTG.SWR.4090023', error_msg: 'The system is busy.' }
    })
    const result = await run({ share_with: 'partner-account' })
    expect(errorsOf(result)).toBe('')
    expect(writes(emulator).map(e => `${e.method} ${e.status}`)).toEqual(['POST 409', 'POST 201'])
    expect(emulator.sharing('group', 'app')).toHaveLength(1)
  })
})

describe('a delete whose answer is lost counts as done when its retry says the thing is gone', () => {
  it('stopping a sharing: the retry answers 400 4001090', async () => {
    emulator.knownAccounts.add('partner-account')
    emulator.knownAccounts.add('old-partner')
    emulator.addRepository('group', 'app')
    emulator.addSharing('group', 'app', { access_domain: 'partner-account', deadline: 'forever' })
    emulator.addSharing('group', 'app', { access_domain: 'old-partner', deadline: 'forever' })
    emulator.inject({ method: 'DELETE', path: `${SHARING}/old-partner`, kind: 'lose-answer' })
    const result = await run({ share_with: 'partner-account', on_drift: 'update' })
    expect(errorsOf(result)).toBe('')
    expect(writes(emulator).map(e => `${e.method} ${e.status} ${e.code ?? ''}`.trim())).toEqual([
      'DELETE 204',
      'DELETE 400 SVCSTG.SWR.4001090'
    ])
    expect(
      emulator.sharing('group', 'app').map((s: { access_domain: string }) => s.access_domain)
    ).toEqual(['partner-account'])
  })

  it.each(VARIANTS.deleteMissingSyncRule)(
    'deleting an auto-sync rule, when a missing rule is answered %s',
    async answer => {
      Object.assign(emulator.variants, { deleteMissingSyncRule: answer })
      try {
        emulator.addRepository('group', 'app')
        emulator.inRegion('ap-southeast-1').addNamespace('group')
        emulator.inRegion('la-south-2').addNamespace('group')
        for (const region of ['ap-southeast-1', 'la-south-2'])
          emulator.addSyncRule('group', 'app', {
            remoteRegionId: region,
            remoteNamespace: 'group',
            syncAuto: true,
            override: false
          })
        emulator.inject({ method: 'DELETE', path: /\/sync_repo$/, kind: 'lose-answer' })
        const result = await run({ replicate_to: 'ap-southeast-1', on_drift: 'update' })
        expect(errorsOf(result)).toBe('')
        const deletes = writes(emulator).filter(e => e.method === 'DELETE')
        expect(deletes).toHaveLength(2)
        expect(deletes[0]?.status).toBe(200)
        expect(
          `${deletes[1]?.status}${deletes[1]?.code ? `-${deletes[1].code.slice(11)}` : ''}`
        ).toBe(answer)
        expect(
          emulator
            .syncRules('group', 'app')
            .map((r: { remoteRegionId: string }) => r.remoteRegionId)
        ).toEqual(['ap-southeast-1'])
      } finally {
        Object.assign(emulator.variants, {
          deleteMissingSyncRule: VARIANTS.deleteMissingSyncRule[0]
        })
      }
    }
  )
})

describe('keyless and converged', () => {
  it('exchanges no token for a target region it does not call', async () => {
    emulator.addRepository('group', 'app')
    emulator.inRegion('ap-southeast-1').addNamespace('group')
    emulator.addSyncRule('group', 'app', {
      remoteRegionId: 'ap-southeast-1',
      remoteNamespace: 'group',
      syncAuto: true,
      override: false
    })
    const result = await keylessRun({ replicate_to: 'ap-southeast-1' })
    expect(errorsOf(result)).toBe('')
    expect(emulator.log.filter(e => e.path === '/v3.0/OS-AUTH/id-token/tokens')).toHaveLength(1)
  })
})

describe('account names', () => {
  it('match whatever their case, in the plan and in the result', async () => {
    emulator.knownAccounts.add('partner-account')
    emulator.addRepository('group', 'app')
    emulator.addSharing('group', 'app', { access_domain: 'partner-account', deadline: 'forever' })
    const result = await run({ share_with: 'Partner-Account' })
    expect(errorsOf(result)).toBe('')
    expect(writes(emulator)).toEqual([])
    expect(resultOf(result.outputs)[0]?.['sharing']).toEqual([
      { account: 'Partner-Account', deadline: 'forever', action: 'unchanged' }
    ])
  })
})

describe('a sharing create answered 409', () => {
  const SHARING = '/v2/manage/namespaces/group/repositories/app/access-domains'
  const received = async (method: string) => {
    for (
      let i = 0;
      i < 300 && !emulator.log.some(e => e.method === method && e.path === SHARING);
      i++
    ) {
      await new Promise(resolve => setTimeout(resolve, 10))
    }
  }
  const sharingWrites = () =>
    writes(emulator)
      .filter(e => e.path.startsWith(SHARING))
      .map(e => `${e.method} ${e.status}`)

  it('from another run that shared on the same terms meanwhile is found done: changed is false', async () => {
    emulator.addRepository('group', 'app')
    emulator.knownAccounts.add('partner-account')
    emulator.inject({ kind: 'delay', method: 'POST', path: SHARING, delayMs: 300 })
    const running = run({ share_with: 'partner-account' })
    await received('POST')
    emulator.addSharing('group', 'app', { access_domain: 'partner-account' })
    const result = await running
    expect(errorsOf(result)).toBe('')
    expect(sharingWrites()).toEqual(['POST 409'])
    expect(result.outputs['changed']).toBe('false')
    expect(resultOf<{ sharing: { action: string }[] }>(result.outputs)[0]?.sharing).toEqual([
      { account: 'partner-account', deadline: 'forever', action: 'created' }
    ])
  })

  it("after this run's own create whose answer was lost counts as this run's: changed is true", async () => {
    emulator.addRepository('group', 'app')
    emulator.knownAccounts.add('partner-account')
    // The POST takes effect, its answer is lost; the read-back does not show it yet, so the
    // POST is sent again and answered 409: the sharing is the lost attempt's, this run's.
    emulator.inject({ kind: 'lose-answer', method: 'POST', path: SHARING, delayMs: 300 })
    const running = run({ share_with: 'partner-account' })
    await received('POST')
    emulator.inject({
      kind: 'rewrite',
      patch: { access_domain: 'someone-else' },
      method: 'GET',
      path: SHARING
    })
    const result = await running
    expect(errorsOf(result)).toBe('')
    expect(sharingWrites()).toEqual(['POST 201', 'POST 409'])
    expect(emulator.sharing('group', 'app')).toHaveLength(1)
    expect(result.outputs['changed']).toBe('true')
  })
})
