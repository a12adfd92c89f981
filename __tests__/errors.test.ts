import { describe, expect, it } from 'vitest'
import { isTransientAnswer, parseServiceError, SwrApiError } from '../src/http/errors.js'
import { backoffDelay, parseRetryAfter } from '../src/http/retry.js'

describe('parseServiceError', () => {
  it.each([
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
    [404, {}, false]
  ])('HTTP %i %j -> %s', (status, error, transient) => {
    expect(isTransientAnswer(status, error)).toBe(transient)
  })
})

describe('SwrApiError', () => {
  it('says the call, status, code, message, request id and a hint', () => {
    const error = new SwrApiError(
      'create organization "g"',
      400,
      { code: 'SVCSTG.SWR.4000097', message: 'quota' },
      'rid'
    )
    expect(error.message).toBe(
      'create organization "g" failed: HTTP 400 SVCSTG.SWR.4000097: quota (request id rid). The account has reached its quota of SWR organizations: reuse an existing organization or delete one.'
    )
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
