import { expect } from 'vitest'
import { InputError } from '../../src/github/input-rules.js'

/** The InputError that fn throws; fails the test when fn throws something else, or nothing. */
export function inputErrorOf(fn: () => unknown): InputError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(InputError)
    return err as InputError
  }
  throw new Error('expected an InputError, but nothing was thrown')
}
