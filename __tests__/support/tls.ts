/** A self-signed certificate for the test host names, made with the `openssl` CLI. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface CertificateFiles {
  readonly certPath: string;
  readonly keyPath: string;
}

/**
 * An ECDSA P-256 certificate (cheaper handshakes than RSA, which keeps the runs fast) valid one day
 * for the given DNS names.
 */
export function selfSignedCertificate(dir: string, hostnames: string[]): CertificateFiles {
  const certPath = join(dir, 'tls.crt');
  const keyPath = join(dir, 'tls.key');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-nodes', '-days', '1',
      '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
      '-keyout', keyPath, '-out', certPath,
      '-subj', `/CN=${hostnames[0]}`,
      '-addext', `subjectAltName=${hostnames.map((name) => `DNS:${name}`).join(',')}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 },
  );
  return { certPath, keyPath };
}
