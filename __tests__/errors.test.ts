import { describe, expect, it } from 'vitest'
import { ApiError, parseServiceError } from '../src/http/errors.js'
import { isSwrNotFound, swrPolicy } from '../src/swr/errors.js'
import { backoffDelay, parseRetryAfter } from '../src/http/retry.js'

describe('parseServiceError', () => {
  it.each([
    [
      '{"errors":[{"errorCode":"SVCSTG.SWR.4040058","errorMessage":"Namespace does not exists","detail":"","encoded_authorization_message":""}],"error_code":"SVCSTG.SWR.4040058","error_msg":"Namespace does not exists","encoded_authorization_message":""}',
      { code: 'SVCSTG.SWR.4040058', message: 'Namespace does not exists' }
    ],
    [
      '{"errors":[{"errorCode":"INNER","errorMessage":"inner"}],"error_code":"TOP","error_msg":"top"}',
      { code: 'TOP', message: 'top' }
    ],
    [
      '[{"errorCode":"SVCSTG.SWR.4001048","errorMessage":"m","detail":""}]',
      { code: 'SVCSTG.SWR.4001048', message: 'm' }
    ],
    ['{"errorCode":"C","errorMessage":"m"}', { code: 'C', message: 'm' }],
    ['{"errors":[{"errorCode":"C","errorMessage":"m"}]}', { code: 'C', message: 'm' }],
    [
      '{"error_code":"APIGW.0301","error_msg":"m","request_id":"r"}',
      { code: 'APIGW.0301', message: 'm' }
    ],
    ['{"error":{"code":401,"message":"m","title":"Unauthorized"}}', { message: 'm' }],
    [
      '<html><title>502 Bad Gateway</title></html>',
      { message: 'an HTML page titled "502 Bad Gateway" instead of an API answer' }
    ],
    ['{"truncated": ', { message: '{"truncated":' }],
    ['', {}]
  ])('%s', (body, expected) => {
    expect(parseServiceError(body)).toEqual(expected)
  })

  it('cuts long text', () => {
    expect(parseServiceError('x'.repeat(1000)).message).toHaveLength(301)
  })
})

describe('what is transient', () => {
  it.each([
    [429, {}, true],
    [500, {}, true],
    [502, {}, true],
    [503, {}, true],
    [504, {}, true],
    [409, { code: 'SVCSTG.SWR.4090023' }, true],
    [409, { code: 'SVCSTG.SWR.4090060' }, false],
    [403, { code: 'APIGW.0308' }, true],
    [403, { message: 'The throttling threshold has been reached' }, true],
    [403, { code: 'SVCSTG.SWR.4030000', message: 'Policy does not allow' }, false],
    [400, {}, false],
    [401, {}, false],
    [404, {}, false],
    [403, { code: 'SVCSTG.SWR.4031032' }, true],
    [403, { code: 'SVCSTG.SWR.4031042' }, true],
    [400, { code: 'APIGW.0308' }, true],
    [500, { code: 'SVCSTG.SWR.5007019' }, false],
    [400, { code: 'SVCSTG.SWR.4000097' }, false],
    [400, { code: 'SVCSTG.SWR.4000098' }, false],
    [403, { code: 'SVCSTG.SWR.4039001', message: 'too many requests? no: forbidden' }, false]
  ])('HTTP %i %j -> %s', (status, error, transient) => {
    expect(swrPolicy.isTransient(status, error)).toBe(transient)
  })
})

const baseUrl = new URL('https://swr-api.cn-north-4.myhuaweicloud.com')
const hintFor = (status: number, error: { code?: string; message?: string }) =>
  swrPolicy.hint(status, error, { baseUrl })

describe("ApiError with SWR's hints", () => {
  it('says the call, status, code, message, request id and a hint', () => {
    const error = { code: 'SVCSTG.SWR.4000097', message: 'quota' }
    expect(
      new ApiError('create organization "g"', 400, error, 'rid', hintFor(400, error)).message
    ).toBe(
      'create organization "g" failed: HTTP 400 SVCSTG.SWR.4000097: quota (request id rid). The account has reached its quota of SWR organizations (five by default): use an existing organization as namespace, or delete an unused one (an organization must be empty to be deleted). The quotas and their use show in the SWR console and through GET /v2/manage/projects/{project_id}/quotas. Retrying cannot help.'
    )
  })

  it("explains a cross-account 401 as another account's organization, never as keys or clock", () => {
    const hint = hintFor(401, {
      code: 'SVCSTG.SWR.4011064',
      message: 'can not operate resources of other accounts'
    })
    expect(hint).toContain('belongs to another account')
    expect(hint).not.toMatch(/key|clock/)
    expect(hintFor(401, { code: 'APIGW.0301' })).toContain("runner's clock")
  })

  it('says a 404 without an SWR code comes from an endpoint that serves no SWR API', () => {
    for (const error of [{ code: 'APIGW.0101' }, {}]) {
      expect(hintFor(404, error)).toBe(
        'https://swr-api.cn-north-4.myhuaweicloud.com serves no SWR API at this path: check the endpoint and region inputs.'
      )
    }
    expect(hintFor(404, { code: 'SVCSTG.SWR.4040010' })).toBeUndefined()
  })

  it('explains the repository quota, whether it comes as 400 or as 500', () => {
    expect(hintFor(500, { code: 'SVCSTG.SWR.5007019' })).toContain('quota of SWR repositories')
    expect(hintFor(400, { code: 'SVCSTG.SWR.4000098' })).toContain('quota of SWR repositories')
  })
})

describe('what counts as absent', () => {
  it.each([
    [404, 'SVCSTG.SWR.4040010', true],
    [404, 'SVCSTG.SWR.4040058', true],
    [404, 'APIGW.0101', false],
    [404, undefined, false],
    [400, 'SVCSTG.SWR.4040010', false]
  ])('HTTP %i %s -> %s', (status, code, absent) => {
    expect(isSwrNotFound({ status, error: code ? { code } : {} })).toBe(absent)
  })
})

describe('backoff', () => {
  const policy = { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 1000, budgetMs: 10_000 }
  it('is full jitter under an exponential ceiling capped at the maximum', () => {
    expect(backoffDelay(1, policy, () => 0.999)).toBe(99)
    expect(backoffDelay(3, policy, () => 0.999)).toBe(399)
    expect(backoffDelay(10, policy, () => 0.999)).toBe(999)
    expect(backoffDelay(3, policy, () => 0)).toBe(0)
  })
  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('3')).toBe(3000)
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000)
    expect(parseRetryAfter('soon')).toBeUndefined()
    expect(parseRetryAfter(undefined)).toBeUndefined()
  })
})
