// SWR may not show an organization or repository for a moment after its creation: writes that
// follow a create are tried again, waiting longer each time (docs/swr-service.md, "Eventual
// consistency").
import { ApiError } from '../http/errors.js'
import { isSwrNotFound } from '../swr/errors.js'

export interface Waiting {
  sleep: (ms: number) => Promise<void>
  /** Waits before each new try while something just created does not show yet. */
  delays: number[]
}

/** Runs `attempt` until it is done, waiting between tries while it finds nothing to act on. */
export async function untilVisible(
  waiting: Waiting,
  attempt: () => Promise<'done' | 'absent'>,
  failure: (tries: number) => string
): Promise<void> {
  for (const delay of [...waiting.delays, undefined]) {
    if ((await attempt()) === 'done') return
    if (delay === undefined) break
    await waiting.sleep(delay)
  }
  throw new Error(failure(waiting.delays.length + 1))
}

/**
 * Runs a read-back (did a write whose answer was lost take effect?) again while SWR answers
 * not-found: right after a repository's creation, reads of what hangs off it may not find it
 * yet. It waits as untilVisible does, within the same tries; any other failure stands.
 */
export async function throughLag<T>(waiting: Waiting, read: () => Promise<T>): Promise<T> {
  for (const delay of waiting.delays) {
    try {
      return await read()
    } catch (err) {
      if (!(err instanceof ApiError && isSwrNotFound(err))) throw err
    }
    await waiting.sleep(delay)
  }
  return read()
}
