import { afterEach, beforeEach } from 'vitest'
import { startEmulator } from '../../test/emulator/emulator.js'

export type Emulator = Awaited<ReturnType<typeof startEmulator>>
export { startEmulator }

/**
 * A fresh emulator for each test of the file, closed after it; `set` is given it before the
 * test runs: `let emulator: Emulator; emulatorPerTest(started => (emulator = started))`.
 */
export function emulatorPerTest(
  set: (emulator: Emulator) => void,
  options?: Parameters<typeof startEmulator>[0]
): void {
  let current: Emulator | undefined
  beforeEach(async () => {
    current = await startEmulator(options)
    set(current)
  })
  afterEach(async () => {
    await current?.close()
    current = undefined
  })
}

/** The inputs of a run against the emulator with the main account's long-term keys. */
export function baseInputs(
  emulator: Emulator,
  extra: Record<string, string> = {}
): Record<string, string> {
  return {
    namespace: 'group',
    repository: 'app',
    region: emulator.region,
    endpoint: emulator.url,
    access_key_id: emulator.accounts.main.accessKeyId,
    secret_access_key: emulator.accounts.main.secretAccessKey,
    ...extra
  }
}

/** The SWR requests the emulator saw, as "METHOD /path?query". */
export function requests(emulator: Emulator): string[] {
  return emulator.log.map(entry => `${entry.method} ${entry.rawPath}${entry.query}`)
}

/** The requests the emulator saw that were not reads. */
export const writes = (emulator: Emulator) => emulator.log.filter(entry => entry.method !== 'GET')
