import { startEmulator } from '../../test/emulator/emulator.js'

export type Emulator = Awaited<ReturnType<typeof startEmulator>>
export { startEmulator }

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
