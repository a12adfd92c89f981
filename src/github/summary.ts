// The job summary: the repositories at a glance, then the plan with what became of each change.
import type { Wanted } from '../resources/types.js'
import type { ChangeRecord, GrantResult, Report, RepositoryResult } from '../report.js'

// Every text in the summary may quote the service (names, paths, descriptions, messages), so
// none of it is read as Markdown or HTML: a table cell stays one cell of one line, and a
// description cannot add a link, an image, a tag or emphasis.
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g

/** Text as Markdown that shows it as it is, in one table cell. */
export function cell(text: string): string {
  return (
    text
      .replace(CONTROLS, ' ')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/[\\`*[\]~|!#]/g, '\\$&')
      // An underscore inside a word never starts emphasis, and is_public reads better as it is.
      .replace(/_/g, (u, at: number, all: string) =>
        /[a-z0-9]/i.test(all[at - 1] ?? '') && /[a-z0-9]/i.test(all[at + 1] ?? '') ? u : '\\_'
      )
  )
}

/**
 * Text as a code span in one table cell: nothing in it is Markdown or HTML, so only what could
 * end the span or the cell is dealt with (a fence longer than any run of backticks in it).
 */
export function code(text: string): string {
  if (!text) return '—'
  const line = text.replace(CONTROLS, ' ').replace(/\|/g, '\\|')
  const fence = '`'.repeat(Math.max(0, ...(line.match(/`+/g) ?? []).map(r => r.length)) + 1)
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${line}${pad}${fence}`
}

function settingsOf(result: RepositoryResult): string {
  if (!result.settings) return '—'
  const { is_public, category, description } = result.settings
  return cell(
    `${is_public ? 'public' : 'private'}, ${category}${description ? `, "${description}"` : ''}`
  )
}

/** A repository's error, else its drift, one setting a line. */
export function driftCell(result: RepositoryResult): string {
  if (result.error) return `**error:** ${cell(result.error)}`
  if (result.drift.length === 0) return '—'
  return result.drift
    .map(d => `${d.setting}: ${cell(String(d.actual))} → ${cell(String(d.wanted))}`)
    .join('<br>')
}

/** What became of the organization (an instance's namespace), in words. */
export const ORGANIZATION_WORDS: Record<Report['organization'], string> = {
  created: 'created',
  exists: 'exists',
  'would create': 'would be created',
  failed: 'could not be created',
  'not reached': 'not reached'
}

/** What the workflow asked for; a setting it did not set is compared with nothing. */
function describeWanted(wanted: Wanted): string {
  const { is_public, category, description } = wanted.settings
  const parts = [
    is_public === undefined ? 'is_public not set' : is_public ? 'public' : 'private',
    category === undefined ? 'category not set' : category,
    ...(description ? [`"${description}"`] : [])
  ]
  return `${parts.join(', ')}; on drift: ${wanted.onDrift}`
}

function changeRow(change: ChangeRecord): string[] {
  const outcome = change.outcome + (change.note ? ` (${change.note})` : '')
  const name = change.region ? `${change.name} (${change.region})` : change.name
  return [change.resource, code(name), change.action, cell(change.reason), cell(outcome)]
}

function sharingCell(result: RepositoryResult): string {
  const list = result.sharing ?? []
  if (list.length === 0) return '—'
  return list
    .map(s =>
      cell(
        `${s.account} (${s.deadline === 'forever' ? 'forever' : `until ${s.deadline.slice(0, 10)}`}): ${s.action}`
      )
    )
    .join('<br>')
}

function grantsCell(grants: GrantResult[] | undefined): string {
  if (!grants || grants.length === 0) return '—'
  return grants.map(g => cell(`${g.user}: ${g.level} (${g.action})`)).join('<br>')
}

function replicationCell(result: RepositoryResult): string {
  const list = result.replication ?? []
  if (list.length === 0) return '—'
  return list.map(r => cell(`${r.region}/${r.namespace}: ${r.action}`)).join('<br>')
}

/** The repository table; sharing and replication columns only when the inputs ask for them. */
function repositoryTable(wanted: Wanted, report: Report): string[] {
  const extra = [
    ...(wanted.shareWith ? [['Shared with', sharingCell] as const] : []),
    ...(wanted.replicateTo ? [['Replicated to', replicationCell] as const] : []),
    ...(wanted.repositoryPermissions
      ? [['IAM users', (r: RepositoryResult) => grantsCell(r.permissions)] as const]
      : [])
  ]
  const head = [
    'Repository',
    'Path',
    'Done',
    'Settings',
    'Retention',
    ...extra.map(([h]) => h),
    'Drift'
  ]
  return table(
    head,
    report.repositories.map(r => [
      code(r.repository),
      code(r.path),
      r.action,
      settingsOf(r),
      r.retention ?? '—',
      ...extra.map(([, render]) => render(r)),
      driftCell(r)
    ])
  )
}

/** A Markdown table of cells already escaped. */
export function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map(row => `| ${row.join(' | ')} |`)
  ]
}

/** The plan with what became of each change: the same for both editions. */
export function planSection(changes: ChangeRecord[]): string[] {
  if (changes.length === 0) return ['Plan: no changes.', '']
  return [
    `#### Plan: ${changes.length} change${changes.length === 1 ? '' : 's'}`,
    '',
    ...table(['Resource', 'Name', 'Action', 'Why', 'Outcome'], changes.map(changeRow)),
    ''
  ]
}

export function renderSummary(wanted: Wanted, report: Report): string {
  const lines = [
    `### SWR repositories${report.dryRun ? ' (dry run: nothing was changed)' : ''}`,
    '',
    `Organization ${code(report.namespace)}: ${ORGANIZATION_WORDS[report.organization]}. ` +
      `Wanted: ${cell(describeWanted(wanted))}. A setting that is not set is left as it is, and a new repository is private and \`other\` unless set.`,
    '',
    ...(report.organizationPermissions
      ? [
          `IAM users on organization ${code(report.namespace)}: ${grantsCell(report.organizationPermissions)}`,
          ''
        ]
      : []),
    ...repositoryTable(wanted, report),
    ''
  ]
  return [...lines, ...planSection(report.changes)].join('\n') + '\n'
}
