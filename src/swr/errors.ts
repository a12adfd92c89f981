// What SWR's answers mean (docs/swr-service.md): which error codes say "absent", which are
// worth retrying, which are final, and what to tell the user about each.
import type { Answer, ServicePolicy } from '../http/api.js'
import type { ServiceError } from '../http/errors.js'

const SWR = 'SVCSTG.SWR.'
export const CODES = {
  organizationNotFound: [`${SWR}4040058`, `${SWR}4041061`],
  retentionNotFound: `${SWR}4000306`,
  sharingNotFound: `${SWR}4001090`,
  syncRuleNotFound: `${SWR}4001158`,
  crossAccount: `${SWR}4011064`,
  tokenExpired: `${SWR}4010000`,
  busy: `${SWR}4090023`,
  throttled: [`${SWR}4031032`, `${SWR}4031042`, 'APIGW.0308'],
  organizationQuota: `${SWR}4000097`,
  repositoryQuota: [`${SWR}4000098`, `${SWR}5007019`],
  noSuchUrl: `${SWR}4040083`,
  /** 406: a repository that holds images cannot be deleted (the older OTC reference). */
  repositoryHasImages: `${SWR}4060012`
} as const

const THROTTLED_WORDS = /throttl|rate ?limit|too many requests|flow control/i

function isThrottled(status: number, error: ServiceError): boolean {
  if (status === 429) return true
  if ((CODES.throttled as readonly string[]).includes(error.code ?? '')) return true
  return status === 403 && !error.code?.startsWith(SWR) && THROTTLED_WORDS.test(error.message ?? '')
}

function isQuota(error: ServiceError): boolean {
  const code = error.code ?? ''
  return (
    code === CODES.organizationQuota || (CODES.repositoryQuota as readonly string[]).includes(code)
  )
}

/**
 * SWR's own "not found": a 404 with an SWR not-found code. The gateway's 404 (no such API) and
 * SWR's "URL not found" (4040083) say nothing about what was asked for.
 */
export function isSwrNotFound(answer: Pick<Answer, 'status' | 'error'>): boolean {
  const code = answer.error.code ?? ''
  return answer.status === 404 && code.startsWith(`${SWR}404`) && code !== CODES.noSuchUrl
}

/** A not-found answer that names the organization, not the thing asked for. */
export function isOrganizationNotFound(answer: Pick<Answer, 'status' | 'error'>): boolean {
  return (
    answer.status === 404 &&
    (CODES.organizationNotFound as readonly string[]).includes(answer.error.code ?? '')
  )
}

export function isCrossAccount(error: ServiceError): boolean {
  return error.code === CODES.crossAccount
}

// The API gateway's codes for authentication information it cannot accept (its published
// error-code table: 0301 IAM, 0303 app, 0305 other authentication information, 0307 a token to
// be renewed, 0311 debugging authentication information). Dedicated gateways spell them APIG.
const GATEWAY_AUTHENTICATION = /^APIGW?\.03(01|03|05|07|11)$/
const GATEWAY_AUTHENTICATION_WORDS = /^incorrect (iam )?authentication information/i

/**
 * An answer that refuses the credentials themselves: any 401 but SWR's "another account's
 * organization" (4011064, which concerns one organization), and a 403 that carries one of the
 * gateway's authentication codes or words. SWR's own 403 codes are permissions, and stay
 * with the request that got them.
 */
export function refusesCredentials(status: number, error: ServiceError): boolean {
  if (status === 401) return !isCrossAccount(error)
  if (status !== 403) return false
  return (
    GATEWAY_AUTHENTICATION.test(error.code ?? '') ||
    GATEWAY_AUTHENTICATION_WORDS.test(error.message ?? '')
  )
}

