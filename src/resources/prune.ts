// Which repositories a prune pattern takes: the glob syntax lifecycle-inputs.ts checks, as a
// regular expression, and the matches in an organization's (namespace's) list. Both editions
// read their lists through this. Pure.

/**
 * The regular expression a prune pattern stands for: "*" is any run of characters but "/",
 * "**" any number of whole segments (so "a/**" matches "a/b/c" but not "a" itself).
 */
export function patternRegExp(pattern: string): RegExp {
  const segments = pattern.split('/').map(segment =>
    segment === '**'
      ? '**'
      : segment
          .split('*')
          .map(part => part.replace(/[.]/g, '\\.'))
          .join('[^/]*')
  )
  let source = ''
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1
    if (segment === '**') source += last ? '.+' : '(?:[^/]+/)*'
    else source += segment + (last ? '' : '/')
  })
  return new RegExp(`^${source}$`)
}

/**
 * The repositories of `names` that a prune pattern matches and `listed` does not name, in name
 * order, each with the first pattern that matches it.
 */
export function prunedMatches(
  names: Iterable<string>,
  listed: readonly string[],
  prune: readonly string[]
): { repository: string; pattern: string }[] {
  const patterns = prune.map(pattern => ({ pattern, regex: patternRegExp(pattern) }))
  const kept = new Set(listed)
  return [...names]
    .filter(name => !kept.has(name))
    .sort()
    .flatMap(repository => {
      const match = patterns.find(p => p.regex.test(repository))
      return match ? [{ repository, pattern: match.pattern }] : []
    })
}
