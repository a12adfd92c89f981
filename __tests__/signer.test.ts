import { describe, expect, it } from 'vitest'
import { AKSKSigner } from './helpers/sdk-signer.js'
import {
  canonicalQuery,
  canonicalUri,
  computeSignature,
  sdkDate,
  signRequest
} from '../src/http/signer.js'

describe('the official test vectors (huaweicloud-sdk-go-v3 signer tests)', () => {
  const headers = { 'X-Sdk-Date': '20060102T150405Z' }
  it('GET /path?limit=1 with an empty body', () => {
    const url = new URL('https://example.huaweicloud.com/path?limit=1')
    expect(computeSignature('GET', url, headers, '', 'SecretKey')).toEqual({
      signedHeaders: 'x-sdk-date',
      signature: '5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624'
    })
  })
  it('POST /path?key=value with a JSON body and a newline', () => {
    const url = new URL('https://example.huaweicloud.com/path?key=value')
    expect(
      computeSignature('POST', url, headers, '{"Name":"test","Id":1}\n', 'SecretKey').signature
    ).toBe('cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59')
  })
})

describe('canonical forms', () => {
  it('encodes each path segment from its decoded form and ends with a slash', () => {
    expect(canonicalUri('/v2/manage/namespaces/group/repos/team$app')).toBe(
      '/v2/manage/namespaces/group/repos/team%24app/'
    )
    expect(canonicalUri('/v2/manage/namespaces/group/repos/team%24app')).toBe(
      '/v2/manage/namespaces/group/repos/team%24app/'
    )
    expect(canonicalUri('/a b/~x/')).toBe('/a%20b/~x/')
  })
  it('sorts keys and the values of repeated keys, encoding both', () => {
    expect(canonicalQuery(new URLSearchParams('b=2&a=z&a=y&filter=namespace::g'))).toBe(
      'a=y&a=z&b=2&filter=namespace%3A%3Ag'
    )
    expect(canonicalQuery(new URLSearchParams(''))).toBe('')
  })
  it('formats X-Sdk-Date as YYYYMMDDTHHMMSSZ in UTC', () => {
    expect(sdkDate(new Date(Date.UTC(2006, 0, 2, 15, 4, 5, 999)))).toBe('20060102T150405Z')
  })
})

describe('agreement with the official Node signer', () => {
  const credentials = {
    accessKeyId: 'HPUAEXAMPLEKEY000001',
    secretAccessKey: 'sEcReT/Key+With=Chars0123456789'
  }
  const now = new Date(Date.UTC(2026, 10, 23, 8, 30, 0))
  const cases: { name: string; method: string; url: string; body?: object; token?: string }[] = [
    {
      name: 'a GET with no query',
      method: 'GET',
      url: 'https://swr-api.cn-north-4.myhuaweicloud.com/v2/manage/namespaces/group'
    },
    {
      name: 'a GET with a filter query',
      method: 'GET',
      url: 'https://swr-api.cn-north-4.myhuaweicloud.com/v2/manage/namespaces?filter=namespace::group'
    },
    {
      name: 'a GET with several query keys',
      method: 'GET',
      url: 'https://swr-api.cn-north-4.myhuaweicloud.com/v2/manage/repos?namespace=group&name=app&limit=10&offset=0'
    },
    {
      name: 'a $ in the path',
      method: 'GET',
      url: 'https://swr-api.cn-north-4.myhuaweicloud.com/v2/manage/namespaces/group/repos/team$app'
    },
    {
      name: 'a POST with a body',
      method: 'POST',
      url: 'https://swr-api.cn-north-4.myhuaweicloud.com/v2/manage/namespaces/group/repos',
      body: {
        repository: 'team/app',
        is_public: false,
        category: 'other',
        description: 'ünïcode & "quotes"'
      }
    },
    {
      name: 'a PATCH with a security token',
      method: 'PATCH',
      url: 'https://swr-api.eu-west-101.myhuaweicloud.eu/v2/manage/namespaces/group/repos/team$app',
      body: { is_public: true, category: 'linux', description: '' },
      token: 'gQpjbi1ub3J0aC00AAAA+token/with=chars'
    },
    {
      name: 'a POST with a query and a token',
      method: 'POST',
      url: 'https://swr-api.cn-north-4.myhuaweicloud.com/v2/manage/utils/secret?projectname=cn-north-4',
      token: 'another-token'
    }
  ]
  it.each(cases)('$name', ({ method, url, body, token }) => {
    const parsed = new URL(url)
    const text = body === undefined ? '' : JSON.stringify(body)
    const ours = signRequest(
      {
        method,
        url: parsed,
        headers: { 'Content-Type': 'application/json;charset=utf-8' },
        body: text
      },
      { ...credentials, ...(token ? { securityToken: token } : {}) },
      now
    )
    const queryParams: Record<string, string> = {}
    for (const [k, v] of parsed.searchParams) queryParams[k] = v
    const official = AKSKSigner.sign(
      {
        endpoint: `${parsed.origin}${parsed.pathname}`,
        method,
        headers: {
          'Content-Type': 'application/json;charset=utf-8',
          'X-Sdk-Date': '20261123T083000Z',
          ...(token ? { 'X-Security-Token': token } : {})
        },
        queryParams,
        ...(body === undefined ? {} : { data: body })
      },
      { getAk: () => credentials.accessKeyId, getSk: () => credentials.secretAccessKey }
    )
    expect(ours['X-Sdk-Date']).toBe('20261123T083000Z')
    expect(ours['Authorization']).toBe(official['Authorization'])
    expect(ours['Authorization']).toContain(
      token
        ? 'SignedHeaders=content-type;host;x-sdk-date;x-security-token,'
        : 'SignedHeaders=content-type;host;x-sdk-date,'
    )
  })
})

describe('the signed Host', () => {
  it('is the host as Node sends it: a default port is left out, another kept', () => {
    const sign = (url: string) =>
      signRequest(
        { method: 'GET', url: new URL(url), headers: {}, body: '' },
        { accessKeyId: 'a', secretAccessKey: 'b' }
      )
    expect(sign('https://swr-api.cn-north-4.myhuaweicloud.com:443/v2')['Host']).toBe(
      'swr-api.cn-north-4.myhuaweicloud.com'
    )
    expect(sign('http://127.0.0.1:8080/v2')['Host']).toBe('127.0.0.1:8080')
  })
})
