// share_with, replicate_to and replicate_override, read by the real getInputs from INPUT_*
// variables, and the endpoint arithmetic that places each replication target.
import { describe, expect, it } from 'vitest'
import { inputErrorOf } from './helpers/input-error.js'
import { getInputs } from '../src/github/inputs.js'
import { utcMidnight } from '../src/github/access-inputs.js'
import {
  REGION_RULE,
  defaultRegistry,
  isDefaultApiEndpoint,
  regionalEndpoint
} from '../src/swr/endpoints.js'
import { ORGANIZATION_RULE } from '../src/swr/names.js'
import { inputEnv } from './helpers/action.js'

const NOW = new Date('2026-03-10T12:00:00Z')
const keys = { access_key_id: 'AKEXAMPLE', secret_access_key: 'SKEXAMPLE' }
const env = (inputs: Record<string, string>, extra: Record<string, string> = {}) => ({
  ...inputEnv({ namespace: 'group', repository: 'app', region: 'cn-north-4', ...keys, ...inputs }),
  ...extra
})
const read = (inputs: Record<string, string>, now = NOW) => getInputs(env(inputs), now)

const messageOf = (inputs: Record<string, string>, now = NOW): string =>
  inputErrorOf(() => read(inputs, now)).message

const ACCOUNT_RULE =
  '6-32 characters: letters, digits, "-" and "_", starting with a letter (the rule of Huawei Cloud account names)'

describe('share_with: accounts', () => {
  it('is undefined when not set, or only blank', () => {
    expect(read({})).not.toHaveProperty('shareWith')
    expect(read({ share_with: ' \n\n  ' })).not.toHaveProperty('shareWith')
  })

  it('reads one account per line, in order, with or without a date, ignoring blank lines', () => {
    const inputs = read({
      share_with: 'partner-one\n\n  Partner_Two   until   2027-01-01  \nhw12345678\n'
    })
    expect(inputs.shareWith).toEqual([
      { account: 'partner-one' },
      { account: 'Partner_Two', until: '2027-01-01' },
      { account: 'hw12345678' }
    ])
  })

  it.each(['abcdef', 'a'.repeat(32), 'Z0-_9x', 'OTC-EU-DE-00000000001000012345'])(
    'accepts the account name %s',
    account => {
      expect(read({ share_with: account }).shareWith).toEqual([{ account }])
    }
  )

  it.each([
    'abcde',
    'a'.repeat(33),
    '1partner',
    '_partner',
    '-partner',
    'partner.one',
    'partner@example',
    'partnér'
  ])('refuses the account name %s', account => {
    expect(messageOf({ share_with: account })).toBe(
      `Input "share_with" is ${JSON.stringify(account)}: the account name must be ${ACCOUNT_RULE}.`
    )
  })

  it('names the whole line when the account of a dated line breaks the rule', () => {
    expect(messageOf({ share_with: 'ab until 2027-01-01' })).toBe(
      `Input "share_with" is "ab until 2027-01-01": the account name must be ${ACCOUNT_RULE}.`
    )
  })

  it.each([
    'partner until',
    'partner 2027-01-01',
    'partner UNTIL 2027-01-01',
    'partner until 2027-01-01 forever',
    'alice bobby'
  ])('refuses the malformed entry %j', entry => {
    expect(messageOf({ share_with: entry })).toBe(
      `Input "share_with" is ${JSON.stringify(entry)}: each entry must be one account name, optionally followed by "until YYYY-MM-DD".`
    )
  })

  it('splits comma-separated accounts, dated or not, as it splits lines', () => {
    const inputs = read({ share_with: 'partner-one, partner-two until 2027-01-01,\nhw12345678' })
    expect(inputs.shareWith).toEqual([
      { account: 'partner-one' },
      { account: 'partner-two', until: '2027-01-01' },
      { account: 'hw12345678' }
    ])
  })

  it('names the entry, not the whole input, when one of several entries breaks the rule', () => {
    expect(messageOf({ share_with: 'partner-one,ab' })).toBe(
      `Input "share_with" has the entry "ab": the account name must be ${ACCOUNT_RULE}.`
    )
  })

  it('refuses an account listed twice, whatever the dates', () => {
    expect(messageOf({ share_with: 'partner\nother-one\npartner until 2027-01-01' })).toBe(
      'Input "share_with" has the entry "partner until 2027-01-01": the account "partner" is listed more than once (names compared ignoring case); each account may appear once.'
    )
  })

  it('refuses an account listed twice in different case, on one line or two', () => {
    const twice =
      'Input "share_with" has the entry "partner": the account "partner" is listed more than once (names compared ignoring case); each account may appear once.'
    expect(messageOf({ share_with: 'Partner\npartner' })).toBe(twice)
    expect(messageOf({ share_with: 'Partner, partner' })).toBe(twice)
  })

  it("accepts 500 accounts and refuses 501, SWR's limit per repository", () => {
    const accounts = (n: number) => Array.from({ length: n }, (_, i) => `account${i}`).join('\n')
    expect(read({ share_with: accounts(500) }).shareWith).toHaveLength(500)
    expect(messageOf({ share_with: accounts(501) })).toBe(
      'Input "share_with" lists 501 accounts: SWR shares a repository with at most 500.'
    )
  })

  it('refuses share_with with is_public "true": only private repositories can be shared', () => {
    expect(messageOf({ share_with: 'partner', is_public: 'true' })).toBe(
      'Inputs "share_with" and "is_public" ("true") were both given: only private repositories can be shared with other accounts; set is_public to "false" or leave it empty.'
    )
  })

  it.each(['false', ''])('accepts share_with with is_public %j', isPublic => {
    expect(read({ share_with: 'partner', is_public: isPublic }).shareWith).toEqual([
      { account: 'partner' }
    ])
  })
})

