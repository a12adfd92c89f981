// What sharing and replication have in common: changes made of plain before/after objects,
// and entries that exist but are not listed in the inputs, which follow on_drift.
import type { DriftPolicy } from '../github/inputs.js'
import type { Change } from './types.js'

export interface AccessDiff {
  changes: Change[]
  warning?: string
  failure?: string
}

export function accessChange<T extends object>(
  resource: 'sharing' | 'replication',
  name: string,
  action: Change['action'],
  before: T | null,
  after: T | null,
  reason: string
): Change {
  const plain = (value: T | null): Record<string, unknown> | null =>
    value ? ({ ...value } as Record<string, unknown>) : null
  return { resource, name, action, before: plain(before), after: plain(after), reason }
}

/**
 * Adds to `changes` what on_drift says about entries not listed in `input`: warn keeps them
 * (a warning), update deletes them (a change each), fail plans nothing (a failure).
 */
export function unlisted<T extends object>(
  name: string,
  input: string,
  what: string,
  extra: { entry: T; label: string; resource: 'sharing' | 'replication' }[],
  onDrift: DriftPolicy,
  changes: Change[]
): AccessDiff {
  if (extra.length === 0) return { changes }
  const listed = extra.map(e => e.label).join(', ')
  const found = `Repository "${name}" ${what} ${listed}, not listed in ${input}`
  if (onDrift === 'fail') return { changes: [], failure: `${found} (on_drift: fail).` }
  if (onDrift === 'warn') return { changes, warning: `${found}; left as it is (on_drift: warn).` }
  const reason = (label: string) => `on_drift: update, and ${label} is not listed in ${input}`
  const deletes = extra.map(e =>
    accessChange(e.resource, name, 'delete', e.entry, null, reason(e.label))
  )
  return { changes: [...changes, ...deletes] }
}
