// The project an Enterprise Edition instance lives in: given (project_id, or
// HUAWEI_CLOUD_PROJECT_ID as huaweicloud/auth-action exports it), else named by IAM in the
// OpenID Connect token answer, else looked up at IAM by the region's name.
import { isObject } from '../values.js'
import type { Answer, Api } from '../http/api.js'
import type { EnterpriseInputs } from '../github/inputs.js'

export interface ProjectId {
  id: string
  /** Where it came from, for the log. */
  source: string
}

const listHint = (answer: Answer): string | undefined =>
  answer.status === 403
    ? 'Listing projects needs the IAM permission iam:projects:listProjects; without it, give project_id (or set HUAWEI_CLOUD_PROJECT_ID).'
    : undefined

/** IAM's project named after the region: exactly one must match. */
async function lookupProject(iam: Api, region: string): Promise<string> {
  const { json } = await iam.call(
    {
      operation: `look up the project of region ${region} at IAM`,
      method: 'GET',
      path: '/v3/projects',
      query: { name: region }
    },
    { ok: [200], hint: listHint }
  )
  const projects = (isObject(json) && Array.isArray(json['projects']) ? json['projects'] : [])
    .filter(isObject)
    .filter(p => p['name'] === region && typeof p['id'] === 'string')
  if (projects.length === 0) {
    throw new Error(
      `IAM has no project named ${region} for this account: check region, or give project_id (the project of the region the instance is in).`
    )
  }
  if (projects.length > 1) {
    const ids = projects.map(p => String(p['id'])).join(', ')
    throw new Error(
      `IAM has ${projects.length} projects named ${region} for this account (${ids}): give project_id to choose one.`
    )
  }
  return String(projects[0]?.['id'])
}

/** The first source that knows the project; IAM is asked only when none does. */
export async function resolveProjectId(
  enterprise: EnterpriseInputs,
  fromToken: string | undefined,
  iamFor: (endpoint: URL) => Api
): Promise<ProjectId> {
  if (enterprise.projectId) {
    return { id: enterprise.projectId, source: enterprise.projectIdSource ?? 'input project_id' }
  }
  if (fromToken) return { id: fromToken, source: 'the OpenID Connect token answer' }
  const lookup = enterprise.projectLookup
  // getInputs refuses an instance run with neither a project id nor a region.
  if (!lookup) throw new Error('No project id is known for the instance: give project_id.')
  const id = await lookupProject(iamFor(lookup.iamEndpoint), lookup.region)
  return { id, source: `IAM's project of ${lookup.region}` }
}
