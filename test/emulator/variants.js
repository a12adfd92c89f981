// What the emulator can do where no public source settles what the live service answers
// (docs/swr-service.md, "Behaviours no public source settles"). The first value of each
// list is the default; tests iterate over every value so that the action is tried under each.

/** Every variant and its values, the default first. */
export const VARIANTS = Object.freeze({
  /** POST .../namespaces/{ns}/repos when the organization does not exist: "status-code". */
  createRepoInMissingOrg: Object.freeze([
    '404-4040058',
    '404-4041061',
    '400-4001008',
    '400-4001028',
    '403-4039001',
    '403-4037017'
  ]),
  /** A call on a repository of a missing organization: the organization's code or the repo's. */
  readRepoInMissingOrg: Object.freeze(['org-code', 'repo-code']),
  /** Calls on an organization another account owns: as if missing, or 401 4011064. */
  foreignOrg: Object.freeze(['404', '401']),
  /**
   * How an expired IAM token is refused: the gateway's 401 APIGW.0301 "token expires", its 401
   * APIGW.0307 "The token must be updated.", or SWR's own 401 4010000 "token expired".
   */
  expiredToken: Object.freeze(['APIGW.0301', 'APIGW.0307', 'SVCSTG.SWR.4010000']),
  /** POST .../retentions on a repository that has a policy already. */
  secondRetention: Object.freeze(['refuse-400', 'refuse-409', 'store']),
  /**
   * DELETE .../repos/{repository} that succeeds: 204 (the OTC reference's status table) or 200
   * with an empty object (the issue allows it; no source shows the live answer).
   */
  deleteRepoSuccess: Object.freeze(['204', '200']),
  /**
   * DELETE .../repos/{repository} of a repository that holds images: deleted with them (the
   * current OTC reference lists no refusal), or refused with 406 4060012 (the older OTC
   * reference: "The repository cannot be deleted because it contains images").
   */
  deleteRepoWithImages: Object.freeze(['delete', 'refuse-406']),
  /** The answer once the account's repository quota is reached: "status-code". */
  repositoryQuotaAnswer: Object.freeze(['500-5007019', '400-4000098']),
  /**
   * GET .../access-domains/{access_domain} for an account the repository is not shared with:
   * 400 4001090 (what the Terraform provider handles), or 200 {"exist": false} (the API
   * reference documents an `exist` field).
   */
  readMissingSharing: Object.freeze(['400-4001090', 'exist-false']),
  /**
   * How a sharing's deadline is read back: as it was sent, or as an ISO date-time with
   * milliseconds (the API reference's examples show both "…T16:00:00Z" and "…T16:00:00.000Z").
   */
  sharingDeadline: Object.freeze(['as-sent', 'millis']),
  /** Sharing a public repository: refused (only private ones can be shared), or stored. */
  sharePublicRepo: Object.freeze(['refuse-400', 'store']),
  /** POST .../sync_repo when the target organization is missing there: "status-code". */
  syncTargetMissingOrg: Object.freeze(['404-4040058', '400-4001008']),
  /** POST .../sync_repo for a target that has a rule already: refused, or the rule updated. */
  duplicateSyncRule: Object.freeze(['refuse-409', 'update']),
  /**
   * DELETE .../sync_repo for a target that has no rule: 400 4001158 (what the Terraform
   * provider's delete reads as "gone", evidence §5), 200 as if deleted, or 404.
   */
  deleteMissingSyncRule: Object.freeze(['400-4001158', '200', '404-4040010']),
  /**
   * The name of the auto-sync flag in GET .../sync_repo: `synAuto` (the official SDKs'
   * SyncRepo model) or `syncAuto` (the API reference's older example, and the request body).
   */
  syncRuleAutoField: Object.freeze(['synAuto', 'syncAuto']),
  /**
   * POST .../access: the status the API reference gives (200 for an organization, 201 for a
   * repository), or either one for both.
   */
  permissionCreateStatus: Object.freeze(['documented', '200', '201']),
  /** GET .../access: the caller's own entry listed in others_auths too (the doc's example), or not. */
  permissionSelfListed: Object.freeze(['listed', 'absent']),
  /** IAM's GET /v3/users: answered, or refused with 403 (no iam:users:listUsers). */
  iamUserLookup: Object.freeze(['allowed', 'refused']),
  /** IAM's name filter: exact, or ignoring case and matching in part (no source promises exact). */
  iamNameMatch: Object.freeze(['exact', 'fuzzy']),
  /**
   * An Enterprise Edition instance's access_address: a bare host ("{name}.swr.{region}.
   * myhuaweicloud.com", what the notes find likely) or prefixed with https:// (as the
   * Terraform provider's tests show it).
   */
  instanceAccessAddress: Object.freeze(['bare', 'https']),
  /** Creating an Enterprise Edition namespace that exists: 409 (Harbor's answer) or 400. */
  eeNamespaceDuplicate: Object.freeze(['409', '400']),
  /**
   * An Enterprise Edition namespace, repository or immutable tag rule that does not exist:
   * 404 (what the Terraform provider's reads imply), or 400 (as a missing retention policy
   * answers, SWR.400003).
   */
  eeMissing: Object.freeze(['404', '400']),
  /** DELETE of an Enterprise Edition repository that succeeds: 200 (Harbor's) or 204. */
  eeRepoDelete: Object.freeze(['200', '204']),
  /**
   * DELETE of an Enterprise Edition repository that an immutable tag rule keeps: 412 (Harbor's
   * PRECONDITION answer for immutable artifacts) or 400.
   */
  eeImmutableDelete: Object.freeze(['412', '400']),
  /** PUT of an Enterprise Edition namespace: 200 or 204, both without a body. */
  eeNamespacePut: Object.freeze(['200', '204']),
  /**
   * The rules an Enterprise Edition retention policy may hold: up to 15 (Harbor's limit), one
   * on PUT only (the official SDKs' UpdateRetentionPolicyRequestBody says of its rules
   * "数组长度只允许为1", the array may hold one; the create body says nothing), or one on both.
   */
  eeRetentionRules: Object.freeze(['many', 'one-on-update', 'one']),
  /**
   * GET .../feature-gates: enableCombinationRetention listed (false exactly when
   * eeRetentionRules is "one"), or left out (the SDK's field is omitempty).
   */
  eeFeatureGates: Object.freeze(['listed', 'absent'])
})

