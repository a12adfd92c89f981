import { rmSync } from 'node:fs'
import { afterAll } from 'vitest'
import { makeTestCertificates } from '../../test/support/tls.js'

/**
 * A throwaway CA and server certificate for the tests of one file (call it at the file's top
 * level): its folder, private keys included, is removed once the file's tests are done.
 * @param hosts DNS names the certificate is valid for (127.0.0.1 is always added)
 */
export function fileCertificates(hosts: string[]): ReturnType<typeof makeTestCertificates> {
  const certificates = makeTestCertificates(hosts)
  afterAll(() => rmSync(certificates.dir, { recursive: true, force: true }))
  return certificates
}
