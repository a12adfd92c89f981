// The instance itself is only read and checked, never changed: it must be Running to serve.
import type { InstanceInfo } from '../swr/enterprise-client.js'

class InstanceNotRunningError extends Error {
  override name = 'InstanceNotRunningError'
  constructor(instance: InstanceInfo) {
    super(
      `SWR Enterprise Edition instance "${instance.name}" (${instance.id}) is ${instance.status || 'in no state'}, not Running: it serves no namespace, repository or login until it is Running. A new instance takes several minutes to start; check its state in the SWR console.`
    )
  }
}

export function checkRunning(instance: InstanceInfo): InstanceInfo {
  if (instance.status !== 'Running') throw new InstanceNotRunningError(instance)
  return instance
}

/** The registry host: the registry input, else the instance's access address. */
export function registryOf(instance: InstanceInfo | undefined, registry: string | undefined) {
  const host = registry ?? instance?.accessAddress
  if (!host && instance?.badAccessAddress) {
    throw new Error(
      `The instance answered the access address ${instance.badAccessAddress}, which is not a registry host name: it is not trusted. Set input registry to the host users push to.`
    )
  }
  if (!host) {
    throw new Error(
      'The instance did not name its access address: set input registry to the host users push to.'
    )
  }
  return host
}
