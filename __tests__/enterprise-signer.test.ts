// Signing the Enterprise Edition's paths, where a repository name travels encoded twice
// ("team/app" as "team%252Fapp"). The service checks a signature over the path as it decodes
// it once, each segment encoded again: that is what the official Go SDK signs (it signs
// URL.Path, the decoded form of what it sends) and what the emulator checks. The official Node
// signer encodes whatever path it is given, so it is handed the once-decoded path here.
import { describe, expect, it } from 'vitest'
import { AKSKSigner } from './helpers/sdk-signer.js'
import { canonicalUri, signRequest } from '../src/http/signer.js'
import { repositorySegment } from '../src/swr/enterprise-client.js'

const credentials = { accessKeyId: 'HPUAEXAMPLEKEY000001', secretAccessKey: 'sEcReT/Key+0123' }
const now = new Date(Date.UTC(2026, 10, 23, 8, 30, 0))
const HOST = 'https://swr-api.cn-north-4.myhuaweicloud.com'
const PREFIX = '/v2/0123456789abcdef0123456789abcdef/instances/ins-1'

/** Each segment decoded once, as the service reads the path it receives. */
const decodedOnce = (path: string) => path.split('/').map(decodeURIComponent).join('/')

describe('a doubly encoded repository name', () => {
  it('keeps one level of encoding in the canonical URI', () => {
    const path = `${PREFIX}/namespaces/group/repositories/${repositorySegment('team/app')}`
    expect(path.endsWith('/repositories/team%252Fapp')).toBe(true)
    expect(canonicalUri(path)).toBe(`${PREFIX}/namespaces/group/repositories/team%252Fapp/`)
  })

  const cases = [
    { method: 'GET', repository: 'team/app' },
    { method: 'GET', repository: 'a/b/c' },
    { method: 'PUT', repository: 'team/app', body: { description: 'ünïcode & "quotes"' } },
    { method: 'GET', repository: 'plain-app' }
  ]
  it.each(cases)(
    '$method $repository is signed as the official Node signer signs the decoded path',
    ({ method, repository, body }) => {
      const path = `${PREFIX}/namespaces/group/repositories/${repositorySegment(repository)}`
      const headers = {
        'Content-Type': 'application/json;charset=utf-8',
        'X-Project-Id': '0123456789abcdef0123456789abcdef'
      }
      const text = body === undefined ? '' : JSON.stringify(body)
      const ours = signRequest(
        { method, url: new URL(`${HOST}${path}`), headers, body: text },
        credentials,
        now
      )
      const official = AKSKSigner.sign(
        {
          endpoint: `${HOST}${decodedOnce(path)}`,
          method,
          headers: { ...headers, 'X-Sdk-Date': '20261123T083000Z' },
          queryParams: {},
          ...(body === undefined ? {} : { data: body })
        },
        { getAk: () => credentials.accessKeyId, getSk: () => credentials.secretAccessKey }
      )
      expect(ours['Authorization']).toBe(official['Authorization'])
      expect(ours['Authorization']).toContain(
        'SignedHeaders=content-type;host;x-project-id;x-sdk-date,'
      )
    }
  )

  it('differs from the signature over the singly encoded path, a different resource', () => {
    const sign = (segment: string) =>
      signRequest(
        {
          method: 'GET',
          url: new URL(`${HOST}${PREFIX}/namespaces/group/repositories/${segment}`),
          headers: {},
          body: ''
        },
        credentials,
        now
      )['Authorization']
    expect(sign('team%252Fapp')).not.toBe(sign('team%2Fapp'))
  })
})
