// The Node 24 that .ci/run runs the black-box tests under as well, since action.yml declares
// `runs.using: node24` while the tooling runs on whatever Node runs npm. `npm ci` installs it as
// the optional dependency node24, an alias of the registry's Linux x64 Node package. That package
// declares a `node` bin, so npm links node_modules/.bin/node to it, and npm scripts put
// node_modules/.bin first on PATH: vitest, eslint and ncc would all run on Node 24 then, and
// the tooling's own pass would not test the Node it claims to.
//
//   node scripts/node24.mjs            prints the binary's path; fails unless it runs as 24.x
//   node scripts/node24.mjs --unshim   removes that .bin/node link (the postinstall script)
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readlinkSync, rmSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')
const PACKAGE = join(ROOT, 'node_modules', 'node24')
const SHIM = join(ROOT, 'node_modules', '.bin', 'node')

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`scripts/node24.mjs: ${message}`)
  process.exit(1)
}

function binary() {
  const manifest = join(PACKAGE, 'package.json')
  if (!existsSync(manifest)) {
    fail(`${PACKAGE} is missing: run npm ci (the package is the Linux x64 build)`)
  }
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8'))
  const path = join(PACKAGE, typeof bin === 'string' ? bin : bin.node)
  if (!existsSync(path)) fail(`${path} is missing: run npm ci`)
  const version = execFileSync(path, ['-p', 'process.version'], { encoding: 'utf8' }).trim()
  if (!version.startsWith('v24.')) fail(`${path} is Node ${version}, not 24.x`)
  return path
}

/** Whether .bin/node is npm's link into this package: any other `node` there is not ours. */
function shimIsOurs() {
  try {
    // readlink throws when .bin/node is missing or no link at all.
    return resolve(dirname(SHIM), readlinkSync(SHIM)).startsWith(PACKAGE + sep)
  } catch {
    return false
  }
}

function unshim() {
  if (shimIsOurs()) rmSync(SHIM)
}

if (process.argv[2] === '--unshim') unshim()
else if (process.argv[2] === undefined) console.log(binary())
else fail(`unknown argument ${process.argv[2]}`)
