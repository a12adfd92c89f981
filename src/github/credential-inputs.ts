// The credentials a run signs with: access keys from exactly one place (inputs or one pair of
// environment variables, with that place's token), or keyless OpenID Connect. Kept apart from
// inputs.ts, which reads everything else; getInputs calls readCredentials and main.ts
// secretValues.
import { defaultIamEndpoint } from '../swr/endpoints.js'
import { InputError, parseEndpoint } from './input-rules.js'
import { getInput } from './runner.js'
import { andList } from '../values.js'

export type CredentialInputs =
  | {
      kind: 'keys'
      accessKeyId: string
      secretAccessKey: string
      securityToken?: string
      /** Where the key pair came from, for the log (never the values). */
      source: string
    }
  | { kind: 'oidc'; idpId: string; audience?: string; iamEndpoint: URL }

// Header values must be one line of printable ASCII; anything else is a copy-paste mistake,
// reported without echoing the value, since it may be a secret.
function checkHeaderSafe(source: Named, secret: boolean): void {
  if (!/^[\x21-\x7e]+$/.test(source.value)) {
    const rule = 'it must be one line of printable characters without spaces'
    throw new InputError(
      secret
        ? `${source.label} (value hidden) is malformed: ${rule}.`
        : `${source.label} is ${JSON.stringify(source.value)}: ${rule}.`
    )
  }
}

interface Named {
  /** As the log and errors name it: "input access_key_id", "HUAWEICLOUD_SDK_AK". */
  name: string
  /** The start of an error about it: 'Input "access_key_id"', 'Variable "HUAWEICLOUD_SDK_AK"'. */
  label: string
  value: string
}

/** One place a key pair may come from, with the token that belongs to that pair. */
interface KeySource {
  ak: Named
  sk: Named
  token: Named
}

// In order of precedence. The SDK token variable is the one the official Go and Java SDKs'
// EnvCredentialProvider reads next to HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK.
const KEY_VARIABLES = [
  ['HUAWEI_CLOUD_ACCESS_KEY_ID', 'HUAWEI_CLOUD_SECRET_ACCESS_KEY', 'HUAWEI_CLOUD_SECURITY_TOKEN'],
  ['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_SECURITY_TOKEN']
] as const

function keySources(env: NodeJS.ProcessEnv): KeySource[] {
  const input = (name: string): Named => ({
    name: `input ${name}`,
    label: `Input "${name}"`,
    value: getInput(name, env)
  })
  const variable = (name: string): Named => ({
    name,
    label: `Variable "${name}"`,
    value: (env[name] ?? '').trim()
  })
  return [
    {
      ak: input('access_key_id'),
      sk: input('secret_access_key'),
      token: input('security_token')
    },
    ...KEY_VARIABLES.map(([ak, sk, token]) => ({
      ak: variable(ak),
      sk: variable(sk),
      token: variable(token)
    }))
  ]
}

/**
 * The credential inputs of other Huawei Cloud actions, which a workflow copied from one of them
 * passes here by habit, each with the input of this action it means: huaweicloud/auth-action,
 * obs-helper, huaweicloud-cli-action and deploy-cci-action take access_key and secret_key;
 * swr-login access-key-id and access-key-secret; cce-credential-action ak and sk. The rest are
 * this action's own names spelled with "-" or in camelCase. The runner passes an input under
 * INPUT_ and its name in uppercase, "-" kept, whether the action declares it or not.
 */
const HABITS: readonly (readonly [habit: string, meant: string])[] = [
  ['access_key', 'access_key_id'],
  ['access-key', 'access_key_id'],
  ['access-key-id', 'access_key_id'],
  ['accessKeyId', 'access_key_id'],
  ['ak', 'access_key_id'],
  ['secret_key', 'secret_access_key'],
  ['secret-key', 'secret_access_key'],
  ['access-key-secret', 'secret_access_key'],
  ['access_key_secret', 'secret_access_key'],
  ['secret-access-key', 'secret_access_key'],
  ['secretAccessKey', 'secret_access_key'],
  ['sk', 'secret_access_key'],
  ['security-token', 'security_token'],
  ['securityToken', 'security_token'],
  ['idp-id', 'idp_id']
]

/** The habitual inputs the workflow set, with the input each means. */
function habitsGiven(env: NodeJS.ProcessEnv): (readonly [string, string])[] {
  return HABITS.filter(([habit]) => getInput(habit, env) !== '')
}

/**
 * A sentence naming the inputs of other actions that were given instead of this action's, or
 * '' when there are none. Never their values: any of them may hold a secret key.
 */
