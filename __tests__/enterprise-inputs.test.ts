// The inputs of an Enterprise Edition run, read by the real getInputs from INPUT_* variables:
// what instance_id changes, and every input error, each before any request.
import { describe, expect, it } from 'vitest'
import { inputErrorOf } from './helpers/input-error.js'
import { getInputs } from '../src/github/inputs.js'
import { inputEnv } from './helpers/action.js'

const PROJECT = '0123456789abcdef0123456789abcdef'
const keys = { access_key_id: 'AKEXAMPLE', secret_access_key: 'SKEXAMPLE' }
const env = (inputs: Record<string, string>, extra: Record<string, string> = {}) => ({
  ...inputEnv({
    namespace: 'group',
    repository: 'app',
    region: 'cn-north-4',
    instance_id: 'ins-1',
    ...keys,
    ...inputs
  }),
  ...extra
})

const errorOf = (fn: () => unknown): string => inputErrorOf(fn).message

describe('instance_id', () => {
  it('is absent from the inputs of a standard run', () => {
    expect(getInputs(env({ instance_id: '' }))).not.toHaveProperty('enterprise')
  })

  it('with a project id given, targets the instance and asks IAM nothing', () => {
    const inputs = getInputs(env({ project_id: PROJECT }))
    expect(inputs.enterprise).toEqual({
      instanceId: 'ins-1',
      projectId: PROJECT,
      projectIdSource: 'input project_id'
    })
  })

  it('takes the project id from HUAWEI_CLOUD_PROJECT_ID, the input first', () => {
    const other = 'fedcba9876543210fedcba9876543210'
    expect(getInputs(env({}, { HUAWEI_CLOUD_PROJECT_ID: other })).enterprise).toMatchObject({
      projectId: other,
      projectIdSource: 'HUAWEI_CLOUD_PROJECT_ID'
    })
    expect(
      getInputs(env({ project_id: PROJECT }, { HUAWEI_CLOUD_PROJECT_ID: other })).enterprise
    ).toMatchObject({ projectId: PROJECT })
  })

  it("without a project id, plans IAM's lookup for the region, at iam_endpoint when given", () => {
    expect(getInputs(env({})).enterprise?.projectLookup).toEqual({
      region: 'cn-north-4',
      iamEndpoint: new URL('https://iam.cn-north-4.myhuaweicloud.com')
    })
    const custom = getInputs(env({ iam_endpoint: 'http://127.0.0.1:9/' })).enterprise
    expect(custom?.projectLookup?.iamEndpoint.href).toBe('http://127.0.0.1:9/')
  })

  it('allows docker_login_outputs without a region when the project id is known', () => {
    const inputs = getInputs(
      env({
        region: '',
        endpoint: 'https://swr.example.internal',
        project_id: PROJECT,
        docker_login_outputs: 'true'
      })
    )
    expect(inputs.dockerLoginOutputs).toBe(true)
  })

  it('reads immutable_tags one pattern per line, braces and commas included, once each', () => {
    const inputs = getInputs(
      env({ project_id: PROJECT, immutable_tags: 'v*\n\n release-{a,b} \nv*' })
    )
    expect(inputs.enterprise?.immutableTags).toEqual(['v*', 'release-{a,b}'])
  })

  it('accepts a namespace the standard edition refuses: starting with a digit', () => {
    expect(getInputs(env({ namespace: '1team', project_id: PROJECT })).namespace).toBe('1team')
  })
})

