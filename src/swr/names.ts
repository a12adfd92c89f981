// SWR's name rules (docs/swr-service.md, "Names"). Checked before any request so a
// typo costs no round trip and gets a sentence instead of an opaque 400.

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
