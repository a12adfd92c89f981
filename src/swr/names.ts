// SWR's name rules (docs/swr-service.md, "Names"). Checked before any request so a
// typo costs no round trip and gets a sentence instead of an opaque 400.
import { quoted } from '../values.js'

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
  return encodeURIComponent(repository.replace(/\//g, '$')).replace(/%24/g, '$')
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