/** What the refusal means, from the gateway's words (docs/swr-service.md, "Refused credentials"). */
function refusalHint(error: ServiceError): string {
  const words = error.message ?? ''
  const clock =
    "If the keys are right, check the runner's clock: a signature more than 15 minutes off is refused."
  if (/failed to reach the limit|locked/i.test(words)) {
    return 'The gateway locked this access key after repeated failed signatures: it unlocks by itself after about 5 minutes. Fix the secret access key first, or the next run locks it again.'
  }
  if (/id[_ ]token/i.test(words)) {
    return "IAM refused the workflow's OpenID Connect token: check idp_id, and that the identity provider in IAM trusts this repository's tokens (its issuer, audience and mapping rules)."
  }
  if (/\bak\b.*not exist|access key.*(not exist|not found|invalid)/i.test(words)) {
    return 'The access key id is unknown to IAM: it was deleted or disabled, or belongs to another cloud. Check access_key_id (or the variable it came from).'
  }
  if (/security token|securitytoken/i.test(words)) {
    return 'The security token does not belong to these temporary keys or has expired: temporary keys last from 15 minutes to 24 hours. Get a fresh triple (access key id, secret access key, security token) in the job that runs this action.'
  }
  if (
    error.code === CODES.tokenExpired ||
    /^APIGW?\.0307$/.test(error.code ?? '') ||
    /token (expire|has expired)|decrypt token|token.*(invalid|scoped)/i.test(words)
  ) {
    return "The IAM token has expired or is not valid in this region: a token is scoped to one region's project and lasts at most 24 hours. Run again to exchange a fresh OpenID Connect token, and check that region names the region of the endpoint."
  }
  if (/signature/i.test(words)) {
    return `The secret access key does not match the access key id: check secret_access_key (or the variable it came from) for a wrong value or a stray space or line break. ${clock}`
  }
  return `Check the access key id and secret access key (or the security token, or the OpenID Connect set-up). ${clock}`
}

function hint(status: number, error: ServiceError, { baseUrl }: { baseUrl: URL }) {
  if (isCrossAccount(error)) {
    return 'SWR says the organization belongs to another account: organization names are unique per region across all accounts, so choose another namespace.'
  }
  if (error.code === CODES.organizationQuota) {
    return 'The account has reached its quota of SWR organizations (five by default): use an existing organization as namespace, or delete an unused one (an organization must be empty to be deleted). The quotas and their use show in the SWR console and through GET /v2/manage/projects/{project_id}/quotas. Retrying cannot help.'
  }
  if (isQuota(error)) {
    return 'The account has reached its quota of SWR repositories: delete unused repositories or ask Huawei Cloud to raise the quota. Retrying cannot help.'
  }
  if (refusesCredentials(status, error)) return refusalHint(error)
  if (status === 404 && (!(error.code ?? '').startsWith(SWR) || error.code === CODES.noSuchUrl)) {
    return `${baseUrl.origin} serves no SWR API at this path: check the endpoint and region inputs.`
  }
  return undefined
}

export const swrPolicy: ServicePolicy = {
  isTransient(status, error) {
    if (isQuota(error)) return false
    if (isThrottled(status, error)) return true
    if (status === 409) return error.code === CODES.busy
    return [500, 502, 503, 504].includes(status)
  },
  isRefusedUnprocessed(status, error) {
    return isThrottled(status, error) || (status === 409 && error.code === CODES.busy)
  },
  hint,
  refusesCredentials
}

/** For IAM and other services: the gateway's throttling and server errors are transient. */
export const genericPolicy: ServicePolicy = {
  isTransient: (status, error) =>
    isThrottled(status, error) || [500, 502, 503, 504].includes(status),
  isRefusedUnprocessed: (status, error) => isThrottled(status, error),
  hint: (status, error, context) =>
    refusesCredentials(status, error) ? hint(status, error, context) : undefined,
  refusesCredentials
}

/** The 403 hint: the IAM action a call needs (README, "IAM permissions"). */
export function permissionHint(permission: string) {
  return (answer: Answer): string | undefined =>
    answer.status === 403 && !isThrottled(answer.status, answer.error)
      ? `The IAM user or agency needs the SWR permission ${permission} (see "IAM permissions" in the README).`
      : undefined
}
