// An instance's name rules (README, "Enterprise Edition"), which differ from the standard
// edition's: a namespace may start with a digit, and no separator pair is allowed.
import { nameProblems } from '../swr/names.js'

const NAMESPACE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/

export const NAMESPACE_RULE =
  '1-64 characters: lowercase letters, digits, ".", "_" and "-"; it starts and ends with a ' +
  'letter or digit, and ".", "_" and "-" never stand next to each other (the rule of SWR ' +
  'Enterprise Edition namespaces)'

export function isValidNamespaceName(name: string): boolean {
  return name.length >= 1 && name.length <= 64 && NAMESPACE.test(name)
}

/** What a namespace name does wrong, one phrase each; empty exactly when it is valid. */
export function namespaceNameProblems(name: string): string[] {
  return nameProblems(name, {
    max: 64,
    separators: '._-',
    pairs: [],
    startsWithLetter: false,
    valid: isValidNamespaceName
  })
}

// A tag pattern goes into a doublestar selector; the action writes several as one "{a,b}"
// alternation, so a retention exception may not hold the characters that would break it.
const TAG_PATTERN = /^[A-Za-z0-9_.*?[\]!{},-]{1,128}$/
const EXCEPTION = /^[A-Za-z0-9_.*?[\]!-]{1,128}$/

export const TAG_PATTERN_RULE =
  'it must be a tag or a doublestar pattern of at most 128 characters: letters, digits, "_", ".", "-" and the glob characters * ? [ ] ! { } ,'

export const EXCEPTION_RULE =
  'a tag or a glob pattern of at most 128 characters: letters, digits, "_", ".", "-" and * ? [ ] ! (an instance matches tags with glob patterns)'

export function isValidTagPattern(pattern: string): boolean {
  return TAG_PATTERN.test(pattern)
}

export function isValidException(pattern: string): boolean {
  return EXCEPTION.test(pattern)
}
