// The inputs that take repositories down (ensure, prune, max_deletions), checked before any
// request: a present-only setting given with ensure: absent, or a prune pattern outside the
// glob syntax, is the user's mistake, named with its value.
import { InputError, invalid, invalidEntry, linesOf, type Read } from './input-rules.js'

type Ensure = 'present' | 'absent'

export interface LifecycleInputs {
  ensure: Ensure
  /** Glob patterns of repository names to delete when not listed; empty: nothing is pruned. */
  prune: string[]
  /** The most repositories a run may delete; more fails the run before its first write. */
  maxDeletions: number
}

/**
 * Inputs that only describe a repository that exists, with their defaults (the runner passes
 * a default as if it were given, so only another value counts as given).
 */
const PRESENT_ONLY: readonly [string, string][] = [
  ['category', ''],
  ['is_public', ''],
  ['description', ''],
  ['on_drift', 'warn'],
  ['retention_keep_last', ''],
  ['retention_keep_days', ''],
  ['retention_exceptions', ''],
  ['retention_keep_signatures', 'true'],
  ['share_with', ''],
  ['immutable_tags', ''],
  ['replicate_override', 'false'],
  ['organization_permissions', ''],
  ['repository_permissions', '']
]

const PRUNE_RULE =
  'it must be a repository name pattern: lower-case letters, digits, ".", "_", "-" and "/", with "*" for any characters within one "/"-separated segment and "**" for any number of whole segments (no other syntax)'

/** One segment of a pattern: name characters and single "*"s, or exactly "**". */
const SEGMENT = /^(\*\*|[a-z0-9._*-]+)$/

function isValidPattern(pattern: string): boolean {
  if (pattern.length > 256) return false
  return pattern
    .split('/')
    .every(segment => SEGMENT.test(segment) && (segment === '**' || !segment.includes('**')))
}

export function readLifecycle(input: Read): LifecycleInputs {
  const ensure = input('ensure') || 'present'
  if (ensure !== 'present' && ensure !== 'absent') {
    throw invalid(
      'ensure',
      ensure,
      'it must be "present" (create or converge) or "absent" (delete)'
    )
  }
  if (ensure === 'absent') {
    const given = PRESENT_ONLY.filter(([name, fallback]) => {
      const value = input(name)
      return value !== '' && value !== fallback
    }).map(([name]) => `"${name}"`)
    if (given.length > 0) {
      const names = given.join(', ')
      throw new InputError(
        `Input${given.length === 1 ? '' : 's'} ${names} only describe${given.length === 1 ? 's' : ''} a repository that exists, and ensure is "absent": the repositories are deleted. Drop ${given.length === 1 ? 'it' : 'them'}, or set ensure to "present".`
      )
    }
  }
  const prune = [...new Set(linesOf(input('prune')))]
  // prune keeps what is listed present and deletes the rest of its matches (issue 17 defines it
  // with present only); with absent, what is listed goes too, and the two mean opposite things.
  if (ensure === 'absent' && prune.length > 0) {
    throw new InputError(
      'Inputs "ensure" and "prune" do not go together: ensure is "absent" (the repositories listed are deleted), and prune deletes the repositories matching its patterns that are not listed, keeping the listed ones present. Drop prune, or set ensure to "present" (the default) for a sweep.'
    )
  }
  for (const pattern of prune) {
    if (!isValidPattern(pattern)) throw invalidEntry('prune', pattern, prune.length, PRUNE_RULE)
  }
  const maxInput = input('max_deletions') || '10'
  if (!/^\d+$/.test(maxInput) || Number(maxInput) > 1_000_000) {
    throw invalid('max_deletions', maxInput, 'it must be a whole number from 0 to 1000000')
  }
  return { ensure, prune, maxDeletions: Number(maxInput) }
}
