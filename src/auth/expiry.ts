// When a temporary docker login expires, as the service says (the X-Swr-Expireat header of the
// standard edition, an instance's expire_date): text from the service, so read strictly and
// checked for sense before it becomes an output (docs/swr-service.md, "Docker login").
import { quoted } from '../values.js'

/** The longest a temporary login is documented to last is 24 hours; a week is beyond doubt. */
const MOST_AHEAD_MS = 7 * 24 * 3600_000

// ISO 8601 date and time with a zone: "2026-07-23T08:46:07.811000Z", "...+08:00". A fraction
// of any length (SWR has been seen to send microseconds); no zone is no answer, since the
// hour would be a guess.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/

/** The instant an ISO 8601 date-time with a zone names, in ms since the epoch; undefined if none. */
export function parseIsoInstant(text: string): number | undefined {
  const m = ISO.exec(text.trim())
  if (!m) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[]
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3))
  const utc = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!, ms)
  const check = new Date(utc)
  // Date.UTC rolls 2026-02-30 over into March: a date that does not exist is no date.
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month! - 1 ||
    check.getUTCDate() !== day ||
    hour! > 23 ||
    minute! > 59 ||
    second! > 59
  )
    return undefined
  if (m[8]) return utc
  const offsetHours = Number(m[10])
  const offsetMinutes = Number(m[11])
  if (offsetHours > 23 || offsetMinutes > 59) return undefined
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000
  return m[9] === '+' ? utc - offset : utc + offset
}

export type LoginExpiry = { expiresAt: string } | { warning: string }

/**
 * The expiry for the docker_login_expires_at output, as ISO 8601 UTC to the second
 * ("2026-07-23T08:46:07Z"), or why there is none: absent, not a date, already past, or
 * further ahead than any temporary login lasts. `source` names where it came from.
 */
export function loginExpiry(
  raw: string | undefined,
  source: string,
  now = Date.now()
): LoginExpiry {
  const unset = 'docker_login_expires_at is left empty'
  if (raw === undefined || raw.trim() === '') {
    return { warning: `SWR sent no ${source} with the temporary docker login; ${unset}.` }
  }
  const at = parseIsoInstant(raw)
  if (at === undefined) {
    return {
      warning: `SWR's ${source} ${quoted(raw, 64)} is not an ISO 8601 date and time with a time zone; ${unset}.`
    }
  }
  if (at <= now || at > now + MOST_AHEAD_MS) {
    const when = at <= now ? 'in the past' : 'more than 7 days ahead'
    return {
      warning: `SWR's ${source} ${quoted(raw, 64)} is ${when}, which no temporary login is; ${unset}.`
    }
  }
  return { expiresAt: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z') }
}
