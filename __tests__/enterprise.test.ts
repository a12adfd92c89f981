// An SWR Enterprise Edition run, as a runner runs the bundle, against the emulator with an
// instance: the instance's state, the namespace, the repositories (a missing one is the first
// push's to create), the requests each case costs, and a dry run.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { INSTANCE_STATUSES } from '../test/emulator/emulator.js'
import { errorsOf, runAction, visibleLog, warningsOf } from './helpers/action.js'
import type { Emulator } from './helpers/emulator.js'
import {
  ADDRESS,
  INSTANCE,
  eeInputs,
  eeRequests,
  planOf,
  resultOf,
  startWithInstance,
  writes
} from './helpers/enterprise.js'

let emulator: Emulator
beforeEach(async () => {
  emulator = await startWithInstance()
})
afterEach(async () => {
  await emulator.close()
})

const namespaceOf = (name: string) =>
  emulator.instanceState(INSTANCE).namespaces.find(ns => ns.name === name)
const repositoryOf = (name: string) =>
  emulator.instanceState(INSTANCE).repositories.find(r => r.name === name)

describe('the instance', () => {
  it.each(INSTANCE_STATUSES.filter(s => s !== 'Running'))(
    'when %s, fails with an error naming the instance and its status, after reading only it',
    async status => {
      emulator.addInstance({ id: 'ins-2', name: 'starting', status: status as 'Creating' })
      const run = await runAction(eeInputs(emulator, { instance_id: 'ins-2' }))
      expect(run.exitCode).toBe(1)
      expect(errorsOf(run)).toContain(
        `SWR Enterprise Edition instance "starting" (ins-2) is ${status}, not Running`
      )
      expect(eeRequests(emulator).map(r => r.split(' ')[1])).toEqual([
        `/v2/${emulator.projectId()}/instances/ins-2`
      ])
    }
  )

  it('when not Running with the registry given, is read to explain the refused namespace read', async () => {
    emulator.addInstance({ id: 'ins-2', name: 'stopped', status: 'Unavailable' })
    const run = await runAction(
      eeInputs(emulator, { instance_id: 'ins-2', registry: 'registry.example.com' })
    )
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain('instance "stopped" (ins-2) is Unavailable, not Running')
    expect(eeRequests(emulator).map(r => r.split('/').at(-1))).toEqual(['group', 'ins-2'])
  })

  it('that does not exist fails the run naming the instance and the project', async () => {
    const run = await runAction(eeInputs(emulator, { instance_id: 'nope' }))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain(
      `No instance with id "nope" was found in project ${emulator.projectId()}`
    )
  })

  it('gives the registry host of every path: its access address, or the registry input', async () => {
    emulator.addInstanceNamespace(INSTANCE, 'group')
    emulator.push(INSTANCE, 'group', 'app')
    const run = await runAction(eeInputs(emulator))
    expect(run.outputs).toMatchObject({
      path: `${ADDRESS}/group/app`,
      paths: `${ADDRESS}/group/app`,
      registry: ADDRESS
    })
    const given = await runAction(eeInputs(emulator, { registry: 'registry.example.com' }))
    expect(given.outputs['path']).toBe('registry.example.com/group/app')
  })
})

