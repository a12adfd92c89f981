// SWR's name rules (docs/swr-service.md, "Names"). Checked before any request so a
// typo costs no round trip and gets a sentence instead of an opaque 400.
import { andList, quoted } from '../values.js'

// Alphanumeric runs joined by one separator each; "__" is the only separator pair allowed.
const ORGANIZATION = /^[a-z][a-z0-9]*(?:(?:\.|-|_{1,2})[a-z0-9]+)*$/
const REPOSITORY = /^[a-z0-9]+(?:(?:\.|\/|-|_{1,2})[a-z0-9]+)*$/

export const ORGANIZATION_RULE =
  '1-64 characters: lowercase letters, digits, ".", "_" and "-"; it starts with a lowercase ' +
  'letter and ends with a letter or digit; ".", "_" and "-" may not stand next to each other, ' +
  'except up to two "_"'

export const REPOSITORY_RULE =
  '1-128 characters: lowercase letters, digits, ".", "/", "_" and "-"; it starts and ends with ' +
  'a letter or digit; ".", "/", "_" and "-" may not stand next to each other, except up to two "_"'

export function isValidOrganizationName(name: string): boolean {
  return name.length >= 1 && name.length <= 64 && ORGANIZATION.test(name)
}

export function isValidRepositoryName(name: string): boolean {
  return name.length >= 1 && name.length <= 128 && REPOSITORY.test(name)
}

/** The shape of a name rule, for saying what a name that breaks it does wrong. */
export interface NameShape {
  max: number
  /** The characters that join alphanumeric runs. */
  separators: string
  /** Runs of separators allowed next to each other, such as "__". */
  pairs: readonly string[]
  /** The first character must be a letter (a digit is refused too). */
  startsWithLetter: boolean
  /** The rule itself, to tell whether the lowercase name would do. */
  valid: (name: string) => boolean
}

const ORGANIZATION_SHAPE: NameShape = {
  max: 64,
  separators: '._-',
  pairs: ['__'],
  startsWithLetter: true,
  valid: isValidOrganizationName
}

const REPOSITORY_SHAPE: NameShape = {
  max: 128,
  separators: '._/-',
  pairs: ['__'],
  startsWithLetter: false,
  valid: isValidRepositoryName
}

/**
 * Characters with their positions (from 1), for an error: '"A" at position 1',
 * '"A" at position 1 and "B" at position 4', or the first three and how many more.
 */
export function charactersAt(found: [string, number][]): string {
  const shown = found.slice(0, 3).map(([c, i]) => `${quoted(c)} at position ${i}`)
  const more = found.length - shown.length
  return more > 0 ? `${shown.join(', ')} and ${more} more` : andList(shown)
}

/**
 * What a name does wrong, one phrase each (positions count from 1), so that an error can say
 * more than the whole rule. Empty exactly when the name is valid.
 */
export function nameProblems(name: string, shape: NameShape): string[] {
  if (name === '') return ['it is empty']
  const problems: string[] = []
  const chars = [...name]
  if (name.length > shape.max) {
    problems.push(
      `it is ${name.length} characters long, ${name.length - shape.max} more than the ${shape.max} allowed`
    )
  }
  const upper = chars.flatMap((c, i): [string, number][] => (/[A-Z]/.test(c) ? [[c, i + 1]] : []))
  const lower = name.replace(/[A-Z]/g, c => c.toLowerCase())
  if (upper.length > 0) {
    const use = shape.valid(lower) ? `; use ${quoted(lower)}` : ''
    problems.push(
      `${charactersAt(upper)} ${upper.length > 1 ? 'are' : 'is'} uppercase (names are lowercase${use})`
    )
  }
  const isSeparator = (c: string) => shape.separators.includes(c)
  const allowed = (c: string) => /^[a-z0-9]$/.test(c) || isSeparator(c)
  const seen = new Set<string>()
  const foreign = [...lower].flatMap((c, i): [string, number][] => {
    if (allowed(c) || seen.has(c)) return []
    seen.add(c)
    return [[c, i + 1]]
  })
  if (foreign.length > 0) {
    problems.push(`${charactersAt(foreign)} ${foreign.length > 1 ? 'are' : 'is'} not allowed`)
  }
  const first = chars[0] as string
  const last = chars[chars.length - 1] as string
  if (isSeparator(first)) problems.push(`it starts with ${quoted(first)}, a separator`)
  else if (shape.startsWithLetter && /[0-9]/.test(first)) {
    problems.push(`it starts with the digit ${quoted(first)}, not a letter`)
  }
  if (chars.length > 1 && isSeparator(last))
    problems.push(`it ends with ${quoted(last)}, a separator`)
  // Maximal runs of separators, each with the position of its first character.
  const lowerChars = [...lower]
  for (let i = 0; i < lowerChars.length;) {
    let j = i
    while (j < lowerChars.length && isSeparator(lowerChars[j] as string)) j++
    const run = lowerChars.slice(i, j).join('')
    if (run.length > 1 && !shape.pairs.includes(run)) {
      const where = `${quoted(run)} at position ${i + 1}`
      problems.push(
        /^_+$/.test(run) && shape.pairs.includes('__')
          ? `${where} is more than two "_" in a row`
          : `${where} puts separators next to each other`
      )
    }
    i = j > i ? j : i + 1
  }
  return problems
}

