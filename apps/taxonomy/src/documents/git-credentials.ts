import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalHost, credentialBindingAllows, parseCredentialBinding } from './credential-binding';
import { DocumentSourceError } from './document-error';
import type { RepoSource } from './repo-source';

/** A secret's value as the fetch needs it (decrypted by the secrets store just before the fetch). */
export type GitCredential = { kind: 'username_password'; username: string; password: string } | { kind: 'arbitrary'; payload: string };

/** A secret's value with the `allowed_urls` it was created with: the only repositories it may be sent to. */
export interface BoundCredential {
  value: GitCredential;
  allowedUrls: readonly string[];
}

const SSH_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
/** GitHub and GitLab accept any user name with a token; this one is what GitHub documents for apps. */
const TOKEN_USER = 'x-access-token';

/**
 * Environment that hands the credential to git without putting it on a command line (visible in `ps`) or in
 * a config file of the repository: https gets a GIT_ASKPASS script that echoes variables of git's own
 * environment, ssh gets a 0600 key file. Both files live in `dir`, the fetch's private temp folder, which the
 * caller removes afterwards.
 *
 * This is the one place a credential reaches git, so it is where its binding is enforced: only to an https or ssh
 * repository that one of its `allowed_urls` allows, never over plain http. git and file URLs never receive it.
 */
export async function credentialEnv(source: RepoSource, bound: BoundCredential | null, dir: string): Promise<Record<string, string>> {
  if (bound === null || source.scheme === 'git' || source.scheme === 'file') return {};
  requireBinding(source, bound.allowedUrls);
  const credential = bound.value;
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
  if (isSshKey)
    throw new DocumentSourceError(
      `document.repo ${source.display}: an SSH key secret needs an ssh:// or git@host:path repository`,
      'credentials',
    );
  const [username, password] =
    credential.kind === 'username_password' ? [credential.username, credential.password] : [TOKEN_USER, credential.payload.trim()];
  const askpass = join(dir, 'askpass.sh');
  // The script holds no secret: it prints variables that only this git process (and its children) can see. It answers
  // only git's prompts for the repository's own host ("Password for 'https://user@host:port': "): if anything ever
  // led git to another host (redirects are off when a credential is sent), that host would get nothing.
  await writeFile(askpass, ASKPASS, { mode: 0o700 });
  await chmod(askpass, 0o700);
  return {
    GIT_ASKPASS: askpass,
    PLATFORM_GIT_HOST: new URL(source.gitUrl).host,
    PLATFORM_GIT_USERNAME: username,
    PLATFORM_GIT_PASSWORD: password,
  };
}

const ASKPASS = `#!/bin/sh
case "$1" in
  *"://$PLATFORM_GIT_HOST'"* | *"@$PLATFORM_GIT_HOST'"*) ;;
  *) exit 1 ;;
esac
case "$1" in
  Username*) printf '%s\\n' "$PLATFORM_GIT_USERNAME" ;;
  *) printf '%s\\n' "$PLATFORM_GIT_PASSWORD" ;;
esac
`;

/** No binding ever allows plain http; naming that is the useful answer when the host itself is one the secret may go to. */
function requireBinding(source: RepoSource, allowedUrls: readonly string[]): void {
  const bindings = allowedUrls.flatMap((entry) => {
    try {
      return [parseCredentialBinding(entry)];
    } catch {
      return [];
    }
  });
  if (bindings.some((b) => credentialBindingAllows(b, source))) return;
  if (source.scheme === 'http' && bindings.some((b) => b.host === canonicalHost(source.host))) {
    throw new DocumentSourceError(
      `document.repo ${source.display}: credentials are never sent over unencrypted http; use the repository's https:// URL`,
      'credentials',
    );
  }
  const where = `${source.scheme}://${source.host.includes(':') ? `[${source.host}]` : source.host}${source.port === null ? '' : `:${source.port}`}`;
  throw new DocumentSourceError(
    allowedUrls.length === 0
      ? `document.repo ${source.display}: the secret named by secrets_manager_config.git_id is bound to no URL (it predates bindings); create it again with allowed_urls`
      : `document.repo ${source.display}: the secret named by secrets_manager_config.git_id is not bound to ${where}${source.path}; it may only be sent to ${listed(allowedUrls)}`,
    'secret-not-bound',
  );
}

function listed(entries: readonly string[]): string {
  const shown = entries.slice(0, 3).join(', ');
  return entries.length > 3 ? `${shown} and ${entries.length - 3} more` : shown;
}