describe('the namespace', () => {
  it('is created private when missing, and a re-run writes nothing', async () => {
    const run = await runAction(eeInputs(emulator))
    expect(errorsOf(run)).toBe('')
    expect(run.outputs['namespace_created']).toBe('true')
    expect(namespaceOf('group')?.metadata).toEqual({ public: 'false' })
    emulator.resetLog()
    const again = await runAction(eeInputs(emulator))
    expect(again.outputs['namespace_created']).toBe('false')
    expect(writes(emulator)).toEqual([])
  })

  it('is created public with is_public: true', async () => {
    await runAction(eeInputs(emulator, { is_public: 'true' }))
    expect(namespaceOf('group')?.metadata).toEqual({ public: 'true' })
  })

  it('with other visibility is left alone and warned about under on_drift: warn', async () => {
    emulator.addInstanceNamespace(INSTANCE, 'group', { public: 'true' })
    const run = await runAction(eeInputs(emulator, { is_public: 'false' }))
    expect(run.exitCode).toBe(0)
    expect(warningsOf(run)).toContain(
      'Namespace "group" is public, wanted private; left as it is (on_drift: warn).'
    )
    expect(resultOf(run.outputs)[0]?.['drift']).toEqual([
      { setting: 'is_public', actual: true, wanted: false }
    ])
    expect(writes(emulator)).toEqual([])
  })

  it('with other visibility is updated under on_drift: update', async () => {
    emulator.addInstanceNamespace(INSTANCE, 'group', { public: 'true' })
    const run = await runAction(eeInputs(emulator, { is_public: 'false', on_drift: 'update' }))
    expect(errorsOf(run)).toBe('')
    expect(writes(emulator)).toEqual(['PUT ~/namespaces/group'])
    expect(namespaceOf('group')?.metadata).toEqual({ public: 'false' })
  })

  it('with other visibility fails the run under on_drift: fail, writing nothing', async () => {
    emulator.addInstanceNamespace(INSTANCE, 'group', { public: 'true' })
    const run = await runAction(eeInputs(emulator, { is_public: 'false', on_drift: 'fail' }))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain('Namespace "group" is public, wanted private (on_drift: fail).')
    expect(writes(emulator)).toEqual([])
  })

  it('that cannot be created fails every repository, which then has no path, naming the permission', async () => {
    emulator.inject({
      method: 'POST',
      path: /\/namespaces$/,
      kind: 'status',
      status: 403,
      body: { error_code: 'SWR.403002', error_msg: 'Forbidden' }
    })
    const run = await runAction(eeInputs(emulator, { repository: 'app\nweb', is_public: 'true' }))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain('and swr:EnablePublicNameSpace for a public one')
    expect(errorsOf(run)).toContain('2 of 2 repositories failed: group/app, group/web')
    expect(run.outputs['paths']).toBe('')
    expect(run.outputs['namespace_created']).toBe('false')
  })

  it('whose visibility update fails fails the repositories, which keep their paths', async () => {
    emulator.addInstanceNamespace(INSTANCE, 'group', { public: 'true' })
    emulator.inject({
      method: 'PUT',
      kind: 'status',
      status: 403,
      body: { error_code: 'SWR.403002' }
    })
    const run = await runAction(eeInputs(emulator, { is_public: 'false', on_drift: 'update' }))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain('update namespace "group" failed: HTTP 403')
    expect(run.outputs['paths']).toBe(`${ADDRESS}/group/app`)
  })

  it('whose create loses its answer is read back and counted as created', async () => {
    emulator.inject({ method: 'POST', path: /\/namespaces$/, kind: 'lose-answer' })
    const run = await runAction(eeInputs(emulator))
    expect(errorsOf(run)).toBe('')
    expect(run.outputs['namespace_created']).toBe('true')
    expect(writes(emulator)).toEqual(['POST ~/namespaces'])
  })

  it('that another run creates between the read and the create is read back, not an error', async () => {
    emulator.addInstanceNamespace(INSTANCE, 'group')
    // The read says missing, as it would have a moment before the other run's create.
    emulator.inject({
      method: 'GET',
      path: new RegExp(`/instances/${INSTANCE}/namespaces/group$`),
      kind: 'status',
      status: 404,
      body: { error_code: 'SWR.404002', error_msg: 'The namespace group does not exist' }
    })
    const run = await runAction(eeInputs(emulator))
    expect(errorsOf(run)).toBe('')
    expect(visibleLog(run)).toContain('Namespace "group": created by another run at the same time')
    expect(run.outputs['namespace_created']).toBe('false')
    expect(writes(emulator)).toEqual(['POST ~/namespaces'])
  })
})

describe('a repository', () => {
  beforeEach(() => {
    emulator.addInstanceNamespace(INSTANCE, 'group')
  })

  it('that does not exist is reported as the first push creates it, with its path', async () => {
    const run = await runAction(eeInputs(emulator, { description: 'the app' }))
    expect(errorsOf(run)).toBe('')
    expect(run.outputs['created']).toBe('false')
    expect(run.outputs['path']).toBe(`${ADDRESS}/group/app`)
    expect(resultOf(run.outputs)).toEqual([
      expect.objectContaining({
        action: 'pending push',
        created: false,
        note: 'the first docker push creates it'
      })
    ])
    expect(planOf(run.outputs)).toEqual([
      expect.objectContaining({ resource: 'repository', name: 'group/app', action: 'create' })
    ])
    expect(planOf(run.outputs)[0]?.reason).toContain('the first docker push creates it')
    expect(run.summary).toContain('pending push (the first docker push creates it)')
    expect(run.summary).toContain('| on first push |')
    expect(writes(emulator)).toEqual([])
  })

  it('gets its description once a push has made it, and a re-run writes nothing', async () => {
    emulator.push(INSTANCE, 'group', 'app')
    const run = await runAction(eeInputs(emulator, { description: 'the app' }))
    expect(errorsOf(run)).toBe('')
    expect(resultOf(run.outputs)[0]).toMatchObject({
      action: 'updated',
      updated: true,
      description: 'the app'
    })
    expect(repositoryOf('app')?.['description']).toBe('the app')
    emulator.resetLog()
    const again = await runAction(eeInputs(emulator, { description: 'the app' }))
    expect(resultOf(again.outputs)[0]).toMatchObject({ action: 'unchanged' })
    expect(writes(emulator)).toEqual([])
  })

  it.each([
    ['warn', 0, 'old', []],
    ['update', 0, 'new', ['PUT ~/namespaces/group/repositories/app']],
    ['fail', 1, 'old', []]
  ])('with another description follows on_drift: %s', async (onDrift, exitCode, after, written) => {
    emulator.push(INSTANCE, 'group', 'app')
    await runAction(eeInputs(emulator, { description: 'old' }))
    emulator.resetLog()
    const run = await runAction(eeInputs(emulator, { description: 'new', on_drift: onDrift }))
    expect(run.exitCode).toBe(exitCode)
    expect(repositoryOf('app')?.['description']).toBe(after)
    expect(writes(emulator)).toEqual(written)
  })

  it('with a "/" in its name is read and updated with the name encoded twice', async () => {
    emulator.push(INSTANCE, 'group', 'team/app')
    const run = await runAction(
      eeInputs(emulator, { repository: 'team/app', description: 'the app' })
    )
    expect(errorsOf(run)).toBe('')
    expect(eeRequests(emulator).slice(-2)).toEqual([
      'GET ~/namespaces/group/repositories/team%252Fapp',
      'PUT ~/namespaces/group/repositories/team%252Fapp'
    ])
    expect(repositoryOf('team/app')?.['description']).toBe('the app')
    expect(run.outputs['path']).toBe(`${ADDRESS}/group/team/app`)
  })
})