describe('share_with: dates, with now 2026-03-10T12:00:00Z', () => {
  const past = (date: string) =>
    `Input "share_with" is "partner until ${date}": the date must be in the future: the sharing would end at ${date}T00:00:00Z (UTC midnight), which is not after now.`
  const unreal = (date: string) =>
    `Input "share_with" is "partner until ${date}": the date must be a real calendar date written YYYY-MM-DD.`

  it.each([
    ['yesterday', '2026-03-09'],
    ['today, whose midnight has passed', '2026-03-10']
  ])('refuses %s (%s)', (_, date) => {
    expect(messageOf({ share_with: `partner until ${date}` })).toBe(past(date))
  })

  it.each([
    ['tomorrow', '2026-03-11'],
    ['February 29 of a leap year', '2028-02-29'],
    ['a far year', '9999-12-31']
  ])('accepts %s (%s)', (_, date) => {
    expect(read({ share_with: `partner until ${date}` }).shareWith).toEqual([
      { account: 'partner', until: date }
    ])
  })

  it.each([
    ['February 29 of a non-leap year', '2027-02-29'],
    ['February 30', '2026-02-30'],
    ['month 13', '2026-13-01'],
    ['month 0', '2027-00-10'],
    ['day 0', '2027-01-00'],
    ['April 31', '2027-04-31'],
    ['unpadded parts', '2027-1-5'],
    ['a time of day', '2027-01-05T10:00'],
    ['another order', '05-01-2027']
  ])('refuses %s (%s)', (_, date) => {
    expect(messageOf({ share_with: `partner until ${date}` })).toBe(unreal(date))
  })

  it('refuses a date whose midnight is exactly now, and accepts it a millisecond earlier', () => {
    const line = { share_with: 'partner until 2026-03-11' }
    expect(messageOf(line, new Date('2026-03-11T00:00:00Z'))).toBe(past('2026-03-11'))
    expect(read(line, new Date('2026-03-10T23:59:59.999Z')).shareWith).toEqual([
      { account: 'partner', until: '2026-03-11' }
    ])
  })

  it('compares with the current time when no now is given', () => {
    expect(getInputs(env({ share_with: 'partner until 9999-01-01' })).shareWith).toHaveLength(1)
    expect(() => getInputs(env({ share_with: 'partner until 2000-01-01' }))).toThrow(
      past('2000-01-01')
    )
  })

  it.each([
    ['2028-02-29', '2028-02-29T00:00:00.000Z'],
    ['0099-06-01', '0099-06-01T00:00:00.000Z'],
    ['2027-02-29', undefined],
    ['2027-2-28', undefined]
  ])('utcMidnight(%s) is %s', (date, iso) => {
    expect(utcMidnight(date)?.toISOString()).toBe(iso)
  })
})

