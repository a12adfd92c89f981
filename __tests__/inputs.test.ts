import { beforeAll, describe, expect, it, vi } from 'vitest'
import { getInputs, InputError } from '../src/github/inputs.js'
import { inputEnv } from './helpers/action.js'

beforeAll(() => {
  // setSecret prints ::add-mask:: lines; keep the test output readable.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
})

const keys = { access_key_id: 'AKEXAMPLE', secret_access_key: 'SKEXAMPLE' }
const env = (inputs: Record<string, string>, extra: Record<string, string> = {}) => ({
  ...inputEnv({ namespace: 'group', repository: 'app', region: 'cn-north-4', ...inputs }),
  ...extra
})

describe('defaults', () => {
  it('applies the action.yml defaults and derives the endpoint from the region', () => {
    const inputs = getInputs(env(keys))
    expect(inputs).toMatchObject({
      namespace: 'group',
      repositories: ['app'],
      category: 'other',
      description: '',
      isPublic: false,
      onDrift: 'warn',
      dryRun: false,
      region: 'cn-north-4',
      dockerLoginOutputs: false
    })
    expect(inputs.endpoint.href).toBe('https://swr-api.cn-north-4.myhuaweicloud.com/')
    expect(inputs.retention).toBeUndefined()
  })

  it.each([
    ['cn-north-11', 'https://swr-api.cn-north-11.myhuaweicloud.com/'],
    ['ap-southeast-1', 'https://swr-api.ap-southeast-1.myhuaweicloud.com/'],
    ['la-south-2', 'https://swr-api.la-south-2.myhuaweicloud.com/'],
    ['eu-west-101', 'https://swr-api.eu-west-101.myhuaweicloud.eu/']
  ])('region %s uses %s', (region, endpoint) => {
    expect(getInputs(env({ ...keys, region })).endpoint.href).toBe(endpoint)
  })

  it('takes the region from HUAWEI_CLOUD_REGION when the input is empty', () => {
    const inputs = getInputs(
      env({ ...keys, region: '' }, { HUAWEI_CLOUD_REGION: 'ap-southeast-3' })
    )
    expect(inputs.region).toBe('ap-southeast-3')
  })

  it('keeps a custom endpoint and derives the region from a conventional host', () => {
    const inputs = getInputs(
      env({ ...keys, region: '', endpoint: 'https://swr-api.eu-de.otc.t-systems.com/' })
    )
    expect(inputs.endpoint.href).toBe('https://swr-api.eu-de.otc.t-systems.com/')
    expect(inputs.region).toBe('eu-de')
  })
})

describe('lists', () => {
  it('reads repositories one per line or comma-separated, in order, once each', () => {
    const inputs = getInputs(env({ ...keys, repository: 'web\n api , worker\n\nweb,team/app' }))
    expect(inputs.repositories).toEqual(['web', 'api', 'worker', 'team/app'])
  })
})

