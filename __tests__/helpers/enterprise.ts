// Helpers of the Enterprise Edition tests: an emulator with one Running instance ("reg", id
// ins-1) in the main account's project, the inputs of a run against it, and what its outputs
// and requests say.
import { ENTERPRISE_VARIANTS, VARIANTS } from '../../test/emulator/emulator.js'
import { baseInputs, startEmulator, type Emulator } from './emulator.js'

export const INSTANCE = 'ins-1'
export const ADDRESS = 'reg.swr.cn-north-4.myhuaweicloud.com'

/** Enterprise Edition variants by name, each one of the values variants.js lists for it. */
export type EnterpriseVariants = Record<string, string>

/**
 * The defaults, then every other value of each Enterprise Edition variant on its own. A policy
 * limited to one rule cannot keep signature tags, so eeRetentionRules has tests of its own in
 * enterprise-policies.test.ts instead.
 */
export const VARIANT_CASES: { name: string; variants: EnterpriseVariants }[] = [
  { name: 'the defaults', variants: {} },
  ...ENTERPRISE_VARIANTS.filter(variant => variant !== 'eeRetentionRules').flatMap(variant =>
    (VARIANTS as Record<string, readonly string[]>)[variant]!.slice(1).map(value => ({
      name: `${variant}: ${value}`,
      variants: { [variant]: value }
    }))
  )
]

export async function startWithInstance(variants: EnterpriseVariants = {}): Promise<Emulator> {
  const emulator = await startEmulator({ variants })
  emulator.addInstance({ id: INSTANCE, name: 'reg' })
  return emulator
}

/** A run against the instance with the main account's long-term keys and its project id. */
export function eeInputs(
  emulator: Emulator,
  extra: Record<string, string> = {}
): Record<string, string> {
  return baseInputs(emulator, {
    iam_endpoint: emulator.url,
    instance_id: INSTANCE,
    project_id: emulator.projectId(),
    ...extra
  })
}

/** The requests the emulator saw, "METHOD path?query", the instance prefix shortened to "~". */
export function eeRequests(emulator: Emulator): string[] {
  const prefix = `/v2/${emulator.projectId()}/instances/${INSTANCE}`
  return emulator.log.map(e => `${e.method} ${e.rawPath.replace(prefix, '~')}${e.query}`)
}

export const writes = (emulator: Emulator) => eeRequests(emulator).filter(r => !r.startsWith('GET'))

export { planOf, resultOf, type PlannedChange } from './action.js'
