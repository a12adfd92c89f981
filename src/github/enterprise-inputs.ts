// The inputs of an SWR Enterprise Edition run (instance_id, project_id, immutable_tags), and
// the rules that change when instance_id is set: the namespace's name rule, and the inputs an
// instance has no counterpart for (retention-inputs.ts checks the retention exceptions).
import { InputError, invalid, linesOf, parseEndpoint, type Read } from './input-rules.js'
import {
  NAMESPACE_RULE,
  TAG_PATTERN_RULE,
  isValidTagPattern,
  namespaceNameProblems
} from '../enterprise/names.js'
import { whyInvalid } from '../swr/names.js'
import { defaultIamEndpoint } from '../swr/endpoints.js'

export interface EnterpriseInputs {
  instanceId: string
  /** From input project_id, else HUAWEI_CLOUD_PROJECT_ID; else found when the run starts. */
  projectId?: string
  /** Where projectId came from, for the log. */
  projectIdSource?: string
  /** Where IAM is asked for the region's project, when no project id is given. */
  projectLookup?: { region: string; iamEndpoint: URL }
  /** Undefined when immutable_tags is empty: the rules are neither read nor changed. */
  immutableTags?: string[]
}

const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/
const PROJECT_ID = /^[0-9a-fA-F]{32}$/

/** Inputs an instance has nothing to map to, each with why. */
const NO_MEANING: [string, string][] = [
  ['category', 'instances have no repository categories'],
  ['share_with', 'instances have no sharing with other accounts'],
  ['replicate_to', 'instances replicate through their own replication policies, not auto-sync']
]

/** The instance's own checks of inputs the standard edition reads too. */
function checkSharedInputs(input: Read): void {
  for (const [name, why] of NO_MEANING) {
    if (input(name)) {
      throw new InputError(
        `Input "${name}" has no meaning for an SWR Enterprise Edition instance (instance_id is set): ${why}. Drop it.`
      )
    }
  }
  const namespace = input('namespace')
  const problems = namespaceNameProblems(namespace)
  if (problems.length > 0) {
    throw invalid('namespace', namespace, whyInvalid(problems, NAMESPACE_RULE))
  }
}

function readImmutableTags(input: Read): string[] | undefined {
  const lines = [...new Set(linesOf(input('immutable_tags')))]
  for (const line of lines) {
    if (!isValidTagPattern(line)) throw invalid('immutable_tags', line, TAG_PATTERN_RULE)
  }
  return lines.length > 0 ? lines : undefined
}

// How huaweicloud/auth-action's project_id may be spelled by habit: with "-", or in camelCase.
const PROJECT_HABITS = ['project-id', 'projectId']

function readProjectId(input: Read, env: NodeJS.ProcessEnv) {
  const given = input('project_id')
  // Ignored, it would let the run find a project of its own, not the one the workflow named.
  const habit = PROJECT_HABITS.find(name => input(name) !== '')
  if (!given && habit) {
    throw new InputError(
      `Input "${habit}" is not an input of this action; did you mean "project_id"? The instance's project id is read from project_id (or HUAWEI_CLOUD_PROJECT_ID).`
    )
  }
  const value = given || (env['HUAWEI_CLOUD_PROJECT_ID'] ?? '').trim()
  if (!value) return {}
  const source = given ? 'input project_id' : 'HUAWEI_CLOUD_PROJECT_ID'
  if (!PROJECT_ID.test(value)) {
    throw invalid(
      given ? 'project_id' : 'project_id (from HUAWEI_CLOUD_PROJECT_ID)',
      value,
      "it must be a project id: 32 hexadecimal characters, as IAM's project list shows it (not the project's name, such as cn-north-4)"
    )
  }
  return { projectId: value, projectIdSource: source }
}

/** Inputs that are only for an instance, given without instance_id. */
function rejectWithoutInstance(input: Read): void {
  for (const name of ['immutable_tags', 'project_id']) {
    if (input(name)) {
      throw new InputError(
        `Input "${name}" is for SWR Enterprise Edition instances: set instance_id too, or drop it (the standard edition has no ${name === 'project_id' ? 'use for a project id' : 'immutable tag rules'}).`
      )
    }
  }
}

/**
 * The instance's inputs, or undefined when instance_id is empty. Throws InputError before any
 * request for inputs an instance cannot express, and when no project id can be found at all.
 */
export function readEnterprise(
  input: Read,
  env: NodeJS.ProcessEnv,
  location: { region?: string }
): EnterpriseInputs | undefined {
  const instanceId = input('instance_id')
  if (!instanceId) {
    rejectWithoutInstance(input)
    return undefined
  }
  if (!INSTANCE_ID.test(instanceId)) {
    throw invalid(
      'instance_id',
      instanceId,
      'it must be an instance id as the SWR console shows it: letters, digits, "-" and "_", at most 64'
    )
  }
  checkSharedInputs(input)
  const project = readProjectId(input, env)
  const immutableTags = readImmutableTags(input)
  const base = { instanceId, ...project, ...(immutableTags ? { immutableTags } : {}) }
  if (project.projectId) return base
  if (!location.region) {
    throw new InputError(
      'No project id is known for the instance: give project_id (or set HUAWEI_CLOUD_PROJECT_ID), or region, so that IAM can be asked for the project of that region.'
    )
  }
  const iamEndpoint = parseEndpoint(
    'iam_endpoint',
    input('iam_endpoint') || defaultIamEndpoint(location.region)
  )
  return { ...base, projectLookup: { region: location.region, iamEndpoint } }
}

/** Whether the run targets an instance, for the checks that differ before readEnterprise. */
export function targetsInstance(input: Read): boolean {
  return input('instance_id') !== ''
}
