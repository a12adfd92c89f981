// The run's log lines: the plan before it is applied, then one line per repository in the
// order given, then the failures, each as its own annotation.
import type { Change } from '../resources/types.js'
import { quoted } from '../values.js'
import type { GrantResult, Report } from '../report.js'

const SIGNS: Record<Change['action'], string> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-'
}

/** Each resource as a sentence names it, before its name. */
const WHAT: Record<Change['resource'], string> = {
  organization: 'organization',
  repository: 'repository',
  retention: 'the retention policy of',
  sharing: 'the sharing of',
  replication: 'the auto-sync rule of',
  'organization-permission': 'an IAM user permission on organization',
  'repository-permission': 'an IAM user permission on',
  namespace: 'namespace',
  immutability: 'the immutable tag rules of'
}

const VERB: Record<Change['action'], string> = {
  create: 'Create',
  update: 'Update',
  replace: 'Replace',
  delete: 'Delete'
}

/** The plan in plain words: a heading, then one line per change with why it is needed. */
export function planLines(changes: Change[], dryRun: boolean): string[] {
  if (changes.length === 0) return ['Plan: nothing to change.']
  const count = `${changes.length} change${changes.length === 1 ? '' : 's'}`
  const heading = `Plan: ${count}${dryRun ? ', none of which is made (dry run)' : ''}:`
  return [
    heading,
    ...changes.map(c => {
      const where = c.region ? ` in ${c.region}` : ''
      return `  ${SIGNS[c.action]} ${VERB[c.action]} ${WHAT[c.resource]} ${c.name}${where}: ${c.reason}`
    })
  ]
}

/** The plan line of a run stopped before it could read anything: its credentials were refused. */
export const NOTHING_PLANNED =
  'Plan: nothing could be planned, because SWR refused the credentials before anything was read.'

/** "ci-bot write (created), lead manage (unchanged)": names from the service are quoted. */
function grantWords(grants: GrantResult[]): string {
  return grants.map(g => `${quoted(g.user, 64)} ${g.level} (${g.action})`).join(', ')
}

export function repositoryLines(report: Report): string[] {
  const organization = report.organizationPermissions
    ? [
        `Organization "${report.namespace}": IAM user permissions: ${grantWords(report.organizationPermissions) || 'none'}`
      ]
    : []
  return [
    ...organization,
    ...report.repositories.map(r => {
      const line = `Repository "${report.namespace}/${r.repository}": ${r.action}${r.path ? ` (${r.path})` : ''}`
      return (
        line +
        (r.note ? `; ${r.note}` : '') +
        (r.retention ? `; retention policy ${r.retention}` : '') +
        (r.permissions ? `; IAM user permissions: ${grantWords(r.permissions)}` : '') +
        (r.immutability ? `; immutable tag rules ${r.immutability}` : '')
      )
    })
  ]
}

/** Each failed repository's annotation, named in its title and in its text. */
export function failureAnnotations(report: Report): { title: string; message: string }[] {
  const organization = (report.organizationErrors ?? []).map(message => ({
    title: `SWR organization ${report.namespace}`,
    message
  }))
  const namespace = (report.namespaceErrors ?? []).map(message => ({
    title: `SWR namespace ${report.namespace}`,
    message
  }))
  return [
    ...organization,
    ...namespace,
    ...report.repositories.flatMap(r => {
      if (r.error === undefined) return []
      const name = `${report.namespace}/${r.repository}`
      const message = r.error.includes(`"${name}"`) ? r.error : `Repository "${name}": ${r.error}`
      return [{ title: `SWR repository ${name}`, message }]
    })
  ]
}

/** The step's failure line: a short total naming the repositories. */
export function failureTotal(report: Report): string | undefined {
  const failed = report.repositories.filter(r => r.error !== undefined)
  const grants = report.organizationErrors?.length ?? 0
  const policies = report.namespaceErrors?.length ?? 0
  const organization =
    [
      grants
        ? `${grants} of the organization's IAM user permissions failed (organization_permissions)`
        : '',
      policies
        ? `${policies} change${policies === 1 ? '' : 's'} of the namespace's retention policy or immutable tag rules failed`
        : ''
    ]
      .filter(Boolean)
      .join('; ') || undefined
  if (failed.length === 0) return organization
  const total = report.repositories.length
  const names = failed.map(r => `${report.namespace}/${r.repository}`).join(', ')
  const repositories = `${failed.length} of ${total} repositor${total === 1 ? 'y' : 'ies'} failed: ${names}`
  return organization ? `${organization}; ${repositories}` : repositories
}

/**
 * A short group title in plain words, whatever the batch's length: "Ensure group/app exists".
 * `where` names an Enterprise Edition instance.
 */
export function groupTitle(
  namespace: string,
  repositories: string[],
  dryRun: boolean,
  where = '',
  lifecycle: { ensure: 'present' | 'absent'; prune: string[] } = { ensure: 'present', prune: [] }
): string {
  const names = repositories.map(r => `${namespace}/${r}`)
  const one = lifecycle.ensure === 'absent' ? 'is absent' : 'exists'
  const many = lifecycle.ensure === 'absent' ? 'are absent' : 'exist'
  const what =
    repositories.length > 3
      ? `${repositories.length} repositories ${many} in ${namespace}`
      : names.length === 1
        ? `${names[0]} ${one}`
        : names.length === 0
          ? `only the listed repositories of ${namespace} ${many}`
          : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} ${many}`
  const pruning = lifecycle.prune.length > 0 ? `, pruning ${lifecycle.prune.join(', ')}` : ''
  const title = `Ensure ${what}${where ? ` ${where}` : ''}${pruning}`
  return dryRun ? `${title} (dry run: nothing is changed)` : title
}
