// The step's outputs, from the report. `paths` and `result` keep the order given; a repository
// that does not exist after the run has no line in `paths` and an empty `path` in `result`.
import { redact, setOutputs } from './runner.js'
import { planOutput, type PathRules, type Report } from '../report.js'

/**
 * Whether the run wrote anything (in a dry run: would): a change made (or planned), or a
 * repository this run created or updated. A change another run made first, and an Enterprise
 * Edition repository left to the first push, are not this run's writes.
 */
function changedOf(report: Report): boolean {
  const made = report.dryRun ? 'planned' : 'done'
  return (
    report.changes.some(c => c.outcome === made) ||
    report.repositories.some(r => r.created || r.updated)
  )
}

export function writeOutputs(report: Report, rules: PathRules): void {
  const first = report.repositories[0]
  const paths = report.repositories.map(r => r.path).filter(Boolean)
  setOutputs([
    ['path', first?.path ?? ''],
    ['paths', paths.join('\n')],
    ['registry', paths[0]?.split('/')[0] ?? rules.registryOverride ?? rules.knownHost ?? ''],
    ['created', String(first?.created ?? false)],
    ['namespace_created', String(report.organization === 'created')],
    // Errors in the result quote the service, which may echo a credential back.
    ['result', redact(JSON.stringify(report.repositories))],
    ['plan', redact(JSON.stringify(planOutput(report.changes)))],
    ['replica_paths', report.replicaPaths.join('\n')],
    ['changed', String(changedOf(report))],
    ['deleted', report.deleted.join('\n')]
  ])
}
