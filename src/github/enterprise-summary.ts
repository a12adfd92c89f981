// The job summary of an instance run: the instance and its namespace, the repositories at a
// glance (a missing one as the first push's to create), then the plan with its outcomes.
import type { EnterpriseWanted } from '../enterprise/types.js'
import type { InstanceInfo } from '../swr/enterprise-client.js'
import { ORGANIZATION_WORDS, cell, code, driftCell, planSection, table } from './summary.js'
import type { Report, RepositoryResult } from '../report.js'

function wantedWords(wanted: EnterpriseWanted): string {
  const parts = [
    wanted.isPublic === undefined ? 'is_public not set' : wanted.isPublic ? 'public' : 'private',
    ...(wanted.description ? [`"${wanted.description}"`] : []),
    ...(wanted.immutableTags ? [`immutable tags ${wanted.immutableTags.join(', ')}`] : [])
  ]
  return `${parts.join(', ')}; on drift: ${wanted.onDrift}`
}

function done(r: RepositoryResult): string {
  return r.note ? `${r.action} (${cell(r.note)})` : r.action
}

function repositoryTable(report: Report): string[] {
  const head = ['Repository', 'Path', 'Done', 'Description', 'Retention', 'Immutable tags', 'Drift']
  return table(
    head,
    report.repositories.map(r => [
      code(r.repository),
      code(r.path),
      done(r),
      r.description ? cell(`"${r.description}"`) : '—',
      r.retention ?? '—',
      r.immutability ?? '—',
      driftCell(r)
    ])
  )
}

export function renderEnterpriseSummary(
  wanted: EnterpriseWanted,
  report: Report,
  instance: InstanceInfo | undefined
): string {
  const name = instance
    ? `${instance.name} (${instance.id}, ${instance.status})`
    : wanted.instanceId
  const lines = [
    `### SWR Enterprise Edition instance ${code(name)}${report.dryRun ? ' (dry run: nothing was changed)' : ''}`,
    '',
    `Namespace ${code(report.namespace)}: ${ORGANIZATION_WORDS[report.organization]}. ` +
      `Wanted: ${cell(wantedWords(wanted))}. A repository is created by its first docker push; its description is set by the first run after it.`,
    '',
    ...repositoryTable(report),
    ''
  ]
  return [...lines, ...planSection(report.changes)].join('\n') + '\n'
}
