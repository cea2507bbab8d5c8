/** A self-signed certificate for the test host names, made with the `openssl` CLI. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { KubeObject } from './kube-client';
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
      'req',
      '-x509',
      '-nodes',
      '-days',
      '1',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-subj',
      `/CN=${hostnames[0]}`,
      '-addext',
      `subjectAltName=${hostnames.map((name) => `DNS:${name}`).join(',')}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 },
  );
  return { certPath, keyPath };
}

export interface MutualTlsFiles {
  readonly caPath: string;
  readonly server: CertificateFiles;
  readonly client: CertificateFiles;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
}

/**
 * A private CA (as for ttyd's `--ssl-ca`), a server certificate for `serverName` and a client
 * certificate (what Traefik's ServersTransport and the probe present), all signed by the CA.
 */
export function mutualTlsFiles(dir: string, serverName: string): MutualTlsFiles {
  const caPath = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', '-days', '1', ...ec, '-keyout', caKey, '-out', caPath, '-subj', '/CN=probe-test-ca']);
  const issue = (name: string, cn: string, ext: string): CertificateFiles => {
    const keyPath = join(dir, `${name}.key`);
    const csr = join(dir, `${name}.csr`);
    const certPath = join(dir, `${name}.crt`);
    const extFile = join(dir, `${name}.ext`);
    writeFileSync(extFile, ext);
    openssl(['req', '-new', ...ec, '-keyout', keyPath, '-out', csr, '-subj', `/CN=${cn}`]);
    openssl(['x509', '-req', '-days', '1', '-in', csr, '-CA', caPath, '-CAkey', caKey, '-CAcreateserial', '-out', certPath, '-extfile', extFile]);
    return { certPath, keyPath };
  };
  return {
    caPath,
    server: issue('server', serverName, `subjectAltName=DNS:${serverName}\nextendedKeyUsage=serverAuth\n`),
    client: issue('client', 'traefik', 'extendedKeyUsage=clientAuth\n'),
  };
}

/** A Secret of type kubernetes.io/tls from certificate files, with `ca.crt` when a CA is given (a ServersTransport reads it). */
export function tlsSecret(namespace: string, name: string, files: CertificateFiles, caPath?: string): KubeObject {
  const b64 = (file: string) => readFileSync(file).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(files.certPath), 'tls.key': b64(files.keyPath), ...(caPath === undefined ? {} : { 'ca.crt': b64(caPath) }) },
  };
}