describe('credentials, in order of precedence', () => {
  it('uses explicit inputs first', () => {
    const inputs = getInputs(
      env(keys, { HUAWEI_CLOUD_ACCESS_KEY_ID: 'AKENV', HUAWEI_CLOUD_SECRET_ACCESS_KEY: 'SKENV' })
    )
    expect(inputs.credentials).toMatchObject({
      kind: 'keys',
      accessKeyId: 'AKEXAMPLE',
      secretAccessKey: 'SKEXAMPLE'
    })
  })

  it('then the variables huaweicloud/auth-action exports', () => {
    const inputs = getInputs(
      env(
        {},
        {
          HUAWEI_CLOUD_ACCESS_KEY_ID: 'AKENV',
          HUAWEI_CLOUD_SECRET_ACCESS_KEY: 'SKENV',
          HUAWEI_CLOUD_SECURITY_TOKEN: 'TOKENENV',
          HUAWEICLOUD_SDK_AK: 'AKSDK',
          HUAWEICLOUD_SDK_SK: 'SKSDK'
        }
      )
    )
    expect(inputs.credentials).toMatchObject({
      accessKeyId: 'AKENV',
      secretAccessKey: 'SKENV',
      securityToken: 'TOKENENV',
      source: 'HUAWEI_CLOUD_ACCESS_KEY_ID and HUAWEI_CLOUD_SECRET_ACCESS_KEY'
    })
  })

  it('then the SDK variables', () => {
    const inputs = getInputs(env({}, { HUAWEICLOUD_SDK_AK: 'AKSDK', HUAWEICLOUD_SDK_SK: 'SKSDK' }))
    expect(inputs.credentials).toMatchObject({ accessKeyId: 'AKSDK', secretAccessKey: 'SKSDK' })
    expect(inputs.credentials).not.toHaveProperty('securityToken')
  })

  it('uses OIDC when idp_id is set, with the IAM endpoint of the region', () => {
    const inputs = getInputs(
      env({ idp_id: 'github', region: 'eu-west-101' }, { HUAWEI_CLOUD_ACCESS_KEY_ID: 'AKENV' })
    )
    expect(inputs.credentials).toMatchObject({ kind: 'oidc', idpId: 'github' })
    expect(inputs.credentials.kind === 'oidc' && inputs.credentials.iamEndpoint.href).toBe(
      'https://iam.eu-west-101.myhuaweicloud.eu/'
    )
  })

  it.each([
    [
      { access_key_id: 'AK' },
      {},
      'The secret access key is missing: the access key id comes from input access_key_id'
    ],
    [
      {},
      { HUAWEI_CLOUD_SECRET_ACCESS_KEY: 'SK' },
      'The access key id is missing: the secret access key comes from HUAWEI_CLOUD_SECRET_ACCESS_KEY'
    ],
    [{}, {}, 'No credentials: set inputs access_key_id and secret_access_key'],
    [{ idp_id: 'github', ...keys }, {}, 'Inputs "idp_id" and access keys were both given'],
    [
      { idp_id: 'github', region: '', endpoint: 'https://registry.example.com' },
      {},
      'with idp_id, give region'
    ],
    [
      {
        ...keys,
        docker_login_outputs: 'true',
        region: '',
        endpoint: 'https://registry.example.com'
      },
      {},
      'no region is known'
    ]
  ])('rejects %j %j', (inputs, extra, message) => {
    expect(() => getInputs(env(inputs, extra))).toThrow(message)
  })

  it('never echoes a malformed secret key', () => {
    const bad = 'secret with spaces in it'
    let error: unknown
    try {
      getInputs(env({ ...keys, secret_access_key: bad }))
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toContain(
      'Input "secret_access_key" (value hidden) is malformed'
    )
    expect((error as Error).message).not.toContain(bad)
  })
})

describe('retention inputs', () => {
  it('reads keep_last with label and regexp exceptions', () => {
    const inputs = getInputs(
      env({ ...keys, retention_keep_last: '20', retention_exceptions: 'latest\nre:^v[0-9]+$\n' })
    )
    expect(inputs.retention).toEqual({
      keepLast: 20,
      exceptions: [
        { kind: 'label', pattern: 'latest' },
        { kind: 'regexp', pattern: '^v[0-9]+$' }
      ]
    })
  })

  it.each([
    [
      { retention_keep_last: '0' },
      'Input "retention_keep_last" is "0": it must be a whole number from 1 to 1000000'
    ],
    [{ retention_keep_days: '7d' }, 'Input "retention_keep_days" is "7d"'],
    [{ retention_keep_last: '5', retention_keep_days: '5' }, 'were both given'],
    [{ retention_exceptions: 'latest' }, 'was given without a rule'],
    [
      { retention_keep_last: '5', retention_exceptions: 're:[' },
      'Input "retention_exceptions" is "re:[": a "re:" line must hold a valid regular expression'
    ]
  ])('rejects %j', (inputs, message) => {
    expect(() => getInputs(env({ ...keys, ...inputs }))).toThrow(message)
  })
})

describe('other rules', () => {
  it.each([
    [{ endpoint: 'ftp://x' }, 'it must be an https:// URL'],
    [{ endpoint: 'https://user:pw@swr.example.com' }, 'without credentials, query or fragment'],
    [{ endpoint: 'not a url' }, 'it must be a URL'],
    [{ registry: 'https://swr.example.com' }, 'Input "registry" is "https://swr.example.com"'],
    [{ dry_run: 'maybe' }, 'Input "dry_run" is "maybe"'],
    [{ description: 'x'.repeat(1001) }, 'Input "description" is 1001 characters long']
  ])('rejects %j', (inputs, message) => {
    expect(() => getInputs(env({ ...keys, ...inputs }))).toThrow(message)
  })

  it('allows plain http for loopback endpoints only', () => {
    expect(getInputs(env({ ...keys, endpoint: 'http://127.0.0.1:8080' })).endpoint.host).toBe(
      '127.0.0.1:8080'
    )
    expect(getInputs(env({ ...keys, endpoint: 'http://localhost:8080' })).endpoint.host).toBe(
      'localhost:8080'
    )
    expect(getInputs(env({ ...keys, endpoint: 'http://[::1]:8080' })).endpoint.host).toBe(
      '[::1]:8080'
    )
  })
})
