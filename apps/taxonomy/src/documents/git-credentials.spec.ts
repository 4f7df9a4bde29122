import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialEnv } from './git-credentials';
import { parseRepoSource } from './repo-source';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';

describe('credentialEnv', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cred-spec-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('hands https credentials to an askpass script through the environment, not in the script or a command line', async () => {
    const env = await credentialEnv(
      parseRepoSource('https://git.example.com/docs.git'),
      { kind: 'username_password', username: 'reader', password: 'pa55' },
      dir,
    );
    expect(env).toMatchObject({ PLATFORM_GIT_USERNAME: 'reader', PLATFORM_GIT_PASSWORD: 'pa55' });
    const script = await readFile(env.GIT_ASKPASS, 'utf8');
    expect(script).not.toContain('pa55');
    expect((await stat(env.GIT_ASKPASS)).mode & 0o777).toBe(0o700);
  });

  it('sends a token as the password of a fixed user', async () => {
    const env = await credentialEnv(
      parseRepoSource('https://git.example.com/docs.git'),
      { kind: 'arbitrary', payload: ' ghp_token\n' },
      dir,
    );
    expect(env).toMatchObject({ PLATFORM_GIT_USERNAME: 'x-access-token', PLATFORM_GIT_PASSWORD: 'ghp_token' });
  });

  it('writes an SSH key to a 0600 file used by GIT_SSH_COMMAND', async () => {
    const env = await credentialEnv(parseRepoSource('git@git.example.com:org/docs.git'), { kind: 'arbitrary', payload: KEY }, dir);
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
        { kind: 'username_password', username: 'u', password: 'p' },
        dir,
      ),
    ).rejects.toMatchObject({ rule: 'credentials' });
    await expect(
      credentialEnv(parseRepoSource('https://git.example.com/docs.git'), { kind: 'arbitrary', payload: KEY }, dir),
    ).rejects.toMatchObject({ rule: 'credentials' });
    expect(await credentialEnv(parseRepoSource('https://git.example.com/docs.git'), null, dir)).toEqual({});
  });
});