describe('replicate_to: targets', () => {
  it('is undefined when not set, and replicate_override defaults to false', () => {
    const inputs = read({})
    expect(inputs).not.toHaveProperty('replicateTo')
    expect(inputs.replicateOverride).toBe(false)
  })

  it('reads "region" (same organization) and "region/organization", in order', () => {
    const inputs = read({ replicate_to: 'ap-southeast-1\n\n  la-south-2/mirror  \n' })
    expect(inputs.replicateTo?.map(({ region, namespace }) => ({ region, namespace }))).toEqual([
      { region: 'ap-southeast-1', namespace: 'group' },
      { region: 'la-south-2', namespace: 'mirror' }
    ])
  })

  it('allows one region with two organizations', () => {
    const inputs = read({ replicate_to: 'ap-southeast-1\nap-southeast-1/mirror' })
    expect(inputs.replicateTo?.map(t => `${t.region}/${t.namespace}`)).toEqual([
      'ap-southeast-1/group',
      'ap-southeast-1/mirror'
    ])
  })

  it.each(['AP-Southeast-1', 'ap_southeast_1', 'apsoutheast', '/mirror', 'ap-southeast-1 mirror'])(
    'refuses the region of %j',
    line => {
      expect(messageOf({ replicate_to: line })).toBe(
        `Input "replicate_to" is ${JSON.stringify(line)}: the region must be ${REGION_RULE}.`
      )
    }
  )

  it('splits comma-separated targets as it splits lines', () => {
    const inputs = read({ replicate_to: 'ap-southeast-1, la-south-2/mirror,\nap-southeast-3' })
    expect(inputs.replicateTo?.map(t => `${t.region}/${t.namespace}`)).toEqual([
      'ap-southeast-1/group',
      'la-south-2/mirror',
      'ap-southeast-3/group'
    ])
  })

  it.each([
    ['ap-southeast-1/Mirror', '"M" at position 1 is uppercase (names are lowercase; use "mirror")'],
    ['ap-southeast-1/', 'it is empty'],
    ['ap-southeast-1/a/b', '"/" at position 2 is not allowed'],
    ['ap-southeast-1/a--b', '"--" at position 2 puts separators next to each other']
  ])('refuses the organization of %j, saying what is wrong with it', (entry, wrong) => {
    const organization = entry.slice(entry.indexOf('/') + 1)
    expect(messageOf({ replicate_to: entry })).toBe(
      `Input "replicate_to" is ${JSON.stringify(entry)}: the organization ${JSON.stringify(organization)} is not valid: ${wrong}; it must be ${ORGANIZATION_RULE}.`
    )
  })

  it.each(['cn-north-4', 'cn-north-4/mirror'])('refuses the source region: %s', entry => {
    expect(messageOf({ replicate_to: `ap-southeast-1\n${entry}` })).toBe(
      `Input "replicate_to" has the entry ${JSON.stringify(entry)}: cn-north-4 is the source region; auto-sync copies images to other regions only.`
    )
  })

  it('refuses the source region taken from HUAWEI_CLOUD_REGION', () => {
    const given = env(
      { region: '', replicate_to: 'ap-southeast-3' },
      {
        HUAWEI_CLOUD_REGION: 'ap-southeast-3'
      }
    )
    expect(() => getInputs(given, NOW)).toThrow(
      'Input "replicate_to" is "ap-southeast-3": ap-southeast-3 is the source region; auto-sync copies images to other regions only.'
    )
  })

  it('refuses the source region derived from a custom endpoint', () => {
    expect(
      messageOf({
        region: '',
        endpoint: 'https://swr-api.eu-de.otc.t-systems.com',
        replicate_to: 'eu-de'
      })
    ).toBe(
      'Input "replicate_to" is "eu-de": eu-de is the source region; auto-sync copies images to other regions only.'
    )
  })

  it('refuses a target listed twice, spelled with or without the organization', () => {
    expect(messageOf({ replicate_to: 'ap-southeast-1,la-south-2\nap-southeast-1/group' })).toBe(
      'Input "replicate_to" has the entry "ap-southeast-1/group": the target ap-southeast-1/group is listed more than once; each target may appear once.'
    )
  })
})

