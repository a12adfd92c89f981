// A repository: read with one GET, compared only on the settings the workflow set, created
// private and "other" unless asked otherwise, and changed only under on_drift: update.
import type { RepositoryInfo, RepositoryRead, RepositorySettings } from '../swr/client.js'
import type { Change, DriftItem, Wanted, WantedSettings } from './types.js'

/** A new repository's settings: what the workflow set, else private, "other", no description. */
function newRepositorySettings(wanted: WantedSettings): RepositorySettings {
  return {
    is_public: wanted.is_public ?? false,
    category: wanted.category ?? 'other',
    description: wanted.description ?? ''
  }
}

export function settingsOf(info: RepositoryInfo): RepositorySettings {
  return { is_public: info.is_public, category: info.category, description: info.description }
}

/** Differences in the settings the workflow set; an empty description is "no opinion". */
function driftOf(current: RepositorySettings, wanted: WantedSettings): DriftItem[] {
  const drift: DriftItem[] = []
  if (wanted.is_public !== undefined && current.is_public !== wanted.is_public) {
    drift.push({ setting: 'is_public', actual: current.is_public, wanted: wanted.is_public })
  }
  if (wanted.category !== undefined && current.category !== wanted.category) {
    drift.push({ setting: 'category', actual: current.category, wanted: wanted.category })
  }
  if (wanted.description && current.description !== wanted.description) {
    drift.push({ setting: 'description', actual: current.description, wanted: wanted.description })
  }
  return drift
}

/** The whole settings an update sends (SWR requires is_public): the current ones, corrected. */
function correctedSettings(current: RepositorySettings, drift: DriftItem[]): RepositorySettings {
  const corrected = { ...current }
  for (const item of drift) Object.assign(corrected, { [item.setting]: item.wanted })
  return corrected
}

function describeDrift(drift: DriftItem[]): string {
  return drift
    .map(d => `${d.setting} is ${JSON.stringify(d.actual)}, wanted ${JSON.stringify(d.wanted)}`)
    .join('; ')
}

export interface RepositoryDiff {
  change?: Change
  drift: DriftItem[]
  /** Drift left alone under on_drift: warn. */
  warning?: string
  /** Drift under on_drift: fail. */
  failure?: string
}

export function diffRepository(name: string, read: RepositoryRead, wanted: Wanted): RepositoryDiff {
  if (read.state === 'absent') {
    const after = newRepositorySettings(wanted.settings)
    const reason = 'the repository does not exist'
    return {
      change: {
        resource: 'repository',
        name,
        action: 'create',
        before: null,
        after: { ...after },
        reason
      },
      drift: []
    }
  }
  const current = settingsOf(read.info)
  const drift = driftOf(current, wanted.settings)
  if (drift.length === 0) return { drift }
  const differences = describeDrift(drift)
  if (wanted.onDrift === 'fail') {
    return {
      drift,
      failure: `Repository "${name}" differs from the inputs (on_drift: fail): ${differences}.`
    }
  }
  if (wanted.onDrift === 'warn') {
    return {
      drift,
      warning: `Repository "${name}" differs from the inputs and was left as it is (on_drift: warn): ${differences}.`
    }
  }
  const after = correctedSettings(current, drift)
  const reason = `on_drift: update, and ${drift.map(d => d.setting).join(', ')} differ${drift.length === 1 ? 's' : ''} from the inputs`
  return {
    change: {
      resource: 'repository',
      name,
      action: 'update',
      before: { ...current },
      after: { ...after },
      reason
    },
    drift
  }
}

/** "it holds 3 images", when the read said how many. */
function imagesOf(info: RepositoryInfo): string {
  if (info.images === undefined) return ''
  return `; it holds ${info.images} image${info.images === 1 ? '' : 's'}, deleted with it`
}

/**
 * Deleting a repository that was read to exist: `before` is what goes, image count included
 * where the read returned it. A repository that does not exist needs no change.
 */
export function deleteRepositoryChange(
  name: string,
  info: RepositoryInfo,
  why: string,
  region?: string
): Change {
  return {
    resource: 'repository',
    name,
    ...(region ? { region } : {}),
    action: 'delete',
    before: { ...settingsOf(info), ...(info.images !== undefined ? { images: info.images } : {}) },
    after: null,
    reason: `${why}${imagesOf(info)}`
  }
}
