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
  busy: `${SWR}4090023`,
  throttled: [`${SWR}4031032`, `${SWR}4031042`, 'APIGW.0308'],
  organizationQuota: `${SWR}4000097`,
  repositoryQuota: [`${SWR}4000098`, `${SWR}5007019`],
  noSuchUrl: `${SWR}4040083`
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
  if (status === 401) {
    return "Check the access key id and secret access key (or the security token, or the OpenID Connect set-up), and that the runner's clock is right: signatures more than 15 minutes off are rejected."
  }
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
  hint
}

/** For IAM and other services: the gateway's throttling and server errors are transient. */
export const genericPolicy: ServicePolicy = {
  isTransient: (status, error) =>
    isThrottled(status, error) || [500, 502, 503, 504].includes(status),
  isRefusedUnprocessed: (status, error) => isThrottled(status, error),
  hint: (status, error, context) => (status === 401 ? hint(status, error, context) : undefined)
}

/** The 403 hint: the IAM action a call needs (README, "IAM permissions"). */
export function permissionHint(permission: string) {
  return (answer: Answer): string | undefined =>
    answer.status === 403 && !isThrottled(answer.status, answer.error)
      ? `The IAM user or agency needs the SWR permission ${permission} (see "IAM permissions" in the README).`
      : undefined
}