function habitHint(env: NodeJS.ProcessEnv): string {
  const given = habitsGiven(env)
  if (given.length === 0) return ''
  const list = (names: string[]) => andList(names.map(name => `"${name}"`))
  const habits = list(given.map(([habit]) => habit))
  const meant = list([...new Set(given.map(([, m]) => m))])
  return given.length === 1
    ? ` ${habits} is not an input of this action; did you mean ${meant}?`
    : ` ${habits} are not inputs of this action; did you mean ${meant}?`
}

/** Every value that is or may be a secret, from every source, whether it will be used or not. */
export function secretValues(env: NodeJS.ProcessEnv): string[] {
  const values = keySources(env).flatMap(source => [source.sk.value, source.token.value])
  // Whatever was given under another action's input name: a secret key may be among them.
  const habits = HABITS.map(([habit]) => getInput(habit, env))
  return [...new Set([...values, ...habits].filter(value => value.length > 0))]
}

const ONE_PLACE =
  'the access key id and the secret access key must come from the same place: inputs access_key_id and secret_access_key, variables HUAWEI_CLOUD_ACCESS_KEY_ID and HUAWEI_CLOUD_SECRET_ACCESS_KEY, or variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK'

/**
 * The pair of the first source with an access key id, and only that source's token. Mixing
 * sources would sign with a secret that does not belong to the key id, which the service
 * answers with an opaque signature error; the same holds for a token issued with other keys.
 */
function pickKeySource(sources: KeySource[], hint: string): KeySource {
  const index = sources.findIndex(source => source.ak.value)
  const chosen = sources[index]
  if (!chosen) {
    const secret = sources.find(source => source.sk.value)
    if (secret) {
      throw new InputError(
        `The access key id is missing: the secret access key comes from ${secret.sk.name}, but none of input access_key_id, HUAWEI_CLOUD_ACCESS_KEY_ID or HUAWEICLOUD_SDK_AK is set.${hint}`
      )
    }
    throw new InputError(
      `No credentials: set inputs access_key_id and secret_access_key (or the variables HUAWEI_CLOUD_ACCESS_KEY_ID and HUAWEI_CLOUD_SECRET_ACCESS_KEY, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK), or idp_id for keyless OpenID Connect.${hint}`
    )
  }
  // A secret set above the chosen source was meant for a key id that is not there; one set
  // below it is another pair's, and counts only when the chosen source has none.
  const stray =
    sources.slice(0, index).find(source => source.sk.value) ??
    (chosen.sk.value ? undefined : sources.find(source => source.sk.value))
  if (stray) {
    throw new InputError(
      `The access key id comes from ${chosen.ak.name} but a secret access key is set in ${stray.sk.name}: ${ONE_PLACE}.`
    )
  }
  if (!chosen.sk.value) {
    throw new InputError(
      `The secret access key is missing: the access key id comes from ${chosen.ak.name}, but ${chosen.sk.name} is not set.${hint}`
    )
  }
  const inputToken = sources[0]?.token
  if (index > 0 && inputToken?.value) {
    throw new InputError(
      `Input "security_token" was given but the access keys come from ${chosen.ak.name} and ${chosen.sk.name}: a security token belongs to the keys it was issued with; give access_key_id and secret_access_key as inputs too, or set ${chosen.token.name} instead.`
    )
  }
  return chosen
}

function readKeys(env: NodeJS.ProcessEnv): CredentialInputs {
  const { ak, sk, token } = pickKeySource(keySources(env), habitHint(env))
  checkHeaderSafe(ak, false)
  checkHeaderSafe(sk, true)
  if (token.value) checkHeaderSafe(token, true)
  return {
    kind: 'keys',
    accessKeyId: ak.value,
    secretAccessKey: sk.value,
    ...(token.value ? { securityToken: token.value } : {}),
    source: `${ak.name} and ${sk.name}`
  }
}

export function readCredentials(
  env: NodeJS.ProcessEnv,
  region: string | undefined,
  input: (name: string) => string
): CredentialInputs {
  const idpId = input('idp_id')
  if (!idpId) return readKeys(env)
  if (input('access_key_id') || input('secret_access_key') || input('security_token')) {
    throw new InputError(
      'Inputs "idp_id" and access keys were both given: use either idp_id (keyless, OpenID Connect) or access_key_id and secret_access_key, not both.'
    )
  }
  checkHeaderSafe({ name: 'input idp_id', label: 'Input "idp_id"', value: idpId }, false)
  // The IAM token is scoped to the project named after the region.
  if (!region) {
    throw new InputError(
      'Input "region" is empty and no region is known: with idp_id, give region (e.g. cn-north-4), since the IAM token is scoped to that region\'s project.'
    )
  }
  const audience = input('oidc_audience')
  return {
    kind: 'oidc',
    idpId,
    ...(audience ? { audience } : {}),
    iamEndpoint: parseEndpoint('iam_endpoint', input('iam_endpoint') || defaultIamEndpoint(region))
  }
}
