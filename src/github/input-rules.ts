// The rules every input module shares: the error that names the input, the value and the rule,
// and the parsing of booleans, lists and endpoints. Below inputs.ts and the modules it calls
// (access, credential, enterprise, lifecycle, permission and retention inputs), so that none of
// them imports another in a circle.
import { isLoopbackHost } from '../swr/endpoints.js'

export type Read = (name: string) => string

/** An input that breaks a rule: the message names the input, the value and the rule. */
export class InputError extends Error {
  override name = 'InputError'
}

export function invalid(input: string, value: string, rule: string): InputError {
  return new InputError(`Input "${input}" is ${JSON.stringify(value)}: ${rule}.`)
}

/**
 * As invalid, for one entry of a list input: when the input holds several entries, the
 * message names the entry without calling it the input's whole value.
 */
export function invalidEntry(
  input: string,
  entry: string,
  entries: number,
  rule: string
): InputError {
  if (entries < 2) return invalid(input, entry, rule)
  return new InputError(`Input "${input}" has the entry ${JSON.stringify(entry)}: ${rule}.`)
}

/** The entries of a list input: one per line or comma-separated, trimmed, blanks dropped. */
export function entriesOf(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map(entry => entry.trim())
    .filter(entry => entry.length > 0)
}

/** The non-blank lines of a multi-line input, trimmed. */
export function linesOf(value: string): string[] {
  return value
    .split('\n')
    .map(line => line.trim())
    .filter(line => line.length > 0)
}

export function parseBoolean(input: string, value: string): boolean {
  // The spellings @actions/core's getBooleanInput accepts (YAML 1.2 core schema).
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw invalid(input, value, 'it must be "true" or "false"')
}

export function parseEndpoint(input: string, value: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalid(
      input,
      value,
      'it must be a URL such as https://swr-api.cn-north-4.myhuaweicloud.com'
    )
  }
  // Checked first and reported without the value: user info or a query may carry a password.
  if (url.username || url.password || url.search || url.hash) {
    throw new InputError(
      `Input "${input}" (value hidden) is malformed: it must be a base URL without credentials, query or fragment.`
    )
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw invalid(
      input,
      value,
      'it must be an https:// URL (plain http is allowed for loopback hosts only)'
    )
  }
  url.pathname = url.pathname.replace(/\/+$/, '')
  return url
}
