import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialEnv, type BoundCredential, type GitCredential } from './git-credentials';
import { parseRepoSource } from './repo-source';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';
const bound = (value: GitCredential, allowedUrls = ['git.example.com']): BoundCredential => ({ value, allowedUrls });
const READER = bound({ kind: 'username_password', username: 'reader', password: 'pa55' });

describe('credentialEnv', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cred-spec-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('hands https credentials to an askpass script through the environment, not in the script or a command line', async () => {
    const env = await credentialEnv(parseRepoSource('https://git.example.com/docs.git'), READER, dir);
    expect(env).toMatchObject({ PLATFORM_GIT_USERNAME: 'reader', PLATFORM_GIT_PASSWORD: 'pa55', PLATFORM_GIT_HOST: 'git.example.com' });
    const script = await readFile(env.GIT_ASKPASS, 'utf8');
    expect(script).not.toContain('pa55');
    expect((await stat(env.GIT_ASKPASS)).mode & 0o777).toBe(0o700);
  });

  it("the askpass script answers git's prompts for the repository's host only", async () => {
    const env = await credentialEnv(
      parseRepoSource('https://git.example.com:8443/docs.git'),
      bound(READER.value, ['https://git.example.com:8443/']),
      dir,
    );
    const ask = (prompt: string) =>
      promisify(execFile)(env.GIT_ASKPASS, [prompt], { env: { ...env, PATH: process.env.PATH } }).then(
        (r) => ({ ok: true, out: r.stdout }),
        (err: { stdout: string }) => ({ ok: false, out: err.stdout }),
      );
    expect(await ask("Username for 'https://git.example.com:8443': ")).toEqual({ ok: true, out: 'reader\n' });
    expect(await ask("Password for 'https://reader@git.example.com:8443': ")).toEqual({ ok: true, out: 'pa55\n' });
    for (const other of [
      "Password for 'https://reader@evil.example': ",
      "Password for 'https://reader@git.example.com': ",
      "Password for 'https://reader@git.example.com:8443.evil.example': ",
      "Username for 'https://evil.example/git.example.com:8443': ",
    ]) {
      expect(await ask(other), other).toEqual({ ok: false, out: '' });
    }
  });

  it('sends a token as the password of a fixed user', async () => {
    const env = await credentialEnv(
      parseRepoSource('https://git.example.com/docs.git'),
      bound({ kind: 'arbitrary', payload: ' ghp_token\n' }),
      dir,
    );
    expect(env).toMatchObject({ PLATFORM_GIT_USERNAME: 'x-access-token', PLATFORM_GIT_PASSWORD: 'ghp_token' });
  });

  it('writes an SSH key to a 0600 file used by GIT_SSH_COMMAND', async () => {
    const env = await credentialEnv(parseRepoSource('git@git.example.com:org/docs.git'), bound({ kind: 'arbitrary', payload: KEY }), dir);
    const keyFile = join(dir, 'id_key');
    expect(env.GIT_SSH_COMMAND).toContain(`-i '${keyFile}'`);
    expect(env.GIT_SSH_COMMAND).toContain('BatchMode=yes');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(keyFile, 'utf8')).toBe(`${KEY}\n`);
  });

  it('refuses a credential that does not fit the transport', async () => {
    await expect(
      credentialEnv(
        parseRepoSource('ssh://git@git.example.com/docs.git'),
        bound({ kind: 'username_password', username: 'u', password: 'p' }),
        dir,
      ),
    ).rejects.toMatchObject({ rule: 'credentials' });
    await expect(
      credentialEnv(parseRepoSource('https://git.example.com/docs.git'), bound({ kind: 'arbitrary', payload: KEY }), dir),
    ).rejects.toMatchObject({ rule: 'credentials' });
    expect(await credentialEnv(parseRepoSource('https://git.example.com/docs.git'), null, dir)).toEqual({});
  });

  it('sends nothing to a repository the binding does not allow, naming the host and never the value', async () => {
    for (const repo of [
      'https://evil.example/docs.git',
      'https://git.example.com@evil.example/docs.git',
      'https://git.example.com:8443/docs.git',
      'git@evil.example:org/docs.git',
    ]) {
      const refused = credentialEnv(parseRepoSource(repo), READER, dir);
      await expect(refused, repo).rejects.toMatchObject({
        rule: 'secret-not-bound',
        message: expect.stringMatching(/is not bound to .*; it may only be sent to git\.example\.com$/),
      });
      await expect(refused).rejects.not.toMatchObject({ message: expect.stringContaining('pa55') });
    }
    const bindingless = credentialEnv(parseRepoSource('https://git.example.com/docs.git'), bound(READER.value, []), dir);
    await expect(bindingless).rejects.toMatchObject({ rule: 'secret-not-bound', message: expect.stringMatching(/bound to no URL/) });
  });

  it('never sends a credential over plain http, even to an allowed host; git:// and file:// get none', async () => {
    await expect(credentialEnv(parseRepoSource('http://git.example.com/docs.git'), READER, dir)).rejects.toMatchObject({
      rule: 'credentials',
      message: expect.stringMatching(/never sent over unencrypted http/),
    });
    expect(await credentialEnv(parseRepoSource('git://git.example.com/docs.git'), READER, dir)).toEqual({});
    expect(await credentialEnv(parseRepoSource('/srv/git/docs'), READER, dir)).toEqual({});
  });
});
