import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DocumentSourceError } from './document-error';
import type { RepoSource } from './repo-source';

/** A secret's value as the fetch needs it (decrypted by the secrets store just before the fetch). */
export type GitCredential = { kind: 'username_password'; username: string; password: string } | { kind: 'arbitrary'; payload: string };

const SSH_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
/** GitHub and GitLab accept any user name with a token; this one is what GitHub documents for apps. */
const TOKEN_USER = 'x-access-token';

/**
 * Environment that hands the credential to git without putting it on a command line (visible in `ps`) or in
 * a config file of the repository: https gets a GIT_ASKPASS script that echoes variables of git's own
 * environment, ssh gets a 0600 key file. Both files live in `dir`, the fetch's private temp folder, which the
 * caller removes afterwards.
 */
export async function credentialEnv(source: RepoSource, credential: GitCredential | null, dir: string): Promise<Record<string, string>> {
  if (credential === null) return {};
  const isSshKey = credential.kind === 'arbitrary' && SSH_KEY.test(credential.payload);
  if (source.scheme === 'ssh') {
    if (!isSshKey)
      throw new DocumentSourceError(
        `document.repo ${source.display}: an ssh repository needs a secret holding an SSH private key`,
        'credentials',
      );
    const keyFile = join(dir, 'id_key');
    const payload = credential.payload.endsWith('\n') ? credential.payload : `${credential.payload}\n`;
    await writeFile(keyFile, payload, { mode: 0o600 });
    return {
      GIT_SSH_COMMAND: `ssh -F /dev/null -i '${keyFile}' -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=/dev/null`,
    };
  }
  if (source.scheme !== 'https' && source.scheme !== 'http') return {};
  if (isSshKey)
    throw new DocumentSourceError(
      `document.repo ${source.display}: an SSH key secret needs an ssh:// or git@host:path repository`,
      'credentials',
    );
  const [username, password] =
    credential.kind === 'username_password' ? [credential.username, credential.password] : [TOKEN_USER, credential.payload.trim()];
  const askpass = join(dir, 'askpass.sh');
  // The script holds no secret: it prints variables that only this git process (and its children) can see.
  await writeFile(
    askpass,
    '#!/bin/sh\ncase "$1" in\n  Username*) printf \'%s\\n\' "$PLATFORM_GIT_USERNAME" ;;\n  *) printf \'%s\\n\' "$PLATFORM_GIT_PASSWORD" ;;\nesac\n',
    { mode: 0o700 },
  );
  await chmod(askpass, 0o700);
  return { GIT_ASKPASS: askpass, PLATFORM_GIT_USERNAME: username, PLATFORM_GIT_PASSWORD: password };
}
