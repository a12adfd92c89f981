// Turns the credential inputs into an Authorizer: AK/SK (optionally STS) signing, or an IAM
// token obtained keylessly by exchanging the workflow's OpenID Connect token.
import { createHmac } from 'node:crypto'
import type { Api, Authorizer } from '../http/api.js'
import type { CredentialInputs } from '../github/inputs.js'
import { signRequest } from '../http/signer.js'

export interface ResolvedCredentials {
  authorize: Authorizer
  /** Long-term keys allow the documented long-term docker login without any request. */
  longTermKeys?: { accessKeyId: string; secretAccessKey: string }
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
    throw new Error(
      `Cannot get the OpenID Connect token from GitHub: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err }
    )
  }
}

/**
 * The Authorizer for the credential inputs. `mask` registers each secret the exchange yields
 * (the ID token, the IAM token) the moment it is known.
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
    return {
      authorize: request => signRequest(request, keys),
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
  // Exchanging the same ID token twice is harmless: a retry needs no read-back.
  const { response } = await makeApi(inputs.iamEndpoint).call(
    {
      operation: `exchange the OpenID Connect token at IAM (identity provider "${inputs.idpId}")`,
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
  mask(token)
  return {
    authorize: ({ headers }) => ({ ...headers, 'X-Auth-Token': token }),
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
