// The run's log lines: the plan before it is applied, then one line per repository in the
// order given, then the failures, each as its own annotation.
import type { Change } from '../resources/types.js'
import type { Report } from '../report.js'

const SIGNS: Record<Change['action'], string> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-'
}

export function planLines(changes: Change[], dryRun: boolean): string[] {
  if (changes.length === 0) return ['Plan: no changes.']
  const heading = `Plan: ${changes.length} change${changes.length === 1 ? '' : 's'}${dryRun ? ' (dry run: none is made)' : ''}`
  return [
    heading,
    ...changes.map(c => `  ${SIGNS[c.action]} ${c.resource} ${c.name}: ${c.action} (${c.reason})`)
  ]
}

export function repositoryLines(report: Report): string[] {
  return report.repositories.map(r => {
    const line = `Repository "${report.namespace}/${r.repository}": ${r.action}${r.path ? ` (${r.path})` : ''}`
    return (
      line +
      (r.note ? `; ${r.note}` : '') +
      (r.retention ? `; retention policy ${r.retention}` : '') +
      (r.immutability ? `; immutable tag rules ${r.immutability}` : '')
    )
  })
}

/** Each failed repository's annotation, named in its title and in its text. */
export function failureAnnotations(report: Report): { title: string; message: string }[] {
  return report.repositories.flatMap(r => {
    if (r.error === undefined) return []
    const name = `${report.namespace}/${r.repository}`
    const message = r.error.includes(`"${name}"`) ? r.error : `Repository "${name}": ${r.error}`
    return [{ title: `SWR repository ${name}`, message }]
  })
}

/** The step's failure line: a short total naming the repositories. */
export function failureTotal(report: Report): string | undefined {
  const failed = report.repositories.filter(r => r.error !== undefined)
  if (failed.length === 0) return undefined
  const total = report.repositories.length
  const names = failed.map(r => `${report.namespace}/${r.repository}`).join(', ')
  return `${failed.length} of ${total} repositor${total === 1 ? 'y' : 'ies'} failed: ${names}`
}

/** A short group title, whatever the batch's length. */
export function groupTitle(namespace: string, repositories: string[], dryRun: boolean): string {
  const verb = dryRun ? 'Plan' : 'Create'
  if (repositories.length > 3) {
    return `${verb} ${repositories.length} repositories in ${namespace} if not exist`
  }
  return `${verb} repository ${repositories.map(r => `${namespace}/${r}`).join(', ')} if not exist`
}
