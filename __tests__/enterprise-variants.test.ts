// The instance flows under every answer the notes leave unconfirmed (the emulator's
// Enterprise Edition variants, each value on its own): missing things answered 404 or 400, a
// duplicate namespace 409 or 400, PUT of a namespace 200 or 204, an access address with or
// without https://. Then every input error, each before any request.
import { afterEach, describe, expect, it } from 'vitest'
import { errorsOf, runAction, warningsOf } from './helpers/action.js'
import type { Emulator } from './helpers/emulator.js'
import {
  ADDRESS,
  INSTANCE,
  VARIANT_CASES,
  eeInputs,
  planOf,
  resultOf,
  startWithInstance,
  writes
} from './helpers/enterprise.js'

let emulator: Emulator
afterEach(async () => {
  await emulator?.close()
})

describe.each(VARIANT_CASES)('under $name', ({ variants }) => {
  it('makes a new namespace ready, reports the repositories as the first push creates them, and a re-run writes nothing', async () => {
    emulator = await startWithInstance(variants)
    const inputs = eeInputs(emulator, {
      repository: 'app\nteam/web',
      is_public: 'true',
      retention_keep_last: '5',
      immutable_tags: 'v*',
      docker_login_outputs: 'true'
    })
    const run = await runAction(inputs)
    expect(errorsOf(run)).toBe('')
    expect(run.outputs['paths']).toBe(`${ADDRESS}/group/app\n${ADDRESS}/group/team/web`)
    expect(resultOf(run.outputs).map(r => r['action'])).toEqual(['pending push', 'pending push'])
    expect(emulator.instanceState(INSTANCE).namespaces[0]?.metadata).toEqual({ public: 'true' })
    emulator.resetLog()
    const again = await runAction({ ...inputs, docker_login_outputs: 'false' })
    expect(errorsOf(again)).toBe('')
    expect(writes(emulator)).toEqual([])
  })

  it('sets the description of pushed repositories, one named with a "/", and corrects visibility', async () => {
    emulator = await startWithInstance(variants)
    emulator.addInstanceNamespace(INSTANCE, 'group', { public: 'true' })
    emulator.push(INSTANCE, 'group', 'app')
    emulator.push(INSTANCE, 'group', 'team/web')
    const inputs = eeInputs(emulator, {
      repository: 'app\nteam/web\nnew',
      description: 'd',
      is_public: 'false',
      on_drift: 'update'
    })
    const run = await runAction(inputs)
    expect(errorsOf(run)).toBe('')
    expect(resultOf(run.outputs).map(r => r['action'])).toEqual([
      'updated',
      'updated',
      'pending push'
    ])
    const state = emulator.instanceState(INSTANCE)
    expect(state.namespaces[0]?.metadata).toEqual({ public: 'false' })
    expect(state.repositories.map(r => r['description'])).toEqual(['d', 'd'])
    emulator.resetLog()
    const again = await runAction(inputs)
    expect(planOf(again.outputs).map(c => c.action)).toEqual(['create'])
    expect(writes(emulator)).toEqual([])
  })

  it('reads back a namespace another run created between the read and the create', async () => {
    emulator = await startWithInstance(variants)
    emulator.addInstanceNamespace(INSTANCE, 'group')
    // The first read answers "missing" as this variant's instance does (eeMissing).
    const missing = variants['eeMissing'] === '400' ? [400, 'SWR.400004'] : [404, 'SWR.404002']
    emulator.inject({
      method: 'GET',
      path: new RegExp(`/instances/${INSTANCE}/namespaces/group$`),
      kind: 'status',
      status: missing[0] as number,
      body: { error_code: missing[1], error_msg: 'The namespace group does not exist' }
    })
    const run = await runAction(eeInputs(emulator))
    expect(errorsOf(run)).toBe('')
    expect(run.outputs['namespace_created']).toBe('false')
  })

  it('deletes an unlisted immutable rule under on_drift: update', async () => {
    emulator = await startWithInstance(variants)
    emulator.addInstanceNamespace(INSTANCE, 'group')
    emulator.addImmutableRule(INSTANCE, 'group', {
      tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'old' }],
      scope_selectors: {
        repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: 'app' }]
      }
    })
    const run = await runAction(eeInputs(emulator, { immutable_tags: 'v*', on_drift: 'update' }))
    expect(errorsOf(run)).toBe('')
    expect(
      emulator.instanceState(INSTANCE).immutableRules.map(r => r['tag_selectors'][0].pattern)
    ).toEqual(['v*'])
  })
})

describe('input errors, each before any request', () => {
  it.each([
    [
      { category: 'linux' },
      'Input "category" has no meaning for an SWR Enterprise Edition instance'
    ],
    [{ share_with: 'someaccount' }, 'Input "share_with" has no meaning'],
    [{ replicate_to: 'ap-southeast-1' }, 'Input "replicate_to" has no meaning'],
    [
      { retention_keep_last: '3', retention_exceptions: 're:^v' },
      'not regular expressions, so "re:" entries cannot be expressed'
    ],
    [
      { retention_keep_last: '3', retention_exceptions: 'latest, my tag' },
      'Input "retention_exceptions" has the entry "my tag": " " at position 3 is not allowed; it must be a tag or a glob pattern'
    ],
    [
      { instance_id: '', immutable_tags: 'v*' },
      'Input "immutable_tags" is for SWR Enterprise Edition instances'
    ],
    [
      { instance_id: '', namespace: 'group', project_id: '0123456789abcdef0123456789abcdef' },
      'Input "project_id" is for SWR Enterprise Edition instances'
    ],
    [
      { namespace: 'a__b' },
      '"__" at position 2 puts separators next to each other; it must be 1-64 characters'
    ],
    [{ project_id: 'cn-north-4' }, 'it must be a project id'],
    [{ immutable_tags: 'v* x' }, 'Input "immutable_tags" is "v* x"'],
    [
      { project_id: '', region: '', endpoint: 'http://127.0.0.1:9' },
      'No project id is known for the instance'
    ]
  ])('%o', async (inputs, message) => {
    emulator = await startWithInstance()
    const run = await runAction(eeInputs(emulator, inputs))
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain(message)
    expect(emulator.log).toEqual([])
    expect(warningsOf(run)).toBe('')
  })

  it("auth-action's project-id is named with the input meant, not ignored", async () => {
    emulator = await startWithInstance()
    const run = await runAction(eeInputs(emulator, { project_id: '' }), {
      'INPUT_PROJECT-ID': '0123456789abcdef0123456789abcdef'
    })
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run)).toContain(
      'Input "project-id" is not an input of this action; did you mean "project_id"?'
    )
    expect(emulator.log).toEqual([])
  })
})
