// prune's glob syntax: "*" within one "/"-separated segment, "**" across whole segments.
import { describe, expect, it } from 'vitest'
import { patternRegExp } from '../src/resources/prune.js'

const matches = (pattern: string, name: string) => patternRegExp(pattern).test(name)

describe('prune patterns', () => {
  it.each([
    ['app-pr-*', 'app-pr-12', true],
    ['app-pr-*', 'app-pr-', true],
    ['app-pr-*', 'app-pr', false],
    ['app-pr-*', 'team/app-pr-1', false],
    ['app-pr-*', 'app-pr-1/debug', false],
    ['*/app', 'team/app', true],
    ['*/app', 'a/b/app', false],
    ['previews/**', 'previews/a', true],
    ['previews/**', 'previews/a/b', true],
    ['previews/**', 'previews', false],
    ['**/app', 'app', true],
    ['**/app', 'x/y/app', true],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a/**/b', 'a/xb', false],
    ['app.v1', 'appxv1', false],
    ['app', 'app', true],
    ['app', 'app2', false]
  ])('%s matches %s: %s', (pattern, name, expected) => {
    expect(matches(pattern, name)).toBe(expected)
  })
})
