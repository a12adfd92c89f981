// The job summary: one table a person reads at a glance.
import type { ProvisionPlan, ProvisionResult, RepositoryResult } from '../provision.js'

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

function code(text: string): string {
  return text ? `\`${cell(text)}\`` : '—'
}

function settingsOf(result: RepositoryResult): string {
  if (!result.settings) return '—'
  const { is_public, category, description } = result.settings
  return cell(
    `${is_public ? 'public' : 'private'}, ${category}${description ? `, "${description}"` : ''}`
  )
}

function drift(result: RepositoryResult): string {
  if (result.error) return `**error:** ${cell(result.error)}`
  if (result.drift.length === 0) return '—'
  return result.drift
    .map(d => `${d.setting}: ${cell(String(d.actual))} → ${cell(String(d.wanted))}`)
    .join('<br>')
}

const NAMESPACE_WORDS: Record<ProvisionResult['namespaceAction'], string> = {
  created: 'created',
  exists: 'exists',
  'would create': 'would be created',
  unknown: 'not reached'
}

export function renderSummary(plan: ProvisionPlan, result: ProvisionResult): string {
  const { settings } = plan
  const wanted = `${settings.is_public ? 'public' : 'private'}, ${settings.category}`
  const lines = [
    `### SWR repositories${plan.dryRun ? ' (dry run: nothing was changed)' : ''}`,
    '',
    `Organization ${code(result.namespace)}: ${NAMESPACE_WORDS[result.namespaceAction]}. ` +
      `Wanted settings: ${wanted}; on drift: ${plan.onDrift}.`,
    '',
    '| Repository | Path | Done | Settings | Retention | Drift |',
    '| --- | --- | --- | --- | --- | --- |',
    ...result.repositories.map(
      r =>
        `| ${code(r.repository)} | ${code(r.path)} | ${r.action} | ${settingsOf(r)} | ${r.retention ?? '—'} | ${drift(r)} |`
    ),
    ''
  ]
  return lines.join('\n') + '\n'
}
