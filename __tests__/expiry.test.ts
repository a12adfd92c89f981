// What counts as a refusal of the credentials, and how a docker login's expiry is read.
import { describe, expect, it } from 'vitest'
import { loginExpiry, parseIsoInstant } from '../src/auth/expiry.js'
import { refusesCredentials } from '../src/swr/errors.js'

describe('refusesCredentials', () => {
  it.each([
    [401, { code: 'APIGW.0301', message: 'Incorrect IAM authentication information: x' }, true],
    [401, { code: 'APIGW.0307', message: 'The token must be updated.' }, true],
    [401, { code: 'SVCSTG.SWR.4010000', message: 'Token expired' }, true],
    [401, { message: 'The id_token is invalid or expired' }, true],
    [401, {}, true],
    [
      401,
      { code: 'SVCSTG.SWR.4011064', message: 'can not operate resources of other accounts' },
      false
    ],
    [403, { code: 'APIGW.0303' }, true],
    [403, { code: 'APIG.0301' }, true],
    [403, { message: 'Incorrect IAM authentication information: AK access failed' }, true],
    [403, { code: 'SVCSTG.SWR.4039001', message: 'No permission' }, false],
    [403, { code: 'SVCSTG.SWR.4030000', message: "Policy doesn't allow swr:*:*" }, false],
    [403, { code: 'APIGW.0308', message: 'The throttling threshold has been reached' }, false],
    [404, { code: 'APIGW.0101' }, false],
    [400, { code: 'APIGW.0301' }, false]
  ])('%i %j -> %s', (status, error, expected) => {
    expect(refusesCredentials(status, error)).toBe(expected)
  })
})

describe('parseIsoInstant', () => {
  it.each([
    ['2026-07-23T08:46:07.811000Z', Date.UTC(2026, 6, 23, 8, 46, 7, 811)],
    ['2026-07-23T08:46:07Z', Date.UTC(2026, 6, 23, 8, 46, 7)],
    ['2026-07-23 08:46:07.5z', Date.UTC(2026, 6, 23, 8, 46, 7, 500)],
    ['2026-07-23T16:46:07+08:00', Date.UTC(2026, 6, 23, 8, 46, 7)],
    ['2026-07-23T03:46:07-0500', Date.UTC(2026, 6, 23, 8, 46, 7)],
    ['  2026-07-23T08:46:07Z\n', Date.UTC(2026, 6, 23, 8, 46, 7)]
  ])('%j', (text, expected) => {
    expect(parseIsoInstant(text)).toBe(expected)
  })

  it.each([
    '2026-07-23T08:46:07',
    '2026-02-30T00:00:00Z',
    '2026-07-23T24:00:00Z',
    '2026-07-23T08:60:00Z',
    '2026-07-23T08:46:07+25:00',
    '1784796367',
    'Thu, 23 Jul 2026 08:46:07 GMT',
    '',
    '2026-07-23T08:46:07Z; rm -rf /'
  ])('%j is no instant', text => {
    expect(parseIsoInstant(text)).toBeUndefined()
  })
})

describe('loginExpiry', () => {
  const now = Date.UTC(2026, 6, 23, 8, 0, 0)
  it('gives ISO 8601 UTC to the second, never later than the service said', () => {
    expect(loginExpiry('2026-07-24T08:00:00.999999Z', 'X-Swr-Expireat header', now)).toEqual({
      expiresAt: '2026-07-24T08:00:00Z'
    })
    expect(loginExpiry('2026-07-23T16:00:00+06:00', 'expire_date', now)).toEqual({
      expiresAt: '2026-07-23T10:00:00Z'
    })
  })

  it('quotes what the service sent on one line, its line break escaped, cut to 64 characters', () => {
    const sent = `bad\n${'x'.repeat(100)}`
    const result = loginExpiry(sent, 'X-Swr-Expireat header', now)
    expect('warning' in result && result.warning).toContain(`"bad\\n${'x'.repeat(59)}…"`)
    expect('warning' in result && result.warning).not.toContain('\n')
  })

  it.each([
    [undefined, 'sent no expire_date'],
    ['2026-07-23T07:59:59Z', 'in the past'],
    ['2026-07-23T08:00:00Z', 'in the past'],
    ['2026-07-30T08:00:01Z', 'more than 7 days ahead']
  ])('%j: no expiry, and a warning', (raw, words) => {
    const result = loginExpiry(raw, 'expire_date', now)
    expect(result).toEqual({ warning: expect.stringContaining(words) })
  })
})
