import { afterEach, describe, expect, it, vi } from 'vitest'
import { secretValues } from '../src/github/credential-inputs.js'
import { InputError } from '../src/github/input-rules.js'
import { inputErrorOf } from './helpers/input-error.js'
import { getInputs, tuningFromEnv } from '../src/github/inputs.js'
import { inputEnv } from './helpers/action.js'

const keys = { access_key_id: 'AKEXAMPLE', secret_access_key: 'SKEXAMPLE' }
const env = (inputs: Record<string, string>, extra: Record<string, string> = {}) => ({
  ...inputEnv({ namespace: 'group', repository: 'app', region: 'cn-north-4', ...inputs }),
  ...extra
})

const errorOf = inputErrorOf

describe('defaults', () => {
  it('applies the action.yml defaults and derives the endpoint from the region', () => {
    const inputs = getInputs(env(keys))
    expect(inputs).toMatchObject({
      namespace: 'group',
      repositories: ['app'],
      duplicates: [],
      description: '',
      onDrift: 'warn',
      dryRun: false,
      region: 'cn-north-4',
      dockerLoginOutputs: false,
      replicateOverride: false
    })
    expect(inputs.endpoint.href).toBe('https://swr-api.cn-north-4.myhuaweicloud.com/')
    expect(inputs.retention).toBeUndefined()
    expect(inputs).not.toHaveProperty('shareWith')
    expect(inputs).not.toHaveProperty('replicateTo')
  })

  it('leaves is_public and category undefined when the workflow does not set them', () => {
    const inputs = getInputs(env(keys))
    expect(inputs).not.toHaveProperty('isPublic')
    expect(inputs).not.toHaveProperty('category')
  })

  it.each([
    [{ is_public: 'false' }, { isPublic: false }],
    [{ is_public: 'True' }, { isPublic: true }],
    [{ category: 'other' }, { category: 'other' }],
    [{ category: 'linux' }, { category: 'linux' }]
  ])('keeps %j when the workflow sets it', (given, expected) => {
    expect(getInputs(env({ ...keys, ...given }))).toMatchObject(expected)
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

  it('lists each repository given more than once in duplicates, once', () => {
    const inputs = getInputs(env({ ...keys, repository: 'web,api,web\nworker,api,web' }))
    expect(inputs.repositories).toEqual(['web', 'api', 'worker'])
    expect(inputs.duplicates).toEqual(['web', 'api'])
  })
})

// Distinct values per source, so that a result shows which source each part came from.
const INPUT_PAIR = { access_key_id: 'AK-INPUT', secret_access_key: 'SK-INPUT' }
const AUTH_ACTION_PAIR = {
  HUAWEI_CLOUD_ACCESS_KEY_ID: 'AK-AUTH',
  HUAWEI_CLOUD_SECRET_ACCESS_KEY: 'SK-AUTH'
}
const SDK_PAIR = { HUAWEICLOUD_SDK_AK: 'AK-SDK', HUAWEICLOUD_SDK_SK: 'SK-SDK' }
const VALUES = ['AK-INPUT', 'SK-INPUT', 'AK-AUTH', 'SK-AUTH', 'AK-SDK', 'SK-SDK', 'TOKEN-INPUT']

describe('credentials: one pair from one source', () => {
  it('uses the inputs first', () => {
    const inputs = getInputs(env(INPUT_PAIR, { ...AUTH_ACTION_PAIR, ...SDK_PAIR }))
    expect(inputs.credentials).toEqual({
      kind: 'keys',
      accessKeyId: 'AK-INPUT',
      secretAccessKey: 'SK-INPUT',
      source: 'input access_key_id and input secret_access_key'
    })
  })

  it('then the variables huaweicloud/auth-action exports, with their token', () => {
    const inputs = getInputs(
      env({}, { ...AUTH_ACTION_PAIR, HUAWEI_CLOUD_SECURITY_TOKEN: 'TOKEN-AUTH', ...SDK_PAIR })
    )
    expect(inputs.credentials).toEqual({
      kind: 'keys',
      accessKeyId: 'AK-AUTH',
      secretAccessKey: 'SK-AUTH',
      securityToken: 'TOKEN-AUTH',
      source: 'HUAWEI_CLOUD_ACCESS_KEY_ID and HUAWEI_CLOUD_SECRET_ACCESS_KEY'
    })
  })

  it('then the SDK variables, with the SDK token variable', () => {
    const inputs = getInputs(env({}, { ...SDK_PAIR, HUAWEICLOUD_SDK_SECURITY_TOKEN: 'TOKEN-SDK' }))
    expect(inputs.credentials).toEqual({
      kind: 'keys',
      accessKeyId: 'AK-SDK',
      secretAccessKey: 'SK-SDK',
      securityToken: 'TOKEN-SDK',
      source: 'HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK'
    })
  })

  it('takes input security_token with input keys', () => {
    const inputs = getInputs(env({ ...INPUT_PAIR, security_token: 'TOKEN-INPUT' }))
    expect(inputs.credentials).toMatchObject({ securityToken: 'TOKEN-INPUT' })
  })

  it.each([
    ['HUAWEI_CLOUD_SECURITY_TOKEN', 'input keys', INPUT_PAIR, {}],
    ['HUAWEICLOUD_SDK_SECURITY_TOKEN', 'input keys', INPUT_PAIR, {}],
    ['HUAWEI_CLOUD_SECURITY_TOKEN', 'SDK keys', {}, SDK_PAIR],
    ['HUAWEICLOUD_SDK_SECURITY_TOKEN', 'auth-action keys', {}, AUTH_ACTION_PAIR]
  ])('a stray %s never joins %s', (token, _, inputs, pair) => {
    const read = getInputs(env(inputs, { ...pair, [token]: 'TOKEN-STRAY' }))
    expect(read.credentials.kind).toBe('keys')
    expect(read.credentials).not.toHaveProperty('securityToken')
  })

  it.each([
    ['HUAWEI_CLOUD_ACCESS_KEY_ID and HUAWEI_CLOUD_SECRET_ACCESS_KEY', AUTH_ACTION_PAIR],
    ['HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK', SDK_PAIR]
  ])('refuses input security_token with keys from %s', (names, pair) => {
    const error = errorOf(() => getInputs(env({ security_token: 'TOKEN-INPUT' }, pair)))
    expect(error.message).toContain(
      `Input "security_token" was given but the access keys come from ${names}`
    )
    for (const value of VALUES) expect(error.message).not.toContain(value)
  })

  const mixed = (id: string, secret: string) =>
    `The access key id comes from ${id} but a secret access key is set in ${secret}: the access key id and the secret access key must come from the same place`

  it.each([
    [
      { access_key_id: 'AK-INPUT' },
      { HUAWEI_CLOUD_SECRET_ACCESS_KEY: 'SK-AUTH' },
      'input access_key_id',
      'HUAWEI_CLOUD_SECRET_ACCESS_KEY'
    ],
    [
      { access_key_id: 'AK-INPUT' },
      { HUAWEICLOUD_SDK_SK: 'SK-SDK' },
      'input access_key_id',
      'HUAWEICLOUD_SDK_SK'
    ],
    [
      { access_key_id: 'AK-INPUT' },
      AUTH_ACTION_PAIR,
      'input access_key_id',
      'HUAWEI_CLOUD_SECRET_ACCESS_KEY'
    ],
    [{ access_key_id: 'AK-INPUT' }, SDK_PAIR, 'input access_key_id', 'HUAWEICLOUD_SDK_SK'],
    [
      { secret_access_key: 'SK-INPUT' },
      { HUAWEI_CLOUD_ACCESS_KEY_ID: 'AK-AUTH' },
      'HUAWEI_CLOUD_ACCESS_KEY_ID',
      'input secret_access_key'
    ],
    [
      { secret_access_key: 'SK-INPUT' },
      AUTH_ACTION_PAIR,
      'HUAWEI_CLOUD_ACCESS_KEY_ID',
      'input secret_access_key'
    ],
    [
      { secret_access_key: 'SK-INPUT' },
      { HUAWEICLOUD_SDK_AK: 'AK-SDK' },
      'HUAWEICLOUD_SDK_AK',
      'input secret_access_key'
    ],
    [{ secret_access_key: 'SK-INPUT' }, SDK_PAIR, 'HUAWEICLOUD_SDK_AK', 'input secret_access_key'],
    [
      {},
      { HUAWEI_CLOUD_ACCESS_KEY_ID: 'AK-AUTH', HUAWEICLOUD_SDK_SK: 'SK-SDK' },
      'HUAWEI_CLOUD_ACCESS_KEY_ID',
      'HUAWEICLOUD_SDK_SK'
    ],
    [
      {},
      { HUAWEI_CLOUD_ACCESS_KEY_ID: 'AK-AUTH', ...SDK_PAIR },
      'HUAWEI_CLOUD_ACCESS_KEY_ID',
      'HUAWEICLOUD_SDK_SK'
    ],
    [
      {},
      { HUAWEICLOUD_SDK_AK: 'AK-SDK', HUAWEI_CLOUD_SECRET_ACCESS_KEY: 'SK-AUTH' },
      'HUAWEICLOUD_SDK_AK',
      'HUAWEI_CLOUD_SECRET_ACCESS_KEY'
    ],
    [
      {},
      { ...SDK_PAIR, HUAWEI_CLOUD_SECRET_ACCESS_KEY: 'SK-AUTH' },
      'HUAWEICLOUD_SDK_AK',
      'HUAWEI_CLOUD_SECRET_ACCESS_KEY'
    ]
  ])('refuses a key id and a secret from two sources: %j %j', (inputs, extra, id, secret) => {
    const error = errorOf(() => getInputs(env(inputs, extra)))
    expect(error.message).toContain(mixed(id, secret))
    for (const value of VALUES) expect(error.message).not.toContain(value)
  })

  it.each([
    [
      { access_key_id: 'AK-INPUT' },
      {},
      'The secret access key is missing: the access key id comes from input access_key_id, but input secret_access_key is not set.'
    ],
    [
      {},
      { HUAWEI_CLOUD_ACCESS_KEY_ID: 'AK-AUTH' },
      'The secret access key is missing: the access key id comes from HUAWEI_CLOUD_ACCESS_KEY_ID, but HUAWEI_CLOUD_SECRET_ACCESS_KEY is not set.'
    ],
    [
      {},
      { HUAWEICLOUD_SDK_AK: 'AK-SDK' },
      'The secret access key is missing: the access key id comes from HUAWEICLOUD_SDK_AK, but HUAWEICLOUD_SDK_SK is not set.'
    ],
    [
      { secret_access_key: 'SK-INPUT' },
      {},
      'The access key id is missing: the secret access key comes from input secret_access_key, but none of input access_key_id, HUAWEI_CLOUD_ACCESS_KEY_ID or HUAWEICLOUD_SDK_AK is set.'
    ],
    [
      {},
      { HUAWEI_CLOUD_SECRET_ACCESS_KEY: 'SK-AUTH' },
      'The access key id is missing: the secret access key comes from HUAWEI_CLOUD_SECRET_ACCESS_KEY'
    ],
    [
      {},
      { HUAWEICLOUD_SDK_SK: 'SK-SDK' },
      'The access key id is missing: the secret access key comes from HUAWEICLOUD_SDK_SK'
    ],
    [{}, {}, 'No credentials: set inputs access_key_id and secret_access_key'],
    [
      { security_token: 'TOKEN-INPUT' },
      { HUAWEI_CLOUD_SECURITY_TOKEN: 'TOKEN-AUTH' },
      'No credentials'
    ]
  ])('says what is missing for %j %j', (inputs, extra, message) => {
    const error = errorOf(() => getInputs(env(inputs, extra)))
    expect(error.message).toContain(message)
    for (const value of VALUES) expect(error.message).not.toContain(value)
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
    [{ idp_id: 'github', ...keys }, {}, 'Inputs "idp_id" and access keys were both given'],
    [
      { idp_id: 'github', security_token: 'TOKEN-INPUT' },
      {},
      'Inputs "idp_id" and access keys were both given'
    ],
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
    const error = errorOf(() => getInputs(env({ ...keys, secret_access_key: bad })))
    expect(error.message).toContain('Input "secret_access_key" (value hidden) is malformed')
    expect(error.message).not.toContain(bad)
  })

  it('names the variable, not an input, for a malformed token from the environment', () => {
    const bad = 'token with spaces'
    const error = errorOf(() =>
      getInputs(env({}, { ...AUTH_ACTION_PAIR, HUAWEI_CLOUD_SECURITY_TOKEN: bad }))
    )
    expect(error.message).toContain('Variable "HUAWEI_CLOUD_SECURITY_TOKEN" (value hidden)')
    expect(error.message).not.toContain(bad)
  })
})

describe('secretValues', () => {
  it('lists the secret keys and tokens of every source, and no access key id', () => {
    const all = env(
      { ...INPUT_PAIR, security_token: 'TOKEN-INPUT' },
      {
        ...AUTH_ACTION_PAIR,
        HUAWEI_CLOUD_SECURITY_TOKEN: 'TOKEN-AUTH',
        ...SDK_PAIR,
        HUAWEICLOUD_SDK_SECURITY_TOKEN: 'TOKEN-SDK'
      }
    )
    expect(secretValues(all)).toEqual([
      'SK-INPUT',
      'TOKEN-INPUT',
      'SK-AUTH',
      'TOKEN-AUTH',
      'SK-SDK',
      'TOKEN-SDK'
    ])
  })

  it('lists secrets that this run will not use, and that make getInputs fail', () => {
    const unused = env({ idp_id: 'github' }, { HUAWEICLOUD_SDK_SK: 'SK-SDK' })
    expect(secretValues(unused)).toEqual(['SK-SDK'])
    const mixedUp = env(
      { access_key_id: 'AK-INPUT' },
      { HUAWEI_CLOUD_SECRET_ACCESS_KEY: 'SK-AUTH' }
    )
    expect(secretValues(mixedUp)).toEqual(['SK-AUTH'])
    expect(() => getInputs(mixedUp)).toThrow(InputError)
  })

  it('is empty when no secret is set', () => {
    expect(secretValues(env({ access_key_id: 'AK-INPUT' }))).toEqual([])
  })
})

describe('inputs of other Huawei Cloud actions, passed by habit', () => {
  // As the runner passes an input the action does not declare: INPUT_ and the name in
  // uppercase, "-" kept.
  const habit = (inputs: Record<string, string>) =>
    Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
  const NO_CREDENTIALS =
    'No credentials: set inputs access_key_id and secret_access_key (or the variables HUAWEI_CLOUD_ACCESS_KEY_ID and HUAWEI_CLOUD_SECRET_ACCESS_KEY, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK), or idp_id for keyless OpenID Connect.'

  it.each([
    ['huaweicloud/auth-action', 'access_key', 'secret_key'],
    ['huaweicloud/swr-login', 'access-key-id', 'access-key-secret'],
    ['huaweicloud/cce-credential-action', 'ak', 'sk'],
    ['this action, spelled with "-"', 'access-key-id', 'secret-access-key'],
    ['this action, in camelCase', 'accessKeyId', 'secretAccessKey']
  ])('names the inputs meant when the keys come as %s takes them', (_, ak, sk) => {
    const given = env({}, habit({ [ak]: 'AK-HABIT', [sk]: 'SK-HABIT' }))
    const message = errorOf(() => getInputs(given)).message
    expect(message).toBe(
      `${NO_CREDENTIALS} "${ak}" and "${sk}" are not inputs of this action; did you mean "access_key_id" and "secret_access_key"?`
    )
    expect(message).not.toContain('SK-HABIT')
  })

  it('names the one input meant when only the secret key was misnamed', () => {
    const given = env({ access_key_id: 'AK-INPUT' }, habit({ 'secret-access-key': 'SK-HABIT' }))
    expect(errorOf(() => getInputs(given)).message).toBe(
      'The secret access key is missing: the access key id comes from input access_key_id, but input secret_access_key is not set. "secret-access-key" is not an input of this action; did you mean "secret_access_key"?'
    )
  })

  it('names the one input meant when only the access key id was misnamed', () => {
    const given = env({ secret_access_key: 'SK-INPUT' }, habit({ access_key: 'AK-HABIT' }))
    expect(errorOf(() => getInputs(given)).message).toBe(
      'The access key id is missing: the secret access key comes from input secret_access_key, but none of input access_key_id, HUAWEI_CLOUD_ACCESS_KEY_ID or HUAWEICLOUD_SDK_AK is set. "access_key" is not an input of this action; did you mean "access_key_id"?'
    )
  })

  it('names idp_id for "idp-id", and security_token for "security-token"', () => {
    const given = env({}, habit({ 'idp-id': 'github', 'security-token': 'TOKEN-HABIT' }))
    expect(errorOf(() => getInputs(given)).message).toBe(
      `${NO_CREDENTIALS} "security-token" and "idp-id" are not inputs of this action; did you mean "security_token" and "idp_id"?`
    )
  })

  it('leaves a run alone whose credentials are complete elsewhere', () => {
    const given = env({}, { ...AUTH_ACTION_PAIR, ...habit({ access_key: 'AK-HABIT' }) })
    expect(getInputs(given).credentials).toMatchObject({ accessKeyId: 'AK-AUTH' })
  })

  it('masks every value given under such a name, since any of them may be a secret key', () => {
    const given = env(
      {},
      habit({ access_key: 'AK-HABIT', 'access-key-secret': 'SK-HABIT', sk: 'SK-HABIT-2' })
    )
    expect(secretValues(given)).toEqual(['AK-HABIT', 'SK-HABIT', 'SK-HABIT-2'])
  })
})

describe('purity', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('getInputs prints nothing, whether it succeeds or fails', () => {
    const stdout = vi.spyOn(process.stdout, 'write')
    const stderr = vi.spyOn(process.stderr, 'write')
    getInputs(env({ ...INPUT_PAIR, security_token: 'TOKEN-INPUT' }, AUTH_ACTION_PAIR))
    errorOf(() => getInputs(env({ access_key_id: 'AK-INPUT' }, { HUAWEICLOUD_SDK_SK: 'SK-SDK' })))
    expect(stdout).not.toHaveBeenCalled()
    expect(stderr).not.toHaveBeenCalled()
  })
})

describe('retention inputs', () => {
  it('reads keep_last with label and regexp exceptions, and keeps signature tags unless told not to', () => {
    const given = {
      ...keys,
      retention_keep_last: '20',
      retention_exceptions: 'latest\nre:^v[0-9]+$\n'
    }
    const mine = [
      { kind: 'label', pattern: 'latest' },
      { kind: 'regexp', pattern: '^v[0-9]+$' }
    ]
    expect(getInputs(env(given)).retention).toEqual({
      keepLast: 20,
      exceptions: [
        ...mine,
        { kind: 'regexp', pattern: '^sha256-' },
        { kind: 'regexp', pattern: '\\.(sig|att|sbom)$' }
      ]
    })
    expect(getInputs(env({ ...given, retention_keep_signatures: 'false' })).retention).toEqual({
      keepLast: 20,
      exceptions: mine
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
      'Input "retention_exceptions" is "re:[": a "re:" entry must hold a valid regular expression'
    ]
  ])('rejects %j', (inputs, message) => {
    expect(() => getInputs(env({ ...keys, ...inputs }))).toThrow(message)
  })
})

describe('name errors say what is wrong with the name, then the rule', () => {
  const ORGANIZATION =
    'it must be 1-64 characters: lowercase letters, digits, ".", "_" and "-"; it starts with a lowercase letter and ends with a letter or digit; ".", "_" and "-" may not stand next to each other, except up to two "_".'
  const REPOSITORY =
    'it must be 1-128 characters: lowercase letters, digits, ".", "/", "_" and "-"; it starts and ends with a letter or digit; ".", "/", "_" and "-" may not stand next to each other, except up to two "_".'

  it.each([
    [
      'MyGroup',
      '"M" at position 1 and "G" at position 3 are uppercase (names are lowercase; use "mygroup")'
    ],
    ['my group', '" " at position 3 is not allowed'],
    ['-group', 'it starts with "-", a separator'],
    ['group.', 'it ends with ".", a separator'],
    ['1group', 'it starts with the digit "1", not a letter'],
    ['my-_group', '"-_" at position 3 puts separators next to each other'],
    ['my___group', '"___" at position 3 is more than two "_" in a row'],
    ['a'.repeat(70), 'it is 70 characters long, 6 more than the 64 allowed'],
    [
      'My Group-',
      '"M" at position 1 and "G" at position 4 are uppercase (names are lowercase); " " at position 3 is not allowed; it ends with "-", a separator'
    ],
    [
      'a@b#c$d%e',
      '"@" at position 2, "#" at position 4, "$" at position 6 and 1 more are not allowed'
    ]
  ])('namespace %j', (namespace, wrong) => {
    expect(errorOf(() => getInputs(env({ ...keys, namespace }))).message).toBe(
      `Input "namespace" is ${JSON.stringify(namespace)}: ${wrong}; ${ORGANIZATION}`
    )
  })

  it.each([
    [
      'Team/App',
      '"T" at position 1 and "A" at position 6 are uppercase (names are lowercase; use "team/app")'
    ],
    ['team//app', '"//" at position 5 puts separators next to each other'],
    ['/app', 'it starts with "/", a separator'],
    ['app_', 'it ends with "_", a separator'],
    ['team:app', '":" at position 5 is not allowed'],
    ['a'.repeat(130), 'it is 130 characters long, 2 more than the 128 allowed']
  ])('repository %j', (repository, wrong) => {
    expect(errorOf(() => getInputs(env({ ...keys, repository }))).message).toBe(
      `Input "repository" is ${JSON.stringify(repository)}: ${wrong}; ${REPOSITORY}`
    )
  })

  it('names the repository at fault when several are given', () => {
    expect(errorOf(() => getInputs(env({ ...keys, repository: 'app, Web' }))).message).toBe(
      `Input "repository" has the entry "Web": "W" at position 1 is uppercase (names are lowercase; use "web"); ${REPOSITORY}`
    )
  })
})

describe('retention_exceptions: entries a tag could match', () => {
  const exceptionsOf = (value: string, extra: Record<string, string> = {}) =>
    getInputs(
      env({
        ...keys,
        retention_keep_last: '5',
        retention_keep_signatures: 'false',
        retention_exceptions: value,
        ...extra
      })
    ).retention?.exceptions
  const refusal = (value: string) => errorOf(() => exceptionsOf(value)).message
  const RULE =
    'it must be a tag (at most 128 letters, digits, "_", "." and "-", not starting with "." or "-"), or a regular expression after "re:", such as "re:^v[0-9]+".'

  it('splits comma-separated tags, so that "latest,stable" keeps both tags', () => {
    expect(exceptionsOf('latest,stable')).toEqual([
      { kind: 'label', pattern: 'latest' },
      { kind: 'label', pattern: 'stable' }
    ])
  })

  it('reads lines and commas together, trimmed, blanks dropped, each entry once', () => {
    expect(exceptionsOf(' latest , stable,\n\nv1.2.3-rc_1, re:^v[0-9]+$ \nlatest')).toEqual([
      { kind: 'label', pattern: 'latest' },
      { kind: 'label', pattern: 'stable' },
      { kind: 'label', pattern: 'v1.2.3-rc_1' },
      { kind: 'regexp', pattern: '^v[0-9]+$' }
    ])
  })

  it("keeps the comma of a regular expression's {m,n} inside the expression", () => {
    expect(exceptionsOf('re:^v[0-9]{1,3}$,latest')).toEqual([
      { kind: 'regexp', pattern: '^v[0-9]{1,3}$' },
      { kind: 'label', pattern: 'latest' }
    ])
  })

  it('accepts a tag of 128 characters, and "_" as its first character', () => {
    expect(exceptionsOf(`${'a'.repeat(128)}\n_build`)).toEqual([
      { kind: 'label', pattern: 'a'.repeat(128) },
      { kind: 'label', pattern: '_build' }
    ])
  })

  it.each([
    ['my tag', '" " at position 3 is not allowed'],
    ['env=prod', '"=" at position 4 is not allowed'],
    ['keep::latest', '":" at position 5 is not allowed'],
    ['a'.repeat(129), 'it is 129 characters long, 1 more than the 128 of a tag'],
    ['.hidden', 'it starts with "."'],
    ['-rc', 'it starts with "-"'],
    ['tag@sha256', '"@" at position 4 is not allowed'],
    [
      'v*',
      '"*" at position 2 is not allowed (the standard edition keeps the tag of exactly this name, so a glob matches nothing: write a pattern as a regular expression after "re:")'
    ]
  ])('refuses the tag %j, saying what is wrong and the rule', (entry, wrong) => {
    expect(refusal(entry)).toBe(
      `Input "retention_exceptions" is ${JSON.stringify(entry)}: ${wrong}; ${RULE}`
    )
  })

  it('names the entry at fault when the input holds several', () => {
    expect(refusal('latest,env=prod')).toBe(
      `Input "retention_exceptions" has the entry "env=prod": "=" at position 4 is not allowed; ${RULE}`
    )
  })

  it('refuses a regular expression with a space, which no tag could match', () => {
    expect(refusal('re:^v1 stable$')).toBe(
      'Input "retention_exceptions" is "re:^v1 stable$": " " at position 7 is not allowed; it must be a regular expression without spaces or control characters after "re:", since a tag holds none.'
    )
  })

  it("checks an instance's entries once, as glob patterns, split the same way", () => {
    const instance = { instance_id: 'inst-1', project_id: '0123456789abcdef0123456789abcdef' }
    expect(exceptionsOf('latest, v*', instance)).toEqual([
      { kind: 'label', pattern: 'latest' },
      { kind: 'label', pattern: 'v*' }
    ])
    expect(errorOf(() => exceptionsOf('latest\nmy tag', instance)).message).toBe(
      'Input "retention_exceptions" has the entry "my tag": " " at position 3 is not allowed; it must be a tag or a glob pattern of at most 128 characters: letters, digits, "_", ".", "-" and * ? [ ] ! (an instance matches tags with glob patterns).'
    )
  })
})

describe('other rules', () => {
  it.each([
    [{ endpoint: 'ftp://x' }, 'it must be an https:// URL'],
    [{ endpoint: 'not a url' }, 'it must be a URL'],
    [{ category: 'web' }, 'Input "category" is "web": it must be one of app_server'],
    [{ is_public: 'yes' }, 'Input "is_public" is "yes": it must be "true" or "false"'],
    [{ registry: 'https://swr.example.com' }, 'Input "registry" is "https://swr.example.com"'],
    [{ dry_run: 'maybe' }, 'Input "dry_run" is "maybe"'],
    [{ description: 'x'.repeat(1001) }, 'Input "description" is 1001 characters long']
  ])('rejects %j', (inputs, message) => {
    expect(() => getInputs(env({ ...keys, ...inputs }))).toThrow(message)
  })

  it.each(['https://user:pw-secret@swr.example.com', 'http://user:pw-secret@example.com'])(
    'refuses an endpoint with credentials without echoing them: %s',
    endpoint => {
      const error = errorOf(() => getInputs(env({ ...keys, endpoint })))
      expect(error.message).toBe(
        'Input "endpoint" (value hidden) is malformed: it must be a base URL without credentials, query or fragment.'
      )
    }
  )
})

describe('plain http only to loopback hosts', () => {
  const refusal = (input: string, value: string) =>
    `Input "${input}" is ${JSON.stringify(value)}: it must be an https:// URL (plain http is allowed for loopback hosts only).`
  const withEndpoint = (endpoint: string) => env({ ...keys, endpoint })
  const withIam = (iam_endpoint: string) =>
    env({ idp_id: 'github', region: 'cn-north-4', iam_endpoint })

  const refused = [
    'http://127.attacker.example',
    'http://127.0.0.1.attacker.example',
    'http://localhost.example',
    'http://localhost.',
    'http://128.0.0.1',
    'http://10.0.0.1:8080',
    'http://[::2]:8080',
    'http://[::ffff:10.0.0.1]'
  ]
  it.each(refused)('refuses endpoint %s', url => {
    expect(errorOf(() => getInputs(withEndpoint(url))).message).toBe(refusal('endpoint', url))
  })
  it.each(refused)('refuses iam_endpoint %s', url => {
    expect(errorOf(() => getInputs(withIam(url))).message).toBe(refusal('iam_endpoint', url))
  })

  const accepted = [
    ['http://127.0.0.1:8080', '127.0.0.1:8080'],
    ['http://127.0.0.2:8080', '127.0.0.2:8080'],
    ['http://127.255.255.254', '127.255.255.254'],
    ['http://[::1]:8080', '[::1]:8080'],
    ['http://[::ffff:127.0.0.1]:8080', '[::ffff:7f00:1]:8080'],
    ['http://localhost:1', 'localhost:1'],
    ['http://LOCALHOST:8080', 'localhost:8080']
  ]
  it.each(accepted)('accepts endpoint %s', (url, host) => {
    expect(getInputs(withEndpoint(url)).endpoint.host).toBe(host)
  })
  it.each(accepted)('accepts iam_endpoint %s', (url, host) => {
    const { credentials } = getInputs(withIam(url))
    expect(credentials.kind === 'oidc' && credentials.iamEndpoint.host).toBe(host)
  })
})

describe('tuningFromEnv', () => {
  it('uses the defaults when no variable is set', () => {
    expect(tuningFromEnv({})).toEqual({
      concurrency: 8,
      timeoutMs: 30_000,
      retry: { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 10_000, budgetMs: 300_000 }
    })
  })

  it('treats an empty variable as unset', () => {
    expect(tuningFromEnv({ SWR_ACTION_TIMEOUT_MS: '' }).timeoutMs).toBe(30_000)
  })

  it('reads every variable, and allows no delay between attempts', () => {
    expect(
      tuningFromEnv({
        SWR_ACTION_TIMEOUT_MS: '1500',
        SWR_ACTION_MAX_ATTEMPTS: '1',
        SWR_ACTION_RETRY_BASE_MS: '0',
        SWR_ACTION_RETRY_MAX_MS: '0',
        SWR_ACTION_RETRY_BUDGET_MS: '2000',
        SWR_ACTION_CONCURRENCY: '2'
      })
    ).toEqual({
      concurrency: 2,
      timeoutMs: 1500,
      retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, budgetMs: 2000 }
    })
  })

  const ms = (min: number, max: number) =>
    `it must be a whole number of milliseconds from ${min} to ${max}.`
  it.each([
    ['SWR_ACTION_TIMEOUT_MS', '0', ms(1, 600_000)],
    ['SWR_ACTION_TIMEOUT_MS', '-5', ms(1, 600_000)],
    ['SWR_ACTION_TIMEOUT_MS', '1.5', ms(1, 600_000)],
    ['SWR_ACTION_TIMEOUT_MS', '30s', ms(1, 600_000)],
    ['SWR_ACTION_TIMEOUT_MS', '600001', ms(1, 600_000)],
    ['SWR_ACTION_MAX_ATTEMPTS', '0', 'it must be a whole number from 1 to 100.'],
    ['SWR_ACTION_MAX_ATTEMPTS', 'many', 'it must be a whole number from 1 to 100.'],
    ['SWR_ACTION_RETRY_BASE_MS', '-1', ms(0, 600_000)],
    ['SWR_ACTION_RETRY_MAX_MS', 'x', ms(0, 600_000)],
    ['SWR_ACTION_RETRY_BUDGET_MS', '0', ms(1, 21_600_000)],
    ['SWR_ACTION_CONCURRENCY', '0', 'it must be a whole number from 1 to 32.'],
    ['SWR_ACTION_CONCURRENCY', '33', 'it must be a whole number from 1 to 32.'],
    ['SWR_ACTION_CONCURRENCY', '2.5', 'it must be a whole number from 1 to 32.']
  ])('refuses %s=%s', (name, value, rule) => {
    const error = errorOf(() => tuningFromEnv({ [name]: value }))
    expect(error.message).toBe(`Variable "${name}" is ${JSON.stringify(value)}: ${rule}`)
  })
})
