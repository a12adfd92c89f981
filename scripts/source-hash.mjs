// The SHA-256 of what `npm run bundle` builds dist/ from, by content only. The bundle writes it
// to dist/source-hash.txt and `npm start` compares, so the decision to rebuild does not depend on
// file times (a fresh clone gives every file an arbitrary one). Paths are relative, with /, and
// sorted, so the hash is the same on every machine and clone and the committed stamp passes the
// dist check.
//   node scripts/source-hash.mjs          prints the hash
//   node scripts/source-hash.mjs --write  writes dist/source-hash.txt (the end of npm run bundle)
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '..')
export const SOURCES = ['src', 'package.json', 'package-lock.json', 'tsconfig.json']
export const STAMP = join('dist', 'source-hash.txt')

/**
 * Every file under `path` (a file or a folder), as paths relative to `root` joined with /.
 * @param {string} root
 * @param {string} path
 * @returns {string[]}
 */
function filesUnder(root, path) {
  if (!statSync(join(root, path)).isDirectory()) return [path]
  return readdirSync(join(root, path)).flatMap(name => filesUnder(root, `${path}/${name}`))
}

/**
 * The hex SHA-256 over the sorted paths and contents of SOURCES under `root`.
 * @param {string} [root]
 * @returns {string}
 */
export function sourceHash(root = ROOT) {
  const hash = createHash('sha256')
  const files = SOURCES.filter(path => existsSync(join(root, path)))
    .flatMap(path => filesUnder(root, path))
    .sort()
  for (const file of files) {
    const content = readFileSync(join(root, file))
    // The path and length frame each file, so moving bytes between files changes the hash.
    hash.update(`${file}\0${content.length}\0`).update(content)
  }
  return hash.digest('hex')
}

/**
 * Whether dist/ holds a bundle of the sources as they are now.
 * @param {string} [root]
 * @returns {boolean}
 */
export function isBundleCurrent(root = ROOT) {
  const stamp = join(root, STAMP)
  if (!existsSync(join(root, 'dist', 'index.js')) || !existsSync(stamp)) return false
  return readFileSync(stamp, 'utf8').trim() === sourceHash(root)
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  if (process.argv[2] === '--write') writeFileSync(join(ROOT, STAMP), `${sourceHash()}\n`)
  else console.log(sourceHash())
}
