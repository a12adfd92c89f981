// The bundled action, run as a runner runs it, against the SWR emulator.
import { describe, expect, it } from 'vitest'
import { errorsOf, runAction, warningsOf } from './helpers/action.js'
import { baseInputs, emulatorPerTest, requests, type Emulator } from './helpers/emulator.js'

let emulator: Emulator
emulatorPerTest(started => (emulator = started))

describe('creating the organization and repository', () => {
  it('creates both, outputs the path read back from the service, and re-runs with one GET', async () => {
    const first = await runAction(
      baseInputs(emulator, { repository: 'team/app', description: 'the app' })
    )
    expect(errorsOf(first)).toBe('')
    expect(first.exitCode).toBe(0)
    expect(first.outputs).toMatchObject({
      path: 'swr.cn-north-4.myhuaweicloud.com/group/team/app',
      registry: 'swr.cn-north-4.myhuaweicloud.com',
      created: 'true',
      namespace_created: 'true'
    })
    // The read's 404 names the organization, so it is created straight away; a loopback
    // endpoint gives no registry host to derive, so the path is read back: 3 + 1.
    expect(requests(emulator)).toEqual([
      'GET /v2/manage/namespaces/group/repos/team$app',
      'POST /v2/manage/namespaces',
      'POST /v2/manage/namespaces/group/repos',
      'GET /v2/manage/namespaces/group/repos/team$app'
    ])
    expect(emulator.log.map(e => e.status)).toEqual([404, 201, 201, 200])
    expect(new Set(emulator.log.map(e => e.connection)).size).toBe(1)
    expect(emulator.repository('group', 'team/app')).toMatchObject({
      name: 'team/app',
      is_public: false,
      category: 'other',
      description: 'the app'
    })

    emulator.resetLog()
    const again = await runAction(baseInputs(emulator, { repository: 'team/app' }))
    expect(again.exitCode).toBe(0)
    expect(again.outputs).toMatchObject({
      path: 'swr.cn-north-4.myhuaweicloud.com/group/team/app',
      created: 'false',
      namespace_created: 'false'
    })
    expect(requests(emulator)).toEqual(['GET /v2/manage/namespaces/group/repos/team$app'])
  })

  it('creates a repository in an existing organization with GET, POST and the read-back', async () => {
    emulator.addNamespace('group')
    const run = await runAction(baseInputs(emulator, { category: 'linux', is_public: 'true' }))
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({ created: 'true', namespace_created: 'false' })
    expect(requests(emulator)).toEqual([
      'GET /v2/manage/namespaces/group/repos/app',
      'POST /v2/manage/namespaces/group/repos',
      'GET /v2/manage/namespaces/group/repos/app'
    ])
    expect(emulator.repository('group', 'app')).toMatchObject({
      is_public: true,
      category: 'linux'
    })
  })

  it('skips the read-back when the registry host is known', async () => {
    const run = await runAction(
      baseInputs(emulator, { registry: 'swr.cn-north-4.myhuaweicloud.com' })
    )
    expect(run.outputs['path']).toBe('swr.cn-north-4.myhuaweicloud.com/group/app')
    expect(requests(emulator)).toHaveLength(3)
    emulator.resetLog()
    await runAction(
      baseInputs(emulator, { repository: 'second', registry: 'swr.cn-north-4.myhuaweicloud.com' })
    )
    expect(requests(emulator)).toHaveLength(2)
  })

  it('writes a job summary with the organization and a row per repository', async () => {
    const run = await runAction(baseInputs(emulator))
    expect(run.summary).toContain('### SWR repositories')
    expect(run.summary).toContain('Organization `group`: created.')
    expect(run.summary).toContain(
      '| `app` | `swr.cn-north-4.myhuaweicloud.com/group/app` | created | private, other | — | — |'
    )
  })

  it('groups the work and logs each request in debug mode without any secret', async () => {
    const inputs = baseInputs(emulator)
    const run = await runAction(inputs, { RUNNER_DEBUG: '1' })
    expect(run.stdout).toContain('::group::Ensure group/app exists')
    expect(run.stdout).toContain('::endgroup::')
    expect(run.stdout).toMatch(
      /::debug::GET \/v2\/manage\/namespaces\/group\/repos\/app -> 404 in \d+ ms/
    )
    expect(run.stdout).toContain(`::add-mask::${inputs['secret_access_key']}`)
    const visible = run.stdout.split('\n').filter(l => !l.startsWith('::add-mask::'))
    expect(visible.join('\n')).not.toContain(inputs['secret_access_key'])
  })
})

describe('an existing repository', () => {
  it('is never changed, and a difference is a warning', async () => {
    emulator.addRepository('group', 'app', {
      is_public: true,
      category: 'linux',
      description: 'keep'
    })
    const run = await runAction(baseInputs(emulator, { is_public: 'false' }))
    expect(run.exitCode).toBe(0)
    expect(run.outputs['created']).toBe('false')
    expect(requests(emulator)).toEqual(['GET /v2/manage/namespaces/group/repos/app'])
    expect(emulator.repository('group', 'app')).toMatchObject({
      is_public: true,
      category: 'linux'
    })
    expect(warningsOf(run)).toContain('is_public is true, wanted false')
  })
})