describe("replicate_to: each target's endpoint and registry", () => {
  const placed = (inputs: Record<string, string>) =>
    read(inputs).replicateTo?.map(t => [t.region, t.endpoint.href, t.registry])

  it.each([
    [
      'the default endpoint of cn-north-4',
      { region: 'cn-north-4', replicate_to: 'ap-southeast-1\neu-west-101' },
      [
        [
          'ap-southeast-1',
          'https://swr-api.ap-southeast-1.myhuaweicloud.com/',
          'swr.ap-southeast-1.myhuaweicloud.com'
        ],
        [
          'eu-west-101',
          'https://swr-api.eu-west-101.myhuaweicloud.eu/',
          'swr.eu-west-101.myhuaweicloud.eu'
        ]
      ]
    ],
    [
      'the default endpoint of eu-west-101, on the .eu domain',
      { region: 'eu-west-101', replicate_to: 'cn-north-4' },
      [
        [
          'cn-north-4',
          'https://swr-api.cn-north-4.myhuaweicloud.com/',
          'swr.cn-north-4.myhuaweicloud.com'
        ]
      ]
    ],
    [
      'the default endpoint of cn-north-4 written out as endpoint',
      {
        region: 'cn-north-4',
        endpoint: 'https://swr-api.cn-north-4.myhuaweicloud.com/',
        replicate_to: 'eu-west-101'
      },
      [
        [
          'eu-west-101',
          'https://swr-api.eu-west-101.myhuaweicloud.eu/',
          'swr.eu-west-101.myhuaweicloud.eu'
        ]
      ]
    ],
    [
      'an Open Telekom Cloud endpoint, the region derived from it',
      { region: '', endpoint: 'https://swr-api.eu-de.otc.t-systems.com', replicate_to: 'eu-nl' },
      [['eu-nl', 'https://swr-api.eu-nl.otc.t-systems.com/', 'swr.eu-nl.otc.t-systems.com']]
    ],
    [
      'a custom endpoint with a port and a path, the region given',
      {
        region: 'eu-de',
        endpoint: 'https://swr-api.eu-de.example.com:8443/swr',
        replicate_to: 'eu-nl/mirror'
      },
      [['eu-nl', 'https://swr-api.eu-nl.example.com:8443/swr', 'swr.eu-nl.example.com']]
    ]
  ])('derives from %s', (_, inputs, expected) => {
    expect(placed(inputs)).toEqual(expected)
  })

  const refusal = (endpoint: string, rule: string) =>
    `Input "replicate_to" cannot be used with endpoint ${JSON.stringify(endpoint)}: ${rule}.`
  const MOVED = "a target region's endpoint is this one with the source region replaced in its host"

  it.each([
    [
      'a host without the region',
      { region: 'eu-de', endpoint: 'https://swr.example.com' },
      refusal(
        'https://swr.example.com/',
        `${MOVED}, and the host "swr.example.com" does not hold the source region "eu-de" exactly once as a dot-separated part`
      )
    ],
    [
      'a host holding the region twice',
      { region: 'eu-de', endpoint: 'https://swr-api.eu-de.eu-de.example.com' },
      refusal(
        'https://swr-api.eu-de.eu-de.example.com/',
        `${MOVED}, and the host "swr-api.eu-de.eu-de.example.com" does not hold the source region "eu-de" exactly once as a dot-separated part`
      )
    ],
    [
      'a host holding the region only inside a label',
      { region: 'eu-de', endpoint: 'https://swr-api-eu-de.example.com' },
      refusal(
        'https://swr-api-eu-de.example.com/',
        `${MOVED}, and the host "swr-api-eu-de.example.com" does not hold the source region "eu-de" exactly once as a dot-separated part`
      )
    ],
    [
      'a host naming another region than the region input',
      { region: 'eu-nl', endpoint: 'https://swr-api.eu-de.otc.t-systems.com' },
      refusal(
        'https://swr-api.eu-de.otc.t-systems.com/',
        `${MOVED}, and the host "swr-api.eu-de.otc.t-systems.com" does not hold the source region "eu-nl" exactly once as a dot-separated part`
      )
    ],
    [
      'a host from which no region is known',
      { region: '', endpoint: 'https://api.eu-de.example.com' },
      refusal(
        'https://api.eu-de.example.com/',
        `${MOVED}, and no source region is known: give region`
      )
    ],
    [
      'a host without "swr-api." to derive the registry from',
      { region: 'eu-de', endpoint: 'https://api.eu-de.example.com' },
      refusal(
        'https://api.eu-de.example.com/',
        'a target region\'s registry is its API host with "swr-api." replaced by "swr.", and the host "api.eu-de.example.com" does not start with "swr-api."'
      )
    ],
    [
      'a loopback IP address',
      { region: 'cn-north-4', endpoint: 'http://127.0.0.1:8080' },
      refusal('http://127.0.0.1:8080/', `${MOVED}, and a loopback host has no region in it`)
    ],
    [
      'localhost',
      { region: 'cn-north-4', endpoint: 'http://localhost:8080' },
      refusal('http://localhost:8080/', `${MOVED}, and a loopback host has no region in it`)
    ]
  ])('refuses %s', (_, inputs, message) => {
    expect(messageOf({ ...inputs, replicate_to: 'ap-southeast-1' })).toBe(message)
  })

  it('accepts those endpoints without replicate_to', () => {
    expect(read({ region: 'eu-de', endpoint: 'https://swr.example.com' }).endpoint.host).toBe(
      'swr.example.com'
    )
    expect(read({ endpoint: 'http://127.0.0.1:8080' }).endpoint.host).toBe('127.0.0.1:8080')
  })

  it('accepts a registry input that repeats the one derived from the endpoint', () => {
    const inputs = read({
      registry: 'swr.cn-north-4.myhuaweicloud.com',
      replicate_to: 'ap-southeast-1'
    })
    expect(inputs.registry).toBe('swr.cn-north-4.myhuaweicloud.com')
    expect(inputs.replicateTo?.[0]?.registry).toBe('swr.ap-southeast-1.myhuaweicloud.com')
  })

  it('refuses a registry input of its own, which the targets could not follow', () => {
    expect(messageOf({ registry: 'cr.example.com', replicate_to: 'ap-southeast-1' })).toBe(
      'Input "registry" is "cr.example.com": with replicate_to, each target region\'s registry is derived from its API endpoint, which a registry set by hand cannot follow; leave registry empty (it is then swr.cn-north-4.myhuaweicloud.com).'
    )
    expect(read({ registry: 'cr.example.com' }).registry).toBe('cr.example.com')
  })
})

