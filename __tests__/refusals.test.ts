// Credentials SWR refuses stop the run at the first answer that says so, against the bundle:
// one error naming the cause and the fix, no request after it, and a plan line saying nothing
// could be planned. A 401 about one organization (another account's) is not such a refusal.
import { describe, expect, it } from 'vitest'
import { AUTH_VARIANTS, VARIANTS } from '../test/emulator/emulator.js'
import { signRequest } from '../src/http/signer.js'
import { errorsOf, resultOf, runAction, visibleLog, warningsOf } from './helpers/action.js'
import type { ActionRun } from './helpers/action.js'
import {
  baseInputs,
  emulatorPerTest,
  requests,
  startEmulator,
  writes,
  type Emulator
} from './helpers/emulator.js'
import { eeInputs, startWithInstance } from './helpers/enterprise.js'

let emulator: Emulator
emulatorPerTest(started => (emulator = started))

const REGISTRY = 'swr.cn-north-4.myhuaweicloud.com'
const NOTHING_PLANNED =
  'Plan: nothing could be planned, because SWR refused the credentials before anything was read.'
const FIVE = 'a,b,c,d,e'
const wrongSecret = (e: Emulator) => `${e.accounts.main.secretAccessKey}x`

/** The ::error:: lines of a run, one per annotation. */
const errorLines = (run: ActionRun) => run.stdout.split('\n').filter(l => l.startsWith('::error'))

describe('a wrong secret access key', () => {
  it('on a batch of 5: exactly one request, one error naming the cause and the fix, nothing planned', async () => {
    const run = await runAction(
      baseInputs(emulator, { repository: FIVE, secret_access_key: wrongSecret(emulator) })
    )
    expect(run.exitCode).toBe(1)
    expect(requests(emulator)).toEqual(['GET /v2/manage/repos?namespace=group&limit=1000&offset=0'])
    expect(errorLines(run)).toHaveLength(1)
    const error = errorsOf(run)
    expect(error).toContain('HTTP 401 APIGW.0301: Incorrect IAM authentication information')
    expect(error).toContain('The secret access key does not match the access key id')
    expect(error).toContain('no further request was sent')
    expect(error).toContain('input access_key_id and input secret_access_key')
    expect(visibleLog(run)).toContain(NOTHING_PLANNED)
    expect(visibleLog(run)).not.toMatch(/Repository "group\/.": failed/)
    expect(visibleLog(run)).not.toContain(wrongSecret(emulator))
  })

  it('on 2 repositories read at once: no request starts after the first refusal is known', async () => {
    emulator.settings.latencyMs = 20
    const run = await runAction(
      baseInputs(emulator, { repository: 'a,b', secret_access_key: wrongSecret(emulator) })
    )
    expect(run.exitCode).toBe(1)
    // The two reads leave together, before any answer: each may be refused, none follows.
    expect(
      requests(emulator).every(r => r.startsWith('GET /v2/manage/namespaces/group/repos/'))
    ).toBe(true)
    expect(requests(emulator).length).toBeLessThanOrEqual(2)
    expect(errorLines(run)).toHaveLength(1)
    expect(visibleLog(run)).toContain(NOTHING_PLANNED)
  })

  it('leaves the key usable: the gateway locks a key after five failed signatures in a row', async () => {
    const failed = await runAction(
      baseInputs(emulator, {
        repository: 'a,b,c,d,e,f,g,h',
        secret_access_key: wrongSecret(emulator)
      })
    )
    expect(failed.exitCode).toBe(1)
    expect(requests(emulator)).toHaveLength(1)
    const fixed = await runAction(baseInputs(emulator, { repository: 'a,b,c,d,e,f,g,h' }))
    expect(errorsOf(fixed)).toBe('')
    expect(emulator.state.repositories.size).toBe(8)
  })

  it('in a dry run: one request, one error, nothing planned', async () => {
    const run = await runAction(
      baseInputs(emulator, {
        repository: FIVE,
        dry_run: 'true',
        secret_access_key: wrongSecret(emulator)
      })
    )
    expect(run.exitCode).toBe(1)
    expect(requests(emulator)).toHaveLength(1)
    expect(errorLines(run)).toHaveLength(1)
    expect(visibleLog(run)).toContain(NOTHING_PLANNED)
  })
})

