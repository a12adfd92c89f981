// Credentials and endpoints for every deployment, against the bundle: long-term and temporary
// keys from inputs and variables, keyless OpenID Connect, HTTPS with a private CA, a CONNECT
// proxy, and the docker login outputs.
import { createHmac } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { errorsOf, runAction, visibleLog } from './helpers/action.js'
import { baseInputs, requests, startEmulator, type Emulator } from './helpers/emulator.js'
import { fileCertificates } from './helpers/tls.js'
import { startConnectProxy } from '../test/support/connect-proxy.js'

const HOSTS = [
  'swr-api.cn-north-4.myhuaweicloud.com',
  'iam.cn-north-4.myhuaweicloud.com',
  'localhost'
]
const tls = fileCertificates(HOSTS)

let emulator: Emulator
beforeEach(async () => {
  emulator = await startEmulator({ tls: { key: tls.key, cert: tls.cert } })
})
afterEach(async () => {
  await emulator.close()
})

const noKeys = { access_key_id: '', secret_access_key: '' }

function oidcEnv(e: Emulator): Record<string, string> {
  return {
    ACTIONS_ID_TOKEN_REQUEST_URL: e.oidc.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: e.oidc.requestToken
  }
}

describe('access keys', () => {
  it('long-term keys from the inputs are signed without a security token', async () => {
    const run = await runAction(baseInputs(emulator))
    expect(run.exitCode).toBe(0)
    expect(new Set(emulator.log.map(e => e.auth))).toEqual(new Set(['aksk']))
    expect(visibleLog(run)).toContain(
      'Authenticating with long-term access keys from input access_key_id and input secret_access_key'
    )
  })

  it('temporary (STS) keys send and sign X-Security-Token', async () => {
    const { sts } = emulator
    const run = await runAction(
      baseInputs(emulator, {
        access_key_id: sts.accessKeyId,
        secret_access_key: sts.secretAccessKey,
        security_token: sts.securityToken
      })
    )
    expect(errorsOf(run)).toBe('')
    expect(new Set(emulator.log.map(e => e.auth))).toEqual(new Set(['sts']))
  })

  it('temporary keys without their token are refused by the service with a hint', async () => {
    const { sts } = emulator
    const run = await runAction(
      baseInputs(emulator, {
        access_key_id: sts.accessKeyId,
        secret_access_key: sts.secretAccessKey
      })
    )
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain(
      'HTTP 401 APIGW.0301: Incorrect IAM authentication information: invalid security token'
    )
  })

  it('keys and token from the variables huaweicloud/auth-action exports', async () => {
    const { sts } = emulator
    const run = await runAction(baseInputs(emulator, noKeys), {
      HUAWEI_CLOUD_ACCESS_KEY_ID: sts.accessKeyId,
      HUAWEI_CLOUD_SECRET_ACCESS_KEY: sts.secretAccessKey,
      HUAWEI_CLOUD_SECURITY_TOKEN: sts.securityToken,
      HUAWEICLOUD_SDK_AK: 'ignored-because-auth-action-variables-come-first',
      HUAWEICLOUD_SDK_SK: 'ignored'
    })
    expect(errorsOf(run)).toBe('')
    expect(emulator.log[0]?.auth).toBe('sts')
  })

  it('keys from the SDK variables', async () => {
    const main = emulator.accounts.main
    const run = await runAction(baseInputs(emulator, noKeys), {
      HUAWEICLOUD_SDK_AK: main.accessKeyId,
      HUAWEICLOUD_SDK_SK: main.secretAccessKey
    })
    expect(errorsOf(run)).toBe('')
    expect(visibleLog(run)).toContain('from HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK')
  })

  it('a key id from one source and a secret from another fail before any request, naming both', async () => {
    const run = await runAction(baseInputs(emulator, { access_key_id: '' }), {
      HUAWEI_CLOUD_ACCESS_KEY_ID: emulator.accounts.main.accessKeyId
    })
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toMatch(
      /HUAWEI_CLOUD_ACCESS_KEY_ID.*input secret_access_key|input secret_access_key.*HUAWEI_CLOUD_ACCESS_KEY_ID/
    )
    expect(emulator.log).toHaveLength(0)
  })

  it('a stray HUAWEI_CLOUD_SECURITY_TOKEN never joins long-term keys from the inputs', async () => {
    // The emulator refuses a security token sent with a long-term key.
    const run = await runAction(baseInputs(emulator), {
      HUAWEI_CLOUD_SECURITY_TOKEN: emulator.sts.securityToken
    })
    expect(errorsOf(run)).toBe('')
    expect(new Set(emulator.log.map(e => e.auth))).toEqual(new Set(['aksk']))
  })

  it('half a key pair fails before any request, naming what is missing', async () => {
    const run = await runAction(baseInputs(emulator, { secret_access_key: '' }))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain('The secret access key is missing')
    expect(emulator.log).toHaveLength(0)
  })
})