describe('organization names are unique across accounts', () => {
  it('fails in plain words when another account owns the organization', async () => {
    emulator.addNamespace('group', 'other')
    const run = await runAction(baseInputs(emulator))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain(
      'Organization "group" exists but this account cannot see it: organization names are unique per region across all accounts, so another account owns it.'
    )
    expect(requests(emulator)).toEqual([
      'GET /v2/manage/namespaces/group/repos/app',
      'POST /v2/manage/namespaces',
      'GET /v2/manage/namespaces/group'
    ])
  })
})

describe('API errors', () => {
  it('reports status, code, message, request id and a hint for 401, without the secret', async () => {
    const inputs = baseInputs(emulator, { secret_access_key: 'not-the-right-secret-key-0123' })
    const run = await runAction(inputs)
    expect(run.exitCode).toBe(1)
    const error = errorsOf(run)
    expect(error).toMatch(
      /read repository "group\/app" failed: HTTP 401 APIGW\.0301: Incorrect IAM authentication information: verify aksk signature fail \(request id [0-9a-f]{32}\)/
    )
    expect(error).toContain("runner's clock")
    expect(requests(emulator)).toHaveLength(1)
    expect(run.stdout.replace(/^::add-mask::.*$/m, '')).not.toContain(
      'not-the-right-secret-key-0123'
    )
  })

  it('names the IAM permission on 403', async () => {
    // The read-only user's account owns the organization, so the create's 403 stands.
    emulator.addNamespace('group', 'reader')
    const run = await runAction(
      baseInputs(emulator, {
        access_key_id: emulator.accounts.reader.accessKeyId,
        secret_access_key: emulator.accounts.reader.secretAccessKey
      })
    )
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain('HTTP 403 SVCSTG.SWR.4030000')
    expect(errorsOf(run)).toContain('needs the SWR permission swr:repo:createRepo')
  })

  it.each([
    [
      'documented array',
      [{ errorCode: 'SVCSTG.SWR.4001048', errorMessage: 'bad body', detail: '' }]
    ],
    ['object', { errorCode: 'SVCSTG.SWR.4001048', errorMessage: 'bad body' }],
    ['errors list', { errors: [{ errorCode: 'SVCSTG.SWR.4001048', errorMessage: 'bad body' }] }],
    ['API gateway', { error_code: 'SVCSTG.SWR.4001048', error_msg: 'bad body', request_id: 'x' }]
  ])('parses the %s error shape', async (_shape, body) => {
    // The organization exists, so the create's 400 stands (a 400 makes the action read it).
    emulator.addNamespace('group')
    emulator.inject({
      method: 'POST',
      path: '/v2/manage/namespaces/group/repos',
      kind: 'status',
      status: 400,
      body
    })
    const run = await runAction(baseInputs(emulator))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toMatch(
      /create repository "group\/app" failed: HTTP 400 SVCSTG\.SWR\.4001048: bad body \(request id [0-9a-f]+\)/
    )
  })

  it('quotes a plain-text error body', async () => {
    emulator.inject({
      method: 'GET',
      kind: 'status',
      status: 400,
      body: 'plain words from a proxy'
    })
    const run = await runAction(baseInputs(emulator))
    expect(errorsOf(run)).toContain('HTTP 400: plain words from a proxy')
  })
})

describe('input validation happens before any request', () => {
  it.each([
    [
      { namespace: 'Group' },
      'Input "namespace" is "Group": "G" at position 1 is uppercase (names are lowercase; use "group"); it must be 1-64 characters'
    ],
    [{ namespace: 'g--x' }, 'Input "namespace" is "g--x": "--" at position 2 puts separators'],
    [
      { repository: 'app/' },
      'Input "repository" is "app/": it ends with "/", a separator; it must be 1-128 characters'
    ],
    [{ repository: '' }, 'Input "repository" is required'],
    [
      { category: 'web' },
      'Input "category" is "web": it must be one of app_server, linux, framework_app'
    ],
    [{ is_public: 'yes' }, 'Input "is_public" is "yes": it must be "true" or "false"'],
    [{ endpoint: 'http://swr-api.cn-north-4.myhuaweicloud.com' }, 'it must be an https:// URL'],
    [
      { endpoint: 'http://127.attacker.example:8080' },
      'plain http is allowed for loopback hosts only'
    ],
    [{ region: 'north', endpoint: '' }, 'Input "region" is "north": it must be a region id'],
    [{ on_drift: 'ignore' }, 'Input "on_drift" is "ignore": it must be one of warn, update, fail']
  ])('rejects %j', async (override, message) => {
    const run = await runAction({ ...baseInputs(emulator), ...override })
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain(message)
    expect(emulator.log).toHaveLength(0)
  })
})