describe('other refusals of the credentials', () => {
  it('an unknown access key id: one request, and the error names the access key id', async () => {
    const run = await runAction(
      baseInputs(emulator, { repository: FIVE, access_key_id: 'AKUNKNOWN0123456789X' })
    )
    expect(run.exitCode).toBe(1)
    expect(requests(emulator)).toHaveLength(1)
    expect(errorLines(run)).toHaveLength(1)
    expect(errorsOf(run)).toContain('The access key id is unknown to IAM')
  })

  it('a locked key: the error says it unlocks by itself and that the secret must be fixed first', async () => {
    // Five failed signatures in a row, as five separate runs of an older version would send.
    const keys = emulator.accounts.main
    for (let i = 0; i < 5; i++) {
      const url = new URL('/v2/manage/namespaces/group', emulator.url)
      const headers = signRequest(
        { method: 'GET', url, headers: { 'Content-Type': 'application/json' }, body: '' },
        { accessKeyId: keys.accessKeyId, secretAccessKey: wrongSecret(emulator) }
      )
      expect((await fetch(url, { headers })).status).toBe(401)
    }
    const run = await runAction(baseInputs(emulator, { repository: FIVE }))
    expect(run.exitCode).toBe(1)
    expect(errorLines(run)).toHaveLength(1)
    expect(errorsOf(run)).toContain('AK access failed to reach the limit')
    expect(errorsOf(run)).toContain('unlocks by itself after about 5 minutes')
    expect(requests(emulator).slice(5)).toHaveLength(1)
  })

  it('a 403 with a gateway authentication code stops the run as a 401 does', async () => {
    emulator.inject({
      method: 'GET',
      path: /^\/v2\/manage\//,
      kind: 'status',
      status: 403,
      body: { error_code: 'APIGW.0303', error_msg: 'Incorrect app authentication information' },
      times: 10
    })
    const run = await runAction(baseInputs(emulator, { repository: FIVE }))
    expect(run.exitCode).toBe(1)
    expect(requests(emulator)).toHaveLength(1)
    expect(errorLines(run)).toHaveLength(1)
    expect(visibleLog(run)).toContain(NOTHING_PLANNED)
  })

  it('a 403 for a permission stays with its repository: the others go on', async () => {
    emulator.addNamespace('group')
    emulator.inject({
      method: 'POST',
      path: '/v2/manage/namespaces/group/repos',
      kind: 'status',
      status: 403,
      body: { error_code: 'SVCSTG.SWR.4039001', error_msg: 'No permission' }
    })
    const run = await runAction(baseInputs(emulator, { repository: FIVE, registry: REGISTRY }))
    expect(run.exitCode).toBe(1)
    expect(emulator.state.repositories.size).toBe(4)
    expect(errorsOf(run)).not.toContain('refused the credentials')
  })

  it('refused half-way (after the plan): what was done is reported, the refusal is the one error, nothing is sent after it', async () => {
    emulator.addNamespace('group')
    emulator.addRepository('group', 'a')
    emulator.inject({
      method: 'POST',
      path: '/v2/manage/namespaces/group/repos',
      kind: 'status',
      status: 401,
      body: {
        error_code: 'APIGW.0301',
        error_msg: 'Incorrect IAM authentication information: security token expired'
      }
    })
    const run = await runAction(baseInputs(emulator, { repository: FIVE, registry: REGISTRY }))
    expect(run.exitCode).toBe(1)
    // The list, then the creates that left before the refusal was known (at most the pool's 8).
    const posts = writes(emulator)
    expect(posts.length).toBeGreaterThanOrEqual(1)
    expect(posts.length).toBeLessThanOrEqual(4)
    expect(errorLines(run)).toHaveLength(1)
    expect(errorsOf(run)).toContain('The security token does not belong to these temporary keys')
    expect(visibleLog(run)).toContain('Plan: 4 changes:')
    expect(visibleLog(run)).not.toContain(NOTHING_PLANNED)
    const result = resultOf<{ repository: string; action: string; error?: string }>(run.outputs)
    expect(result[0]).toMatchObject({ repository: 'a', action: 'unchanged' })
    const created = result.filter(r => r.action === 'created').length
    expect(created).toBe(emulator.state.repositories.size - 1)
    for (const r of result.filter(r => r.action === 'failed')) {
      expect(r.error).toContain('SWR refused the credentials')
    }
    expect(run.outputs['changed']).toBe(created > 0 ? 'true' : 'false')
  })
})