describe('keyless OpenID Connect', () => {
  const oidcInputs = (e: Emulator, extra: Record<string, string> = {}) =>
    baseInputs(e, { ...noKeys, idp_id: e.oidc.idpId, iam_endpoint: e.url, ...extra })

  it('exchanges the workflow token at IAM and sends the IAM token', async () => {
    const run = await runAction(oidcInputs(emulator), { ...oidcEnv(emulator), RUNNER_DEBUG: '1' })
    expect(errorsOf(run)).toBe('')
    expect(run.outputs['created']).toBe('true')
    expect(requests(emulator).slice(0, 2)).toEqual([
      'GET /_github/token?api-version=2.0',
      'POST /v3.0/OS-AUTH/id-token/tokens'
    ])
    expect(emulator.log.slice(2).every(e => e.auth === 'token')).toBe(true)
    expect(visibleLog(run)).toContain(
      'an IAM token from OpenID Connect (identity provider "github-actions")'
    )
  })

  it('asks for the audience given in oidc_audience', async () => {
    const run = await runAction(
      oidcInputs(emulator, { oidc_audience: 'huaweicloud' }),
      oidcEnv(emulator)
    )
    expect(run.exitCode).toBe(1)
    expect(requests(emulator)[0]).toBe('GET /_github/token?api-version=2.0&audience=huaweicloud')
    expect(errorsOf(run)).toContain(
      'exchange the OpenID Connect token at IAM (identity provider "github-actions") failed: HTTP 401: The audience huaweicloud does not match the identity provider'
    )
  })

  it('tells a workflow without id-token: write what to add', async () => {
    const run = await runAction(oidcInputs(emulator))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain('the job lacks "permissions: id-token: write"')
    expect(emulator.log).toHaveLength(0)
  })

  it('reports an unknown identity provider', async () => {
    const run = await runAction(oidcInputs(emulator, { idp_id: 'nope' }), oidcEnv(emulator))
    expect(errorsOf(run)).toContain('HTTP 404: identity provider nope not found')
  })
})

describe('HTTPS with a private CA', () => {
  it('trusts the emulator through NODE_EXTRA_CA_CERTS', async () => {
    const run = await runAction(baseInputs(emulator, { endpoint: emulator.httpsUrl as string }), {
      NODE_EXTRA_CA_CERTS: tls.caFile
    })
    expect(errorsOf(run)).toBe('')
    expect(run.exitCode).toBe(0)
  })

  it('fails at once, clearly, on an untrusted certificate', async () => {
    const run = await runAction(baseInputs(emulator, { endpoint: emulator.httpsUrl as string }))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toMatch(
      /read repository "group\/app" failed: The TLS certificate of https:\/\/127\.0\.0\.1:\d+ is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE.*give its CA certificate to Node with NODE_EXTRA_CA_CERTS/
    )
    expect(run.stderr).toBe('')
  })
})

