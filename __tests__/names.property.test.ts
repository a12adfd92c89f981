// Property-based input fuzzing. The oracle below restates the name rules procedurally,
// independently of the regular expressions in src/names.ts.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  isValidOrganizationName,
  isValidRepositoryName,
  organizationNameProblems,
  repositoryNameProblems
} from '../src/swr/names.js'
import { isValidNamespaceName, namespaceNameProblems } from '../src/enterprise/names.js'
import { getInputs } from '../src/github/inputs.js'
import { errorsOf, inputEnv, runAction } from './helpers/action.js'
import { baseInputs, startEmulator, type Emulator } from './helpers/emulator.js'

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const isAlnum = (c: string) => /^[a-z0-9]$/.test(c)

function oracle(
  name: string,
  separators: string,
  maxLength: number,
  mustStartWithLetter: boolean
): boolean {
  if (name.length < 1 || name.length > maxLength) return false
  const first = name[0] as string
  if (mustStartWithLetter ? !/^[a-z]$/.test(first) : !isAlnum(first)) return false
  if (!isAlnum(name[name.length - 1] as string)) return false
  let run = ''
  for (const c of name) {
    if (isAlnum(c)) {
      run = ''
      continue
    }
    if (!separators.includes(c)) return false
    run += c
    if (run.length > 1 && run !== '__') return false
  }
  return true
}
const organizationOracle = (n: string) => oracle(n, '._-', 64, true)
const repositoryOracle = (n: string) => oracle(n, '._-/', 128, false)

// Names built from alphanumeric runs and separator groups hit the interesting cases (adjacent
// separators, "__" against "___", edges) far more often than random characters would.
const token = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'z', '0', '9', 'ab1') },
  {
    weight: 4,
    arbitrary: fc.constantFrom('.', '_', '-', '/', '__', '___', '._', '-.', '_-', '//')
  },
  { weight: 1, arbitrary: fc.constantFrom('A', ' ', '$', 'é', '%') }
)
const shortNames = fc.array(token, { minLength: 0, maxLength: 8 }).map(a => a.join(''))
const anyNames = fc.oneof(
  shortNames,
  fc.string({ maxLength: 140 }),
  fc.string({ minLength: 60, maxLength: 140, unit: fc.constantFrom('a', '1', '_', '.') })
)

describe('the name rules agree with an independent oracle', () => {
  it('organization names', () => {
    fc.assert(
      fc.property(anyNames, name => isValidOrganizationName(name) === organizationOracle(name)),
      { numRuns: 5000 }
    )
  })
  it('repository names', () => {
    fc.assert(
      fc.property(anyNames, name => isValidRepositoryName(name) === repositoryOracle(name)),
      { numRuns: 5000 }
    )
  })
  it('what is wrong with a name is said exactly when the rule refuses it', () => {
    fc.assert(
      fc.property(anyNames, name => {
        expect(organizationNameProblems(name).length === 0).toBe(organizationOracle(name))
        expect(repositoryNameProblems(name).length === 0).toBe(repositoryOracle(name))
        expect(namespaceNameProblems(name).length === 0).toBe(isValidNamespaceName(name))
      }),
      { numRuns: 5000 }
    )
  })
  it('known edge cases', () => {
    expect(isValidOrganizationName('a__b')).toBe(true)
    expect(isValidOrganizationName('a___b')).toBe(false)
    expect(isValidOrganizationName('a_.b')).toBe(false)
    expect(isValidOrganizationName('1abc')).toBe(false)
    expect(isValidOrganizationName('a'.repeat(64))).toBe(true)
    expect(isValidOrganizationName('a'.repeat(65))).toBe(false)
    expect(isValidRepositoryName('1team/app.v2__x-y')).toBe(true)
    expect(isValidRepositoryName('team//app')).toBe(false)
    expect(isValidRepositoryName('a'.repeat(128))).toBe(true)
    expect(isValidRepositoryName('a'.repeat(129))).toBe(false)
  })
})

describe('getInputs accepts every valid value and rejects every invalid one with a message', () => {
  const read = (inputs: Record<string, string>) =>
    getInputs(
      inputEnv({
        region: 'cn-north-4',
        access_key_id: 'AK',
        secret_access_key: 'SK',
        namespace: 'group',
        repository: 'app',
        ...inputs
      })
    )

  // A list separator would split a repository input into several names, so none is generated.
  it.each([
    ['namespace', organizationOracle, '1-64', (i: ReturnType<typeof read>) => i.namespace],
    ['repository', repositoryOracle, '1-128', (i: ReturnType<typeof read>) => i.repositories[0]]
  ] as const)('%s', (input, oracle, lengths, valueOf) => {
    fc.assert(
      fc.property(
        anyNames.filter(n => n.trim() === n && n !== '' && !/[,\n]/.test(n)),
        name => {
          if (oracle(name)) return valueOf(read({ [input]: name })) === name
          expect(() => read({ [input]: name })).toThrow(
            new RegExp(
              `^Input "${input}" is ${escape(JSON.stringify(name))}: .+; it must be ${lengths} characters`
            )
          )
          return true
        }
      ),
      { numRuns: 2000 }
    )
  })
  it('category, is_public, on_drift and retention numbers', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }).filter(v => v.trim() === v && v !== ''),
        value => {
          const accepted = (inputs: Record<string, string>) => {
            try {
              read(inputs)
              return true
            } catch (err) {
              expect((err as Error).message).toMatch(/^Input "[a-z_]+" is ".*": /s)
              return false
            }
          }
          expect(accepted({ category: value })).toBe(
            [
              'app_server',
              'linux',
              'framework_app',
              'database',
              'lang',
              'other',
              'windows',
              'arm'
            ].includes(value)
          )
          expect(accepted({ is_public: value })).toBe(
            ['true', 'True', 'TRUE', 'false', 'False', 'FALSE'].includes(value)
          )
          expect(accepted({ on_drift: value })).toBe(['warn', 'update', 'fail'].includes(value))
          expect(accepted({ retention_keep_last: value })).toBe(
            /^\d+$/.test(value) && +value >= 1 && +value <= 1_000_000
          )
        }
      ),
      { numRuns: 1000 }
    )
  })
})

describe('the bundled action makes zero requests for generated invalid names', () => {
  let emulator: Emulator
  beforeAll(async () => {
    emulator = await startEmulator()
  })
  afterAll(async () => {
    await emulator.close()
  })
  it('a sample of invalid namespaces and repositories', async () => {
    const invalid = fc.sample(
      fc
        .tuple(anyNames, fc.boolean())
        .filter(
          ([n, ns]) =>
            n.trim() === n &&
            n !== '' &&
            !/[,\n\r]/.test(n) &&
            !(ns ? organizationOracle(n) : repositoryOracle(n))
        ),
      { numRuns: 12, seed: 42 }
    )
    const runs = await Promise.all(
      invalid.map(([name, ns]) =>
        runAction(baseInputs(emulator, ns ? { namespace: name } : { repository: name }))
      )
    )
    runs.forEach((run, i) => {
      const [name, ns] = invalid[i] as [string, boolean]
      expect(run.exitCode).toBe(1)
      expect(errorsOf(run)).toContain(
        `Input "${ns ? 'namespace' : 'repository'}" is ${JSON.stringify(name)}`
      )
    })
    expect(emulator.log).toHaveLength(0)
  })
})