/** The variants that only Enterprise Edition calls show. */
export const ENTERPRISE_VARIANTS = Object.freeze([
  'instanceAccessAddress',
  'eeNamespaceDuplicate',
  'eeMissing',
  'eeNamespacePut',
  'eeRepoDelete',
  'eeImmutableDelete',
  'eeRetentionRules',
  'eeFeatureGates'
])

/** The variants that only sharing and auto-sync calls show. */
export const ACCESS_VARIANTS = Object.freeze([
  'readMissingSharing',
  'sharingDeadline',
  'sharePublicRepo',
  'syncTargetMissingOrg',
  'duplicateSyncRule',
  'deleteMissingSyncRule',
  'syncRuleAutoField'
])

/** The variants that only IAM user grants and IAM's user lookup show (permissions.test.ts). */
export const PERMISSION_VARIANTS = Object.freeze([
  'permissionCreateStatus',
  'permissionSelfListed',
  'iamUserLookup',
  'iamNameMatch'
])

/** The variants that only a run with an expired IAM token shows (refusals.test.ts tries each). */
export const AUTH_VARIANTS = Object.freeze(['expiredToken'])

/** The error body shapes SWR is known to answer with, the live one first. */
export const ERROR_SHAPES = Object.freeze(['live', 'object', 'array', 'errors'])

/** The variants in force: the defaults, overridden by `chosen`, each checked. */
export function createVariants(chosen = {}) {
  const variants = Object.fromEntries(
    Object.entries(VARIANTS).map(([name, [first]]) => [name, first])
  )
  for (const [name, value] of Object.entries(chosen)) {
    checkVariant(name, value)
    variants[name] = value
  }
  return variants
}

/** Throws unless `value` is one of the values of the variant `name`. */
export function checkVariant(name, value) {
  const values = VARIANTS[name]
  if (!values) throw new Error(`unknown emulator variant ${name}`)
  if (!values.includes(value))
    throw new Error(`emulator variant ${name} must be one of ${values.join(', ')}, not ${value}`)
}

/** "404-4040058" -> { status: 404, code: "SVCSTG.SWR.4040058" } */
export function statusAndCode(value) {
  const [status, code] = value.split('-')
  return { status: Number(status), code: `SVCSTG.SWR.${code}` }
}
