import { afterEach, describe, expect, it } from 'vitest'
import { proxyFor } from '../src/http/transport.js'

const VARS = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY']
afterEach(() => {
  for (const name of VARS) delete process.env[name]
})
const api = new URL('https://swr-api.cn-north-4.myhuaweicloud.com/v2/manage/namespaces')

describe('which requests go through a proxy', () => {
  it('https URLs use https_proxy, then HTTPS_PROXY', () => {
    expect(proxyFor(api)).toBeUndefined()
    process.env['HTTPS_PROXY'] = 'http://upper.example:3128'
    expect(proxyFor(api)?.host).toBe('upper.example:3128')
    process.env['https_proxy'] = 'http://lower.example:3128'
    expect(proxyFor(api)?.host).toBe('lower.example:3128')
  })

  it.each([
    ['no_proxy', 'myhuaweicloud.com'],
    ['no_proxy', '.myhuaweicloud.com'],
    ['NO_PROXY', 'swr-api.cn-north-4.myhuaweicloud.com'],
    ['NO_PROXY', 'example.org, swr-api.cn-north-4.myhuaweicloud.com:443'],
    ['no_proxy', '*']
  ])('%s=%s bypasses the proxy', (name, value) => {
    process.env['HTTPS_PROXY'] = 'http://proxy.example:3128'
    process.env[name] = value
    expect(proxyFor(api)).toBeUndefined()
    expect(proxyFor(new URL('https://iam.eu-west-101.myhuaweicloud.eu'))?.host).toBe(
      value === '*' ? undefined : 'proxy.example:3128'
    )
  })

  it('loopback hosts never use the proxy', () => {
    process.env['HTTPS_PROXY'] = 'http://proxy.example:3128'
    process.env['HTTP_PROXY'] = 'http://proxy.example:3128'
    expect(proxyFor(new URL('http://127.0.0.1:8080'))).toBeUndefined()
    expect(proxyFor(new URL('https://localhost:8443'))).toBeUndefined()
  })
})
