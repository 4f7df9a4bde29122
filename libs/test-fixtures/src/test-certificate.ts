import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throwaway certificate authority and a server certificate it signed for 127.0.0.1 and localhost. */
export interface TestCertificate {
  /** PEM of the authority: what a client is told to trust (git's http.sslCAInfo, PLATFORM_GIT_CA_FILE). */
  caFile: string;
  key: Buffer;
  cert: Buffer;
  remove(): Promise<void>;
}

/** Made with the openssl command line (as git is, a tool the test machine has), valid for a day. */
export async function createTestCertificate(): Promise<TestCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'test-tls-'));
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => run('openssl', args);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl('req', '-x509', ...ec, '-keyout', path('ca.key'), '-out', path('ca.pem'), '-days', '1', '-subj', '/CN=platform test CA');
  await openssl('req', '-new', ...ec, '-keyout', path('server.key'), '-out', path('server.csr'), '-subj', '/CN=127.0.0.1');
  await writeFile(path('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  const sign = ['-CA', path('ca.pem'), '-CAkey', path('ca.key'), '-CAcreateserial', '-extfile', path('san.ext')];
  await openssl('x509', '-req', '-in', path('server.csr'), ...sign, '-days', '1', '-out', path('server.pem'));
  return {
    caFile: path('ca.pem'),
    key: await readFile(path('server.key')),
    cert: await readFile(path('server.pem')),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