describe('requests', () => {
  beforeEach(() => {
    emulator.addInstanceNamespace(INSTANCE, 'group')
    emulator.push(INSTANCE, 'group', 'app')
  })

  it('with the project id known, an existing namespace and repository cost three reads', async () => {
    const run = await runAction(eeInputs(emulator))
    expect(errorsOf(run)).toBe('')
    expect(eeRequests(emulator)).toEqual([
      'GET ~',
      'GET ~/namespaces/group',
      'GET ~/namespaces/group/repositories/app'
    ])
  })

  it('with the registry given as well, two', async () => {
    const run = await runAction(eeInputs(emulator, { registry: ADDRESS }))
    expect(errorsOf(run)).toBe('')
    expect(eeRequests(emulator)).toEqual([
      'GET ~/namespaces/group',
      'GET ~/namespaces/group/repositories/app'
    ])
  })

  it('with the registry given and a repository missing, the instance is read to be sure it serves', async () => {
    await runAction(eeInputs(emulator, { registry: ADDRESS, repository: 'app\nnew' }))
    expect(eeRequests(emulator)).toEqual([
      'GET ~/namespaces/group',
      'GET ~/namespaces/group/repositories/app',
      'GET ~/namespaces/group/repositories/new',
      'GET ~'
    ])
  })
})

describe('a dry run', () => {
  it('writes nothing and plans what the real run then does; after it, only the creates the first push makes remain', async () => {
    const inputs = eeInputs(emulator, {
      namespace: 'fresh',
      repository: 'app\nweb',
      description: 'the app',
      retention_keep_last: '5',
      immutable_tags: 'v*'
    })
    const dry = await runAction({ ...inputs, dry_run: 'true' })
    expect(errorsOf(dry)).toBe('')
    expect(writes(emulator)).toEqual([])
    expect(dry.summary).toContain('(dry run: nothing was changed)')
    const real = await runAction(inputs)
    expect(errorsOf(real)).toBe('')
    expect(planOf(real.outputs)).toEqual(planOf(dry.outputs))
    expect(planOf(dry.outputs).map(c => `${c.resource} ${c.name} ${c.action}`)).toEqual([
      'namespace fresh create',
      'repository fresh/app create',
      'repository fresh/web create',
      'retention fresh create',
      'immutability fresh create'
    ])
    emulator.resetLog()
    const after = await runAction({ ...inputs, dry_run: 'true' })
    expect(planOf(after.outputs).map(c => c.action)).toEqual(['create', 'create'])
    expect(writes(emulator)).toEqual([])
  })

  it('with existing repositories plans their descriptions, and after the real run nothing', async () => {
    emulator.addInstanceNamespace(INSTANCE, 'group')
    emulator.push(INSTANCE, 'group', 'app')
    emulator.push(INSTANCE, 'group', 'web')
    const inputs = eeInputs(emulator, { repository: 'app\nweb', description: 'd' })
    const dry = await runAction({ ...inputs, dry_run: 'true' })
    expect(resultOf(dry.outputs).map(r => r['action'])).toEqual(['would update', 'would update'])
    expect(writes(emulator)).toEqual([])
    const real = await runAction(inputs)
    expect(planOf(real.outputs)).toEqual(planOf(dry.outputs))
    const after = await runAction({ ...inputs, dry_run: 'true' })
    expect(planOf(after.outputs)).toEqual([])
  })
})