describe.each(AUTH_VARIANTS.flatMap(name => VARIANTS[name as 'expiredToken']))(
  'an expired IAM token (expiredToken: %s)',
  variant => {
    it('stops the run at its first SWR request, with one error that says to run again', async () => {
      await emulator.close()
      emulator = await startEmulator({ variants: { expiredToken: variant }, iamTokenLifetimeMs: 0 })
      const run = await runAction(
        baseInputs(emulator, {
          repository: FIVE,
          access_key_id: '',
          secret_access_key: '',
          idp_id: emulator.oidc.idpId,
          iam_endpoint: emulator.url
        }),
        {
          ACTIONS_ID_TOKEN_REQUEST_URL: emulator.oidc.requestUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: emulator.oidc.requestToken
        }
      )
      expect(run.exitCode).toBe(1)
      expect(emulator.log.filter(e => e.path.startsWith('/v2'))).toHaveLength(1)
      expect(emulator.log.at(-1)?.code).toBe(variant)
      expect(errorLines(run)).toHaveLength(1)
      expect(errorsOf(run)).toContain('The IAM token has expired or is not valid in this region')
      expect(visibleLog(run)).toContain(NOTHING_PLANNED)
    })
  }
)

describe("a 401 about one organization (SVCSTG.SWR.4011064, another account's)", () => {
  it('does not stop the run: every repository is tried and told why', async () => {
    emulator.variants.foreignOrg = '401'
    emulator.addNamespace('group', 'other')
    const run = await runAction(baseInputs(emulator, { repository: 'a,b' }))
    expect(run.exitCode).toBe(1)
    expect(
      requests(emulator).filter(r => r.startsWith('GET /v2/manage/namespaces/group/repos/'))
    ).toHaveLength(2)
    expect(errorsOf(run)).toContain('belongs to another account')
    expect(errorsOf(run)).not.toContain('refused the credentials')
    expect(visibleLog(run)).not.toContain(NOTHING_PLANNED)
  })
})

describe('Enterprise Edition', () => {
  it('a wrong secret key: exactly one request, one error, nothing planned', async () => {
    const ee = await startWithInstance()
    try {
      const run = await runAction(
        eeInputs(ee, { repository: FIVE, secret_access_key: wrongSecret(ee) })
      )
      expect(run.exitCode).toBe(1)
      expect(ee.log).toHaveLength(1)
      expect(errorLines(run)).toHaveLength(1)
      expect(errorsOf(run)).toContain('The secret access key does not match the access key id')
      expect(visibleLog(run)).toContain(NOTHING_PLANNED)
    } finally {
      await ee.close()
    }
  })

  it('credentials refused first at the feature-gate read (a retention of two rules): one error, nothing planned, the run stops there', async () => {
    const ee = await startWithInstance()
    try {
      ee.inject({
        kind: 'status',
        method: 'GET',
        path: /\/feature-gates$/,
        status: 401,
        body: {
          error_code: 'APIGW.0301',
          error_msg: 'Incorrect IAM authentication information: verify aksk signature fail'
        }
      })
      const run = await runAction(eeInputs(ee, { repository: FIVE, retention_keep_last: '10' }))
      expect(run.exitCode).toBe(1)
      expect(errorLines(run)).toHaveLength(1)
      expect(errorsOf(run)).toContain('read the feature gates of the instance')
      expect(errorsOf(run)).toContain('no further request was sent')
      // The refusal stops the run: nothing is planned on what was read before it.
      expect(visibleLog(run)).toContain(NOTHING_PLANNED)
      expect(visibleLog(run)).not.toMatch(/Repository "group\/.": failed/)
      expect(run.outputs['plan']).toBeUndefined()
      // Nothing after the refusal: the feature-gate read is the last request.
      expect(ee.log.at(-1)?.path).toMatch(/\/feature-gates$/)
      expect(ee.log.filter(e => e.method !== 'GET')).toEqual([])
    } finally {
      await ee.close()
    }
  })

  it('a wrong secret key with the registry given: one request, one error', async () => {
    const ee = await startWithInstance()
    try {
      const run = await runAction(
        eeInputs(ee, {
          repository: FIVE,
          registry: 'reg.example.com',
          secret_access_key: wrongSecret(ee)
        })
      )
      expect(run.exitCode).toBe(1)
      expect(ee.log).toHaveLength(1)
      expect(errorLines(run)).toHaveLength(1)
      expect(warningsOf(run)).toBe('')
    } finally {
      await ee.close()
    }
  })
})
