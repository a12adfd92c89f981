// Turns the credential inputs into an Authorizer: AK/SK (optionally STS) signing, or an IAM
// token obtained keylessly by exchanging the workflow's OpenID Connect token.
import { messageOf } from '../values.js'
import { createHmac } from 'node:crypto'
import type { Api, Authorizer } from '../http/api.js'
import type { CredentialInputs } from '../github/credential-inputs.js'
import { signRequest } from '../http/signer.js'

export interface ResolvedCredentials {
  authorize: Authorizer
  /** The Authorizer for SWR in another region (a replication target's). */
  authorizeIn: (region: string) => Authorizer
  /** Long-term keys allow the documented long-term docker login without any request. */
  longTermKeys?: { accessKeyId: string; secretAccessKey: string }
  /** The project of the run's region, when IAM named it (the OpenID Connect answer does). */
  projectId?: string
  description: string
}

/** Reads the workflow's ID token; only this path loads @actions/core (it brings an HTTP stack). */
async function getIdToken(audience: string | undefined): Promise<string> {
  if (
    !process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] ||
    !process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']
  ) {
    throw new Error(
      'Cannot request the OpenID Connect token: the job lacks "permissions: id-token: write". Add it to the job (or workflow) that runs this action, or use access keys instead of idp_id.'
    )
  }
  const core = await import('@actions/core')
  try {
    return await core.getIDToken(audience)
  } catch (err) {
    throw new Error(`Cannot get the OpenID Connect token from GitHub: ${messageOf(err)}`, {
      cause: err
    })
  }
}

/** The project id IAM's token answer names ({"token":{"project":{"id"}}}), if any. */
function projectIdOf(json: unknown): string | undefined {
  const token = (json as { token?: { project?: { id?: unknown } } } | undefined)?.token
  const id = token?.project?.id
  return typeof id === 'string' && id ? id : undefined
}

/** Exchanges the ID token at IAM for a token scoped to the project named after `region`. */
async function exchange(
  api: Api,
  inputs: Extract<CredentialInputs, { kind: 'oidc' }>,
  idToken: string,
  region: string | undefined,
  another: boolean
): Promise<{ token: string; projectId?: string }> {
  // Exchanging the same ID token twice is harmless: a retry needs no read-back.
  const { response, json } = await api.call(
    {
      operation: `exchange the OpenID Connect token at IAM (identity provider "${inputs.idpId}"${another ? `, project ${region}` : ''})`,
      method: 'POST',
      path: '/v3.0/OS-AUTH/id-token/tokens',
      body: { auth: { id_token: { id: idToken }, scope: { project: { name: region } } } },
      headers: { 'X-Idp-Id': inputs.idpId }
    },
    { ok: [200, 201] }
  )
  const header = response.headers['x-subject-token']
  const token = Array.isArray(header) ? header[0] : header
  if (!token)
    throw new Error('IAM accepted the OpenID Connect token but returned no X-Subject-Token header')
  const projectId = projectIdOf(json)
  return { token, ...(projectId ? { projectId } : {}) }
}

/**
 * The Authorizer for the credential inputs. `mask` registers each secret the exchange yields
 * (the ID token, the IAM tokens) the moment it is known. An IAM token is scoped to one
 * region's project, so OpenID Connect exchanges once more for each other region the run
 * calls, when it first calls it; keys sign for every region alike.
 */
export async function resolveCredentials(
  inputs: CredentialInputs,
  region: string | undefined,
  makeApi: (baseUrl: URL) => Api,
  mask: (secret: string) => void
): Promise<ResolvedCredentials> {
  if (inputs.kind === 'keys') {
    const keys = {
      accessKeyId: inputs.accessKeyId,
      secretAccessKey: inputs.secretAccessKey,
      ...(inputs.securityToken ? { securityToken: inputs.securityToken } : {})
    }
    const authorize: Authorizer = request => signRequest(request, keys)
    return {
      authorize,
      authorizeIn: () => authorize,
      ...(inputs.securityToken
        ? {}
        : {
            longTermKeys: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey }
          }),
      description: `${inputs.securityToken ? 'temporary' : 'long-term'} access keys from ${inputs.source}`
    }
  }

  const idToken = await getIdToken(inputs.audience)
  mask(idToken)
  const api = makeApi(inputs.iamEndpoint)
  let projectId: string | undefined
  const tokenFor = async (r: string | undefined): Promise<string> => {
    const exchanged = await exchange(api, inputs, idToken, r, r !== region)
    mask(exchanged.token)
    if (r === region) projectId = exchanged.projectId
    return exchanged.token
  }
  const byToken =
    (token: string): Authorizer =>
    ({ headers }) => ({ ...headers, 'X-Auth-Token': token })
  const authorize = byToken(await tokenFor(region))
  // Another region's token is asked for only when that region is first called, once.
  const others = new Map<string, Promise<string>>()
  const authorizeIn = (r: string): Authorizer => {
    if (r === region) return authorize
    return async request => {
      let token = others.get(r)
      if (!token) others.set(r, (token = tokenFor(r)))
      return byToken(await token)(request)
    }
  }
  return {
    authorize,
    authorizeIn,
    ...(projectId ? { projectId } : {}),
    description: `an IAM token from OpenID Connect (identity provider "${inputs.idpId}")`
  }
}

/** The documented long-term login: {region}@{AK} and hex HMAC-SHA256(key = SK, message = AK). */
export function longTermDockerLogin(region: string, accessKeyId: string, secretAccessKey: string) {
  return {
    username: `${region}@${accessKeyId}`,
    password: createHmac('sha256', secretAccessKey).update(accessKeyId).digest('hex')
  }
}