describe('through a CONNECT proxy, with the default region endpoints', () => {
  let proxy: Awaited<ReturnType<typeof startConnectProxy>>
  beforeEach(async () => {
    proxy = await startConnectProxy(emulator.httpsPort as number)
  })
  afterEach(async () => {
    await proxy.close()
  })
  const regionOnly = (e: Emulator, extra: Record<string, string> = {}) => ({
    ...baseInputs(e, extra),
    endpoint: ''
  })
  /** The environment of a run through the proxy, trusting the emulator's test CA. */
  const viaProxy = (extra: Record<string, string> = {}) => ({
    HTTPS_PROXY: proxy.url,
    NODE_EXTRA_CA_CERTS: tls.caFile,
    ...extra
  })

  it.each(['HTTPS_PROXY', 'https_proxy'])(
    'honours %s and derives the registry from the API host',
    async variable => {
      const run = await runAction(regionOnly(emulator), {
        [variable]: proxy.url,
        NODE_EXTRA_CA_CERTS: tls.caFile
      })
      expect(errorsOf(run)).toBe('')
      expect(new Set(proxy.connects)).toEqual(new Set(['swr-api.cn-north-4.myhuaweicloud.com:443']))
      // The registry host is derived (swr-api. -> swr.), so no read-back: GET, POST, POST.
      expect(requests(emulator)).toHaveLength(3)
      expect(run.outputs['path']).toBe('swr.cn-north-4.myhuaweicloud.com/group/app')
    }
  )

  it('authenticates to a proxy that requires it, with the credentials in the proxy URL', async () => {
    const guarded = await startConnectProxy(emulator.httpsPort as number, {
      credentials: 'ci-user:p@ss word'
    })
    try {
      const withCredentials = guarded.url.replace('http://', 'http://ci-user:p%40ss%20word@')
      const run = await runAction(regionOnly(emulator), {
        HTTPS_PROXY: withCredentials,
        NODE_EXTRA_CA_CERTS: tls.caFile
      })
      expect(errorsOf(run)).toBe('')
      expect(guarded.connects).toContain('swr-api.cn-north-4.myhuaweicloud.com:443')
      expect(guarded.refused).toBe(0)

      const refused = await runAction(regionOnly(emulator), {
        HTTPS_PROXY: guarded.url,
        NODE_EXTRA_CA_CERTS: tls.caFile
      })
      expect(refused.exitCode).toBe(1)
      expect(errorsOf(refused)).toContain(
        'read repository "group/app" failed: The proxy refused the tunnel to https://swr-api.cn-north-4.myhuaweicloud.com with HTTP 407 (Proxy Authentication Required): put the proxy\'s credentials in its URL'
      )
      // Final, not transient: asked once.
      expect(guarded.refused).toBe(1)
    } finally {
      await guarded.close()
    }
  })

  it('reaches IAM through the proxy too, for OpenID Connect', async () => {
    const inputs = regionOnly(emulator, { ...noKeys, idp_id: emulator.oidc.idpId })
    const run = await runAction(inputs, viaProxy(oidcEnv(emulator)))
    expect(errorsOf(run)).toBe('')
    expect(new Set(proxy.connects)).toEqual(
      new Set(['iam.cn-north-4.myhuaweicloud.com:443', 'swr-api.cn-north-4.myhuaweicloud.com:443'])
    )
  })

  it('uses the registry input for the output path', async () => {
    const inputs = regionOnly(emulator, { registry: 'registry.example.com:5000' })
    const run = await runAction(inputs, viaProxy())
    expect(run.outputs).toMatchObject({
      path: 'registry.example.com:5000/group/app',
      registry: 'registry.example.com:5000'
    })
    // It overrides the path the service returns for an existing repository too.
    const again = await runAction(inputs, viaProxy())
    expect(again.outputs).toMatchObject({
      created: 'false',
      path: 'registry.example.com:5000/group/app'
    })
  })
})

describe('docker login outputs', () => {
  it('are not set unless asked for', async () => {
    const run = await runAction(baseInputs(emulator))
    expect(run.outputs).not.toHaveProperty('docker_username')
    expect(run.outputs).not.toHaveProperty('docker_password')
  })

  it('are the documented long-term login for long-term keys, with no request, masked', async () => {
    const { accessKeyId, secretAccessKey } = emulator.accounts.main
    const run = await runAction(baseInputs(emulator, { docker_login_outputs: 'true' }))
    const password = createHmac('sha256', secretAccessKey).update(accessKeyId).digest('hex')
    expect(run.outputs).toMatchObject({
      docker_username: `cn-north-4@${accessKeyId}`,
      docker_password: password
    })
    expect(run.stdout).toContain(`::add-mask::${password}`)
    expect(visibleLog(run)).not.toContain(password)
    expect(requests(emulator).some(r => r.includes('/utils/secret'))).toBe(false)
  })

  it.each(['temporary keys', 'OpenID Connect'])(
    'come from the temporary login call with %s',
    async kind => {
      const { sts } = emulator
      const inputs =
        kind === 'temporary keys'
          ? baseInputs(emulator, {
              access_key_id: sts.accessKeyId,
              secret_access_key: sts.secretAccessKey,
              security_token: sts.securityToken
            })
          : baseInputs(emulator, {
              ...noKeys,
              idp_id: emulator.oidc.idpId,
              iam_endpoint: emulator.url
            })
      const run = await runAction({ ...inputs, docker_login_outputs: 'true' }, oidcEnv(emulator))
      expect(errorsOf(run)).toBe('')
      expect(requests(emulator)).toContain('POST /v2/manage/utils/secret?projectname=cn-north-4')
      expect(run.outputs['docker_username']).toMatch(/^cn-north-4@TMPLOGIN/)
      expect(run.outputs['docker_password']).toMatch(/^[0-9a-f]{64}$/)
      expect(run.stdout).toContain(`::add-mask::${run.outputs['docker_password']}`)
    }
  )
})
