// The plan's vocabulary, shared by every kind of resource: a change is a plain object that
// says what will be done to what, from which settings to which, and why.
import type { DriftPolicy, RetentionSpec } from '../github/inputs.js'
import type { Category } from '../swr/names.js'

export type ResourceKind = 'organization' | 'repository' | 'retention'

export type ChangeAction = 'create' | 'update' | 'replace' | 'delete'

export interface Change {
  resource: ResourceKind
  /** What it applies to: "group" for an organization, "group/app" for the rest. */
  name: string
  action: ChangeAction
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  reason: string
}

/**
 * What became of a change: done; found done (another run made it first); failed; skipped
 * because one it needs failed; or only planned (a dry run).
 */
export type ChangeOutcome = 'done' | 'found done' | 'failed' | 'skipped' | 'planned'

/** Settings the workflow asked for; an absent key means "no opinion". */
export interface WantedSettings {
  is_public?: boolean
  category?: Category
  description?: string
}

/** The state the inputs ask for. */
export interface Wanted {
  namespace: string
  repositories: string[]
  settings: WantedSettings
  onDrift: DriftPolicy
  retention?: RetentionSpec
}

export interface DriftItem {
  setting: 'is_public' | 'category' | 'description'
  actual: string | boolean
  wanted: string | boolean
}
