import { rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import {
  createGitFixture,
  createTestCertificate,
  startGitHttpServer,
  type GitFixture,
  type GitHttpServer,
  type TestCertificate,
} from '@platform/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchLeafDocuments, type FetchDocumentsOptions } from './fetch-leaf-documents';
import type { BoundCredential } from './git-credentials';
import type { KnowledgeSource } from './knowledge-sources';

const LIMITS = { gitTimeoutMs: 30_000, maxFileBytes: 1024 * 1024, maxFilesPerLeaf: 10, maxTotalBytes: 4 * 1024 * 1024 };
const READER = { username: 'reader', password: 'legit-password-4711' };

/**
 * A project member points a taxonomy at a server of her own, naming a secret meant for the team's git host: the
 * platform must not send it there, nor over plain http, nor after a redirect. Real git, real servers (the git
 * http-backend behind https with a test CA, or plain http), recording every Authorization header they receive.
 */
describe('credentials go only where their secret is bound', () => {
  let repo: GitFixture;
  let commit: string;
  let tls: TestCertificate;
  let legit: GitHttpServer;
  let attackerHttps: GitHttpServer;
  let attackerHttp: GitHttpServer;
  let redirector: GitHttpServer;
  let repoPath: string;

  const leaf = (repoUrl: string): KnowledgeSource => ({
    leaf: 'knowledge/sun/qna.yaml',
    line: 4,
    repo: repoUrl,
    commit,
    patterns: ['*.md'],
  });
  const options = (allowedUrls: string[]): FetchDocumentsOptions => ({
    allowPrivate: true,
    credential: { value: { kind: 'username_password', ...READER }, allowedUrls } satisfies BoundCredential,
    limits: LIMITS,
    caFile: tls.caFile,
  });
  const credentialsSentTo = (server: GitHttpServer) => server.requests.filter((r) => r.sentCredentials);

  beforeAll(async () => {
    repo = await createGitFixture();
    commit = await repo.commit({ 'sun.md': '# The Sun\n\nA star.\n' }, 'docs');
    repoPath = `/${basename(repo.dir)}/.git`;
    tls = await createTestCertificate();
    const root = dirname(repo.dir);
    // The attacker's servers are real git servers too, asking for Basic credentials as a real host would.
    [legit, attackerHttps, attackerHttp] = await Promise.all([
      startGitHttpServer(root, READER, { tls }),
      startGitHttpServer(root, { username: 'x', password: 'y' }, { tls }),
      startGitHttpServer(root, { username: 'x', password: 'y' }),
    ]);
    redirector = await startGitHttpServer(root, READER, { tls, redirectTo: attackerHttps.url });
  });

  afterAll(async () => {
    await Promise.all([legit, attackerHttps, attackerHttp, redirector].map((s) => s?.close()));
    await tls?.remove();
    if (repo) await rm(repo.dir, { recursive: true, force: true });
  });

  it('fetches over https from the host the secret is bound to', async () => {
    const { documents, issues } = await fetchLeafDocuments([leaf(`${legit.url}${repoPath}`)], options([`${legit.url}/`]));
    expect(issues).toEqual([]);
    expect(documents.map((d) => d.text)).toEqual(['# The Sun\n\nA star.\n']);
    expect(legit.requests.some((r) => r.authorized)).toBe(true);
    // A path prefix binding works the same way.
    const prefixed = await fetchLeafDocuments(
      [leaf(`${legit.url}${repoPath}`)],
      options([`${legit.url}${repoPath.replace(/\/\.git$/, '')}`]),
    );
    expect(prefixed.issues).toEqual([]);
  });

  it('sends nothing to a host the secret is not bound to, whatever the URL pretends', async () => {
    const attacker = new URL(attackerHttps.url);
    for (const repoUrl of [
      `${attackerHttps.url}${repoPath}`,
      // user info that names the bound host: the host is still the attacker's
      `https://127.0.0.1:${new URL(legit.url).port}@127.0.0.1:${attacker.port}${repoPath}`,
      `https://127.0.0.1:${attacker.port}\\@127.0.0.1:${new URL(legit.url).port}${repoPath}`,
    ]) {
      const { documents, issues } = await fetchLeafDocuments([leaf(repoUrl)], options([`${legit.url}/`]));
      expect(documents).toEqual([]);
      expect(issues).toEqual([
        expect.objectContaining({
          file: 'knowledge/sun/qna.yaml',
          rule: 'secret-not-bound',
          message: expect.stringMatching(new RegExp(`is not bound to https://127\\.0\\.0\\.1:${attacker.port}/`)),
        }),
      ]);
      expect(issues[0].message).not.toContain(READER.password);
    }
    expect(credentialsSentTo(attackerHttps)).toEqual([]);
  });

  it('never sends credentials over plain http, even to a host the secret is bound to', async () => {
    const url = `${attackerHttp.url}${repoPath}`;
    for (const allowed of [[`${legit.url}/`], [new URL(attackerHttp.url).host]]) {
      const { issues } = await fetchLeafDocuments([leaf(url)], options(allowed));
      expect(issues).toEqual([
        expect.objectContaining({ rule: 'credentials', message: expect.stringMatching(/never sent over unencrypted http/) }),
      ]);
    }
    expect(credentialsSentTo(attackerHttp)).toEqual([]);
  });

  it('does not follow a redirect to another host when a credential is sent', async () => {
    const { documents, issues } = await fetchLeafDocuments(
      [leaf(`${redirector.url}${repoPath}`)],
      options([`${redirector.url}/`, `${legit.url}/`]),
    );
    expect(credentialsSentTo(attackerHttps)).toEqual([]);
    expect(redirector.requests.length).toBeGreaterThan(0);
    expect(documents).toEqual([]);
    expect(issues).toEqual([expect.objectContaining({ message: expect.stringMatching(/redirects elsewhere/) })]);
  });
});
