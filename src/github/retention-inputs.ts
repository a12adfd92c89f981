// The entries of retention_exceptions, read once for both editions. The standard edition sends
// each as an SWR tag selector: a tag name as a "label" selector (SWR keeps the tag of exactly
// that name) and a "re:" entry as a "regexp" selector. An Enterprise Edition instance matches
// tags with doublestar globs and has no regular expressions.
import { invalidEntry } from './input-rules.js'
import { EXCEPTION_RULE, isValidException } from '../enterprise/names.js'
import { charactersAt, whyInvalid } from '../swr/names.js'
import { quoted } from '../values.js'

/** A tag name kept verbatim (an instance's: a glob pattern), or a "re:" regular expression. */
export interface RetentionException {
  kind: 'label' | 'regexp'
  pattern: string
}

/** Docker's limit on a tag's length, which no exception can usefully exceed. */
const MAX_TAG = 128

const TAG_EXCEPTION_RULE =
  'a tag (at most 128 letters, digits, "_", "." and "-", not starting with "." or "-"), or a regular expression after "re:", such as "re:^v[0-9]+"'

/**
 * The entries of the input: one per line or comma-separated, trimmed, blanks dropped, each
 * once. A comma inside braces stays, so that a regular expression's "{1,3}" is not cut in two.
 */
function exceptionEntries(value: string): string[] {
  const entries: string[] = []
  for (const line of value.split('\n')) {
    let depth = 0
    let entry = ''
    for (const c of line) {
      if (c === ',' && depth === 0) {
        entries.push(entry)
        entry = ''
        continue
      }
      if (c === '{') depth++
      if (c === '}' && depth > 0) depth--
      entry += c
    }
    entries.push(entry)
  }
  return [...new Set(entries.map(entry => entry.trim()).filter(entry => entry.length > 0))]
}

/** Each character of value that allowed refuses, once, with its position (from 1). */
function refused(value: string, allowed: (c: string) => boolean): [string, number][] {
  const seen = new Set<string>()
  return [...value].flatMap((c, i): [string, number][] => {
    if (allowed(c) || seen.has(c)) return []
    seen.add(c)
    return [[c, i + 1]]
  })
}

function charactersPhrase(found: [string, number][], offset = 0): string {
  const at = charactersAt(found.map(([c, i]): [string, number] => [c, i + offset]))
  return `${at} ${found.length > 1 ? 'are' : 'is'} not allowed`
}

function lengthPhrase(entry: string): string | undefined {
  return entry.length > MAX_TAG
    ? `it is ${entry.length} characters long, ${entry.length - MAX_TAG} more than the ${MAX_TAG} of a tag`
    : undefined
}

/** Characters of glob patterns, which no tag holds. */
const GLOB = /[*?[\]{}!]/

/**
 * Why a tag name for the standard edition, which SWR matches exactly, is refused: Docker's tag
 * grammar is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
 */
function tagReason(entry: string): string | undefined {
  const problems: string[] = []
  const length = lengthPhrase(entry)
  if (length) problems.push(length)
  const foreign = refused(entry, c => /^[A-Za-z0-9_.-]$/.test(c))
  if (foreign.length > 0) {
    const glob = foreign.some(([c]) => GLOB.test(c))
      ? ' (the standard edition keeps the tag of exactly this name, so a glob matches nothing: write a pattern as a regular expression after "re:")'
      : ''
    problems.push(charactersPhrase(foreign) + glob)
  }
  if (/^[.-]/.test(entry)) problems.push(`it starts with ${quoted(entry[0] as string)}`)
  return problems.length > 0 ? whyInvalid(problems, TAG_EXCEPTION_RULE) : undefined
}

/** Why a regular expression for the standard edition's "regexp" selector is refused. */
function regexpReason(entry: string): string | undefined {
  const pattern = entry.slice(3)
  // A tag holds no whitespace or control characters, so an expression that needs one keeps
  // nothing; most likely it is two entries run together.
  const foreign = refused(pattern, c => /^[\x21-\x7e]$/.test(c))
  if (foreign.length > 0) {
    return whyInvalid(
      [charactersPhrase(foreign, 3)],
      'a regular expression without spaces or control characters after "re:", since a tag holds none'
    )
  }
  try {
    if (!pattern) throw new Error('empty')
    new RegExp(pattern)
  } catch {
    return 'a "re:" entry must hold a valid regular expression'
  }
  return undefined
}

/** Why a glob pattern for an instance's doublestar tag selector is refused. */
function globReason(entry: string): string | undefined {
  if (entry.startsWith('re:')) {
    return 'an SWR Enterprise Edition instance matches tags with glob patterns (such as "v*"), not regular expressions, so "re:" entries cannot be expressed; write the exception as a tag or a pattern'
  }
  if (isValidException(entry)) return undefined
  const problems: string[] = []
  const length = lengthPhrase(entry)
  if (length) problems.push(length)
  const foreign = refused(entry, c => /^[A-Za-z0-9_.*?[\]!-]$/.test(c))
  if (foreign.length > 0) {
    const braces = foreign.some(([c]) => c === '{' || c === '}')
      ? ' (the action joins the exceptions into one "{a,b}" pattern itself: give each alternative as its own entry)'
      : ''
    problems.push(charactersPhrase(foreign) + braces)
  }
  return whyInvalid(problems, EXCEPTION_RULE)
}

/**
 * The exceptions of retention_exceptions, checked for the edition the run targets; throws an
 * InputError naming the first entry that no tag could match.
 */
export function readExceptions(value: string, instance: boolean): RetentionException[] {
  const entries = exceptionEntries(value)
  return entries.map(entry => {
    const regexp = !instance && entry.startsWith('re:')
    const reason = instance ? globReason(entry) : regexp ? regexpReason(entry) : tagReason(entry)
    if (reason) throw invalidEntry('retention_exceptions', entry, entries.length, reason)
    return regexp
      ? { kind: 'regexp' as const, pattern: entry.slice(3) }
      : { kind: 'label' as const, pattern: entry }
  })
}