describe('input errors', () => {
  it.each([
    ['category', { category: 'linux' }, 'instances have no repository categories'],
    ['share_with', { share_with: 'someaccount' }, 'instances have no sharing with other accounts'],
    [
      'replicate_to',
      { replicate_to: 'ap-southeast-1' },
      'instances replicate through their own replication policies, not auto-sync'
    ]
  ])('%s has no meaning for an instance, and says so', (name, inputs, why) => {
    expect(errorOf(() => getInputs(env({ project_id: PROJECT, ...inputs })))).toBe(
      `Input "${name}" has no meaning for an SWR Enterprise Edition instance (instance_id is set): ${why}. Drop it.`
    )
  })

  it('a "re:" retention exception cannot be expressed by an instance', () => {
    const message = errorOf(() =>
      getInputs(
        env({
          project_id: PROJECT,
          retention_keep_last: '5',
          retention_exceptions: 'latest\nre:^v[0-9]+'
        })
      )
    )
    expect(message).toContain('Input "retention_exceptions" has the entry "re:^v[0-9]+"')
    expect(message).toContain('not regular expressions, so "re:" entries cannot be expressed')
  })

  it('a retention exception with braces, which would break the pattern list, is refused', () => {
    expect(
      errorOf(() =>
        getInputs(
          env({ project_id: PROJECT, retention_keep_last: '5', retention_exceptions: '{a,b}' })
        )
      )
    ).toBe(
      'Input "retention_exceptions" is "{a,b}": "{" at position 1, "," at position 3 and "}" at position 5 are not allowed (the action joins the exceptions into one "{a,b}" pattern itself: give each alternative as its own entry); it must be a tag or a glob pattern of at most 128 characters: letters, digits, "_", ".", "-" and * ? [ ] ! (an instance matches tags with glob patterns).'
    )
  })

  it.each(['immutable_tags', 'project_id'])(
    '%s without instance_id says it is for Enterprise Edition instances',
    name => {
      const value = name === 'project_id' ? PROJECT : 'v*'
      expect(errorOf(() => getInputs(env({ instance_id: '', [name]: value })))).toContain(
        `Input "${name}" is for SWR Enterprise Edition instances: set instance_id too`
      )
    }
  )

  it.each(['a__b', 'a.-b', '-a', 'a-', 'A', 'x'.repeat(65)])(
    'the namespace %s breaks the instance rule',
    namespace => {
      expect(errorOf(() => getInputs(env({ namespace, project_id: PROJECT })))).toContain(
        'the rule of SWR Enterprise Edition namespaces'
      )
    }
  )

  it.each([
    ['a__b', '"__" at position 2 puts separators next to each other'],
    [
      'Team-A',
      '"T" at position 1 and "A" at position 6 are uppercase (names are lowercase; use "team-a")'
    ],
    ['a-', 'it ends with "-", a separator'],
    ['x'.repeat(66), 'it is 66 characters long, 2 more than the 64 allowed']
  ])(
    'the namespace %s is refused with what is wrong with it, then the rule',
    (namespace, wrong) => {
      expect(errorOf(() => getInputs(env({ namespace, project_id: PROJECT })))).toBe(
        `Input "namespace" is ${JSON.stringify(namespace)}: ${wrong}; it must be 1-64 characters: lowercase letters, digits, ".", "_" and "-"; it starts and ends with a letter or digit, and ".", "_" and "-" never stand next to each other (the rule of SWR Enterprise Edition namespaces).`
      )
    }
  )

  it.each(['INPUT_PROJECT-ID', 'INPUT_PROJECTID'])(
    "auth-action's project id passed as %s is named, with the input meant, not ignored",
    variable => {
      const given = env({}, { [variable]: PROJECT, HUAWEI_CLOUD_PROJECT_ID: PROJECT })
      const message = errorOf(() => getInputs(given))
      const habit = variable === 'INPUT_PROJECT-ID' ? 'project-id' : 'projectId'
      expect(message).toBe(
        `Input "${habit}" is not an input of this action; did you mean "project_id"? The instance's project id is read from project_id (or HUAWEI_CLOUD_PROJECT_ID).`
      )
    }
  )

  it('project-id next to project_id changes nothing', () => {
    const given = env({ project_id: PROJECT }, { 'INPUT_PROJECT-ID': 'ffff' })
    expect(getInputs(given).enterprise?.projectId).toBe(PROJECT)
  })

  it.each([
    [{ project_id: 'cn-north-4' }, 'Input "project_id" is "cn-north-4": it must be a project id'],
    [{ instance_id: 'ins/1' }, 'Input "instance_id" is "ins/1"'],
    [{ immutable_tags: 'v* x' }, 'Input "immutable_tags" is "v* x"']
  ])('%o is refused', (inputs, message) => {
    expect(errorOf(() => getInputs(env({ project_id: PROJECT, ...inputs })))).toContain(message)
  })

  it('a bad HUAWEI_CLOUD_PROJECT_ID is named as the variable it came from', () => {
    expect(errorOf(() => getInputs(env({}, { HUAWEI_CLOUD_PROJECT_ID: 'nope' })))).toContain(
      'Input "project_id (from HUAWEI_CLOUD_PROJECT_ID)" is "nope"'
    )
  })

  it('no project id and no region: nothing to ask IAM about', () => {
    expect(
      errorOf(() => getInputs(env({ region: '', endpoint: 'https://swr.example.internal' })))
    ).toBe(
      'No project id is known for the instance: give project_id (or set HUAWEI_CLOUD_PROJECT_ID), or region, so that IAM can be asked for the project of that region.'
    )
  })
})