describe('replicate_override', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['false', false]
  ])('reads %j with replicate_to', (value, expected) => {
    const inputs = read({ replicate_to: 'ap-southeast-1', replicate_override: value })
    expect(inputs.replicateOverride).toBe(expected)
  })

  it('accepts "false" without replicate_to', () => {
    expect(read({ replicate_override: 'false' }).replicateOverride).toBe(false)
  })

  it('refuses "true" without replicate_to', () => {
    expect(messageOf({ replicate_override: 'true' })).toBe(
      'Input "replicate_override" is "true": it applies to the auto-sync rules of replicate_to, which is not set.'
    )
  })

  it('refuses a value that is not a boolean', () => {
    expect(messageOf({ replicate_to: 'ap-southeast-1', replicate_override: 'yes' })).toBe(
      'Input "replicate_override" is "yes": it must be "true" or "false".'
    )
  })
})

describe('endpoint arithmetic (src/swr/endpoints.ts)', () => {
  it.each([
    ['cn-north-4', 'swr.cn-north-4.myhuaweicloud.com'],
    ['eu-west-101', 'swr.eu-west-101.myhuaweicloud.eu']
  ])('defaultRegistry(%s) is %s', (region, registry) => {
    expect(defaultRegistry(region)).toBe(registry)
  })

  it.each([
    ['https://swr-api.cn-north-4.myhuaweicloud.com', 'cn-north-4', true],
    ['https://swr-api.cn-north-4.myhuaweicloud.com/', 'cn-north-4', true],
    ['https://SWR-API.cn-north-4.myhuaweicloud.com:443', 'cn-north-4', true],
    ['https://swr-api.eu-west-101.myhuaweicloud.eu', 'eu-west-101', true],
    ['https://swr-api.eu-west-101.myhuaweicloud.com', 'eu-west-101', false],
    ['https://swr-api.cn-north-4.myhuaweicloud.com/v2', 'cn-north-4', false],
    ['https://swr-api.cn-north-4.myhuaweicloud.com:8443', 'cn-north-4', false],
    ['http://swr-api.cn-north-4.myhuaweicloud.com', 'cn-north-4', false],
    ['https://swr-api.cn-north-1.myhuaweicloud.com', 'cn-north-4', false]
  ])('isDefaultApiEndpoint(%s, %s) is %s', (url, region, expected) => {
    expect(isDefaultApiEndpoint(new URL(url), region)).toBe(expected)
  })

  it.each([
    [
      'https://swr-api.eu-de.otc.t-systems.com',
      'eu-de',
      'eu-nl',
      'https://swr-api.eu-nl.otc.t-systems.com/'
    ],
    [
      'https://swr-api.eu-de.example.com:8443/base',
      'eu-de',
      'eu-nl',
      'https://swr-api.eu-nl.example.com:8443/base'
    ],
    ['https://eu-de.swr.example.com', 'eu-de', 'eu-ch2', 'https://eu-ch2.swr.example.com/'],
    ['https://swr.example.com', 'eu-de', 'eu-nl', undefined],
    ['https://swr-api.eu-de.eu-de.example.com', 'eu-de', 'eu-nl', undefined],
    ['https://swr-api.xeu-de.example.com', 'eu-de', 'eu-nl', undefined],
    ['http://127.0.0.1:8080', 'cn-north-4', 'ap-southeast-1', undefined],
    ['http://[::1]:8080', 'cn-north-4', 'ap-southeast-1', undefined],
    ['http://localhost:8080', 'cn-north-4', 'ap-southeast-1', undefined]
  ])('regionalEndpoint(%s, %s, %s) is %s', (url, from, to, expected) => {
    expect(regionalEndpoint(new URL(url), from, to)?.href).toBe(expected)
  })
})
