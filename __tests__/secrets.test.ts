// Secret hygiene across every success and failure path, with debug logging on: the secret key,
// security token, OpenID Connect token and IAM token never reach stdout (beyond the
// ::add-mask:: commands the runner consumes), stderr, an output or the summary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAction, visibleLog, type ActionRun } from './helpers/action.js'
import { baseInputs, startEmulator, type Emulator } from './helpers/emulator.js'
import { fileCertificates } from './helpers/tls.js'

let emulator: Emulator
const tls = fileCertificates(['localhost'])
beforeAll(async () => {
  emulator = await startEmulator({ tls: { key: tls.key, cert: tls.cert } })
})
afterAll(async () => {
  await emulator.close()
})

function expectNoSecret(run: ActionRun, secrets: string[]): void {
  const places = {
    log: visibleLog(run),
    stderr: run.stderr,
    outputs: JSON.stringify(run.outputs),
    summary: run.summary
  }
  for (const secret of secrets.filter(Boolean)) {
    for (const [place, text] of Object.entries(places)) {
      expect(
        text.includes(secret),
        `a secret of ${secret.length} characters appears in the ${place}`
      ).toBe(false)
    }
  }
}

type Scenario = [
  string,
  (e: Emulator) => Record<string, string>,
  (e: Emulator) => Record<string, string>,
  number
]

const sts = (e: Emulator) => ({
  access_key_id: e.sts.accessKeyId,
  secret_access_key: e.sts.secretAccessKey,
  security_token: e.sts.securityToken
})
const oidc = (e: Emulator) => ({
  access_key_id: '',
  secret_access_key: '',
  idp_id: e.oidc.idpId,
  iam_endpoint: e.url
})
const oidcEnv = (e: Emulator) => ({
  ACTIONS_ID_TOKEN_REQUEST_URL: e.oidc.requestUrl,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: e.oidc.requestToken
})
const none = () => ({})

const scenarios: Scenario[] = [
  ['long-term keys, success', e => baseInputs(e, { repository: 'a1' }), none, 0],
  [
    'long-term keys with docker login outputs',
    e => baseInputs(e, { repository: 'a2', docker_login_outputs: 'true' }),
    none,
    0
  ],
  ['temporary keys, success', e => baseInputs(e, { repository: 'a3', ...sts(e) }), none, 0],
  [
    'temporary keys with docker login outputs',
    e => baseInputs(e, { repository: 'a4', ...sts(e), docker_login_outputs: 'true' }),
    none,
    0
  ],
  ['OpenID Connect, success', e => baseInputs(e, { repository: 'a5', ...oidc(e) }), oidcEnv, 0],
  [
    'OpenID Connect with docker login outputs',
    e => baseInputs(e, { repository: 'a6', ...oidc(e), docker_login_outputs: 'true' }),
    oidcEnv,
    0
  ],
  [
    'keys from variables',
    e => baseInputs(e, { repository: 'a7', access_key_id: '', secret_access_key: '' }),
    e => ({
      HUAWEI_CLOUD_ACCESS_KEY_ID: e.sts.accessKeyId,
      HUAWEI_CLOUD_SECRET_ACCESS_KEY: e.sts.secretAccessKey,
      HUAWEI_CLOUD_SECURITY_TOKEN: e.sts.securityToken
    }),
    0
  ],
  [
    'a wrong secret key (401)',
    e => baseInputs(e, { secret_access_key: 'Wr0ngSecretKeyThatMustNotLeak' }),
    none,
    1
  ],
  [
    'temporary keys without the token (401)',
    e => baseInputs(e, { ...sts(e), security_token: '' }),
    none,
    1
  ],
  [
    'an invalid input after the keys were read',
    e => baseInputs(e, { ...sts(e), retention_keep_last: 'x' }),
    none,
    1
  ],
  [
    'only the secret key given',
    e => baseInputs(e, { access_key_id: '', secret_access_key: e.sts.secretAccessKey }),
    none,
    1
  ],
  [
    'a malformed secret key',
    e => baseInputs(e, { secret_access_key: 'two words secret' }),
    none,
    1
  ],
  [
    'OpenID Connect refused by IAM',
    e => baseInputs(e, { ...oidc(e), oidc_audience: 'wrong' }),
    oidcEnv,
    1
  ],
  [
    'an untrusted TLS certificate',
    e => baseInputs(e, { ...sts(e), endpoint: e.httpsUrl as string }),
    none,
    1
  ]
]

describe.each(scenarios)('%s', (_name, inputs, env, exitCode) => {
  it('leaks no secret, with RUNNER_DEBUG=1', async () => {
    const run = await runAction(inputs(emulator), { ...env(emulator), RUNNER_DEBUG: '1' })
    expect(run.exitCode).toBe(exitCode)
    const given = Object.values({ ...inputs(emulator), ...env(emulator) })
    expectNoSecret(run, [
      emulator.accounts.main.secretAccessKey,
      emulator.sts.secretAccessKey,
      emulator.sts.securityToken,
      emulator.oidc.requestToken,
      ...emulator.issued.idTokens,
      ...emulator.issued.iamTokens,
      ...given.filter(v => /secret|Secret/.test(v))
    ])
  })
})

describe('an input checked after the credentials', () => {
  it('fails after every secret was masked, with its own message', async () => {
    const run = await runAction(
      baseInputs(emulator, { ...sts(emulator), retention_keep_last: 'x' })
    )
    const lines = run.stdout.split('\n')
    const failure = lines.findIndex(l => l.startsWith('::error::'))
    expect(lines[failure]).toBe(
      '::error::Input "retention_keep_last" is "x": it must be a whole number from 1 to 1000000.'
    )
    for (const secret of [emulator.sts.secretAccessKey, emulator.sts.securityToken]) {
      const masked = lines.indexOf(`::add-mask::${secret}`)
      expect(masked).toBeGreaterThanOrEqual(0)
      expect(masked).toBeLessThan(failure)
    }
  })
})

describe('an error body that quotes our credentials back', () => {
  it('is redacted before it is printed', async () => {
    const { securityToken, secretAccessKey } = emulator.sts
    emulator.inject({
      method: 'GET',
      kind: 'status',
      status: 400,
      body: {
        error_code: 'APIGW.0101',
        error_msg: `bad header X-Security-Token: ${securityToken} (key ${secretAccessKey})`
      }
    })
    const run = await runAction(baseInputs(emulator, sts(emulator)), { RUNNER_DEBUG: '1' })
    expect(run.exitCode).toBe(1)
    expect(visibleLog(run)).toContain('bad header X-Security-Token: *** (key ***)')
    expectNoSecret(run, [securityToken, secretAccessKey])
  })
})
