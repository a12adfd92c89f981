// Where an instance run's project id comes from (input, HUAWEI_CLOUD_PROJECT_ID, the OpenID
// Connect answer, IAM's lookup), and its docker login outputs: the instance's temporary
// credential, masked, whatever the credentials. Run as a runner runs the bundle.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { errorsOf, runAction, visibleLog, warningsOf } from './helpers/action.js'
import type { Emulator } from './helpers/emulator.js'
import { INSTANCE, eeInputs, eeRequests, startWithInstance } from './helpers/enterprise.js'

let emulator: Emulator
beforeEach(async () => {
  emulator = await startWithInstance()
  emulator.addInstanceNamespace(INSTANCE, 'group')
  emulator.push(INSTANCE, 'group', 'app')
})
afterEach(async () => {
  await emulator.close()
})

const iamLookups = () => emulator.log.filter(e => e.path === '/v3/projects')

describe('the project id', () => {
  it('from the input: IAM is not asked', async () => {
    const run = await runAction(eeInputs(emulator))
    expect(errorsOf(run)).toBe('')
    expect(visibleLog(run)).toContain(
      `SWR Enterprise Edition instance ${INSTANCE}, project ${emulator.projectId()} (from input project_id)`
    )
    expect(iamLookups()).toEqual([])
  })

  it('from HUAWEI_CLOUD_PROJECT_ID, as huaweicloud/auth-action exports it', async () => {
    const run = await runAction(eeInputs(emulator, { project_id: '' }), {
      HUAWEI_CLOUD_PROJECT_ID: emulator.projectId()
    })
    expect(errorsOf(run)).toBe('')
    expect(visibleLog(run)).toContain('(from HUAWEI_CLOUD_PROJECT_ID)')
    expect(iamLookups()).toEqual([])
  })

  it("from the OpenID Connect token answer: IAM's project list is not asked", async () => {
    const run = await runAction(
      eeInputs(emulator, {
        project_id: '',
        access_key_id: '',
        secret_access_key: '',
        idp_id: emulator.oidc.idpId
      }),
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: emulator.oidc.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: emulator.oidc.requestToken
      }
    )
    expect(errorsOf(run)).toBe('')
    expect(visibleLog(run)).toContain(
      `project ${emulator.projectId()} (from the OpenID Connect token answer)`
    )
    expect(iamLookups()).toEqual([])
    expect(new Set(emulator.log.filter(e => e.path.startsWith('/v2/')).map(e => e.auth))).toEqual(
      new Set(['token'])
    )
  })

  it("from IAM's project of the region, with a signed GET /v3/projects?name={region}", async () => {
    const run = await runAction(eeInputs(emulator, { project_id: '' }))
    expect(errorsOf(run)).toBe('')
    expect(visibleLog(run)).toContain(`(from IAM's project of ${emulator.region})`)
    expect(eeRequests(emulator)[0]).toBe(`GET /v3/projects?name=${emulator.region}`)
    // The emulator answers a lookup that is not signed by the account's keys with 401.
    expect(iamLookups().map(e => e.status)).toEqual([200])
  })

  it('fails when IAM has several projects of that name, listing them', async () => {
    const extra = emulator.addProject()
    const run = await runAction(eeInputs(emulator, { project_id: '' }))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain(
      `IAM has 2 projects named ${emulator.region} for this account (${emulator.projectId()}, ${extra}): give project_id to choose one.`
    )
    expect(eeRequests(emulator)).toHaveLength(1)
  })

  it('fails when IAM has no project of that name', async () => {
    const run = await runAction(
      eeInputs(emulator, { project_id: '', region: 'xx-nowhere-1', endpoint: emulator.url })
    )
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain(
      'IAM has no project named xx-nowhere-1 for this account: check region, or give project_id'
    )
  })

  it("another account's project id is refused, with a hint naming the project", async () => {
    const theirs = emulator.projectId(emulator.region, 'other')
    const run = await runAction(eeInputs(emulator, { project_id: theirs }))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain(`Either project ${theirs} is not this account's project`)
  })
})

describe('docker_login_outputs', () => {
  const login = (extra: Record<string, string> = {}) =>
    runAction(eeInputs(emulator, { docker_login_outputs: 'true', ...extra }))

  it("are the instance's temporary credential, masked, with its expiry in the log", async () => {
    const run = await login()
    expect(errorsOf(run)).toBe('')
    const [credential] = emulator.instanceState(INSTANCE).credentials
    expect(run.outputs['docker_username']).toBe(credential?.user_id)
    expect(run.outputs['docker_password']).toBe(credential?.auth_token)
    expect(run.stdout).toContain(`::add-mask::${credential?.auth_token}`)
    expect(visibleLog(run)).not.toContain(credential?.auth_token)
    // expire_date to the second, as docker_login_expires_at gives it.
    const expiresAt = credential?.expire_date.replace(/\.\d+Z$/, 'Z')
    expect(run.outputs['docker_login_expires_at']).toBe(expiresAt)
    expect(visibleLog(run)).toContain(
      `Docker login outputs set for a temporary login to reg.swr.cn-north-4.myhuaweicloud.com, valid until ${expiresAt}`
    )
  })

  it('come from the instance with long-term keys too, not from the keys', async () => {
    const run = await login()
    const keys = emulator.accounts.main
    expect(run.outputs['docker_username']).not.toContain(keys.accessKeyId)
    expect(eeRequests(emulator).filter(r => r.startsWith('POST'))).toEqual([
      'POST ~/temp-credential'
    ])
  })

  it('are not set by a dry run, which makes no POST', async () => {
    const run = await login({ dry_run: 'true' })
    expect(run.exitCode).toBe(0)
    expect(warningsOf(run)).toContain('no login outputs were set')
    expect(run.outputs).not.toHaveProperty('docker_password')
    expect(emulator.log.filter(e => e.method !== 'GET')).toEqual([])
  })
})
