// One SWR per region. A request reaches a region's SWR through its own host name,
// swr-api.{region}.{domain}, so that host picks the region's state; any other host (a direct
// loopback request) reaches the emulator's default region. Accounts and keys are global, as in
// the cloud: only organizations, repositories and what hangs off them live in a region.
import { createState } from './resources.js'

/**
 * The regions a repository can be synchronized to (GET /v2/manage/regions), unless the
 * `regions` option says otherwise: public Huawei Cloud regions known to host SWR.
 */
export const DEFAULT_REGIONS = Object.freeze([
  'cn-north-4',
  'cn-north-1',
  'cn-north-9',
  'cn-north-11',
  'cn-east-3',
  'cn-east-2',
  'cn-south-1',
  'cn-southwest-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'af-south-1',
  'la-south-2',
  'la-north-2',
  'sa-brazil-1',
  'tr-west-1',
  'me-east-1',
  'eu-west-101'
])

const API_HOST = /^swr-api\.([a-z0-9-]+)\.[a-z0-9.-]+?(?::\d+)?$/i

/** The region a Host header names, or undefined when it is no regional SWR API host. */
export function regionFromHost(host) {
  return API_HOST.exec(host ?? '')?.[1]?.toLowerCase()
}

/** The registry host in a region's image paths (eu-west-101 lives under .eu, as its API). */
export const registryHost = region =>
  `swr.${region}.${region === 'eu-west-101' ? 'myhuaweicloud.eu' : 'myhuaweicloud.com'}`

/**
 * Every region's SWR, made the first time it is needed: { region, registry, state } each.
 * `known` holds the regions a synchronization rule may target.
 */
export function createRegions(options, defaultRegion) {
  const records = new Map()
  const known = new Set([...(options.regions ?? DEFAULT_REGIONS), defaultRegion])
  return {
    known,
    get(region) {
      let record = records.get(region)
      if (!record) {
        const registry =
          region === defaultRegion && options.registry ? options.registry : registryHost(region)
        record = { region, registry, state: createState() }
        records.set(region, record)
      }
      return record
    },
    /** The regions that hold state so far. */
    all: () => [...records.values()]
  }
}
