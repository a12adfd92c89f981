import { BlockList, isIP } from 'node:net'

// Default endpoints per region, as the official SDK's region table has them: every region
// lives under myhuaweicloud.com except eu-west-101, which is on the .eu domain.

const REGION = /^[a-z]{2}(?:-[a-z0-9]+)+$/

export const REGION_RULE =
  'a region id such as cn-north-4, ap-southeast-1, eu-west-101 or eu-de: lowercase letters and digits in parts joined by "-"'

export function isValidRegion(region: string): boolean {
  return REGION.test(region)
}

function domainOf(region: string): string {
  return region === 'eu-west-101' ? 'myhuaweicloud.eu' : 'myhuaweicloud.com'
}

export function defaultApiEndpoint(region: string): string {
  return `https://swr-api.${region}.${domainOf(region)}`
}

export function defaultIamEndpoint(region: string): string {
  return `https://iam.${region}.${domainOf(region)}`
}

/** The registry host of a region's default endpoint: swr.{region}.{domain}. */
export function defaultRegistry(region: string): string {
  return `swr.${region}.${domainOf(region)}`
}

/** Whether the endpoint is the one defaultApiEndpoint(region) gives, however it was spelled. */
export function isDefaultApiEndpoint(endpoint: URL, region: string): boolean {
  const standard = new URL(defaultApiEndpoint(region))
  return endpoint.origin === standard.origin && ['', '/'].includes(endpoint.pathname)
}

/**
 * Another region's endpoint of a custom deployment: the same URL with the label naming the
 * source region replaced (swr-api.eu-de.example.com to swr-api.eu-nl.example.com). Undefined
 * when the host holds that label other than exactly once, since then no part of it is known to
 * name the region, and for a loopback host, which serves whatever region a test makes it.
 */
export function regionalEndpoint(endpoint: URL, from: string, to: string): URL | undefined {
  if (isLoopbackHost(endpoint.hostname)) return undefined
  const labels = endpoint.hostname.split('.')
  const at = labels.indexOf(from)
  if (at < 0 || labels.lastIndexOf(from) !== at) return undefined
  labels[at] = to
  const moved = new URL(endpoint.href)
  moved.hostname = labels.join('.')
  return moved
}

/** swr-api.X → swr.X; undefined when the API host does not follow that convention. */
export function registryFromEndpoint(endpoint: URL): string | undefined {
  const host = endpoint.hostname
  return host.startsWith('swr-api.') ? `swr.${host.slice('swr-api.'.length)}` : undefined
}

/** The region in a conventional API host (swr-api.{region}.…), for a custom endpoint. */
export function regionFromEndpoint(endpoint: URL): string | undefined {
  const match = /^(?:swr-api|iam)\.([a-z0-9-]+)\./.exec(endpoint.hostname)
  return match?.[1] !== undefined && isValidRegion(match[1]) ? match[1] : undefined
}

// Decided on the parsed address, never on a prefix: "127.attacker.example" is a public name.
// Built on first use, for an IPv6 address only: a run against a named host (every real one)
// or an IPv4 address never loads it.
let loopback: BlockList | undefined
function loopbackList(): BlockList {
  if (!loopback) {
    loopback = new BlockList()
    loopback.addSubnet('127.0.0.0', 8, 'ipv4')
    loopback.addAddress('::1', 'ipv6')
  }
  return loopback
}

/** 127.0.0.0/8, ::1 (IPv4-mapped forms included) or exactly "localhost"; IPv6 may be bracketed. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1')
  if (host === 'localhost') return true
  const family = isIP(host)
  // isIP takes an IPv4 address only as four decimal parts without leading zeros, so its first
  // part is the first octet as written.
  if (family === 4) return host.startsWith('127.')
  return family === 6 && loopbackList().check(host, 'ipv6')
}
