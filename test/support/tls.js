// A throwaway certificate authority and a server certificate for the emulator's HTTPS
// listener, made with openssl at test time so that nothing in the repository expires.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * The files, private keys included, are in `dir`, which the caller removes once done with
 * `caFile` (the key and certificate are returned as text).
 * @param {string[]} hosts DNS names the certificate is valid for (127.0.0.1 is always added)
 * @returns {{ dir: string, caFile: string, key: string, cert: string }}
 */
export function makeTestCertificates(hosts) {
  const dir = mkdtempSync(join(tmpdir(), 'swr-emulator-tls-'))
  try {
    return certificatesIn(dir, hosts)
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
}

/**
 * @param {string} dir
 * @param {string[]} hosts
 */
function certificatesIn(dir, hosts) {
  const run = args => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  run([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=SWR emulator test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign'
  ])
  run(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=swr-emulator'])
  const altNames = [...hosts.map(h => `DNS:${h}`), 'IP:127.0.0.1'].join(',')
  writeFileSync(
    join(dir, 'ext.cnf'),
    `subjectAltName=${altNames}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`
  )
  run([
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'ext.cnf'
  ])
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    key: readFileSync(join(dir, 'server.key'), 'utf8'),
    cert: readFileSync(join(dir, 'server.pem'), 'utf8')
  }
}