/** The reason for an input error about a name: what is wrong with it, then the whole rule. */
export function whyInvalid(problems: string[], rule: string): string {
  return `${problems.join('; ')}; it must be ${rule}`
}

export const organizationNameProblems = (name: string) => nameProblems(name, ORGANIZATION_SHAPE)
export const repositoryNameProblems = (name: string) => nameProblems(name, REPOSITORY_SHAPE)

export const CATEGORIES = [
  'app_server',
  'linux',
  'framework_app',
  'database',
  'lang',
  'other',
  'windows',
  'arm'
] as const

export type Category = (typeof CATEGORIES)[number]

/**
 * A repository's name as one URL path segment: "team/app" travels as "team$app" (the create
 * body keeps the raw name), the rest encoded, the "$" left as it is.
 */
export function repositoryPathSegment(repository: string): string {
  return encodeURIComponent(checkedSegment(repository).replace(/\//g, '$')).replace(/%24/g, '$')
}

/**
 * A name about to become one URL path segment: "", "." and ".." are refused, since a URL
 * resolves them and the request would reach another path (the organization's, the
 * namespace's). No valid name is one of them; this guards against a name the service answered.
 */
export function checkedSegment(name: string): string {
  if (name === '' || name === '.' || name === '..') {
    throw new Error(
      `The repository name ${JSON.stringify(name)} cannot be sent in a URL path (it would address another path); no request was sent for it.`
    )
  }
  return name
}

/**
 * A repository name from a list answer, in the form the inputs use ("$" back to "/", case
 * kept), or undefined when it breaks the repository name rule: such an item is no repository
 * the action may match or delete (a ".." would address the organization's path, a line break
 * would forge an output line, an uppercase name would be folded onto another repository).
 */
export function listedRepositoryName(answered: string): string | undefined {
  const name = answered.replace(/\$/g, '/')
  return isValidRepositoryName(name) ? name : undefined
}

/** The warning about list items dropped for their names, or undefined when none was. */
export function droppedNamesWarning(where: string, dropped: string[]): string | undefined {
  if (dropped.length === 0) return undefined
  const shown = dropped.slice(0, 5).map(name => quoted(name, 100))
  const more = dropped.length > shown.length ? ` and ${dropped.length - shown.length} more` : ''
  const items = dropped.length === 1 ? 'an item' : `${dropped.length} items`
  return `The list of the repositories of ${where} holds ${items} whose name is not a valid repository name: ${shown.join(', ')}${more}. ${dropped.length === 1 ? 'It is' : 'They are'} left alone: neither matched against prune nor deleted.`
}

/** The path of an organization in SWR's management API. */
export const namespacePath = (namespace: string) =>
  `/v2/manage/namespaces/${encodeURIComponent(namespace)}`

/**
 * A registry host as docker takes it: DNS labels, an optional port. Paths the service answers
 * are checked against it, as the registry input is.
 */
export const REGISTRY_HOST =
  /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i

/**
 * A name the service answered, in the form the inputs use: a "/" may come back as the "$" it
 * travels as in URL paths, and case says nothing (names are lowercase; the service is free to
 * fold them).
 */
export const canonicalName = (name: string) => name.replace(/\$/g, '/').toLowerCase()

/** Whether a name the service answered is the name asked for. */
export const sameName = (answered: string, asked: string) =>
  canonicalName(answered) === canonicalName(asked)

/**
 * Why an answer is about something other than what was asked for, or undefined. A field the
 * answer leaves out cannot be checked; one it gives must name what was asked for, or the
 * answer (another organization's or repository's record) is not taken for it.
 */
export function answeredOther(
  json: Record<string, unknown>,
  asked: Record<string, string>
): string | undefined {
  for (const [field, name] of Object.entries(asked)) {
    const value = json[field]
    if (value === undefined || value === null) continue
    if (typeof value !== 'string' || !sameName(value, name)) {
      const shown = typeof value === 'string' ? quoted(value, 100) : typeof value
      return `the answer is about ${field} ${shown}, not "${name}": it is not taken for what was asked`
    }
  }
  return undefined
}
