import { PlatformError } from '@platform/common';
import { BindingSyntaxError, formatCredentialBinding, parseCredentialBinding } from '../documents';
import type { SecretType } from './secret.entity';

export interface NewSecret {
  projectId: string;
  name: string;
  secretType: string;
  description: string;
  username: string;
  password: string;
  payload: string;
  createdBy: string;
  /** Where the value may be sent (`allowed_urls`). */
  allowedUrls: string[];
}

/** The value of a secret as sealed: only the fields of its type. */
export type SecretValue = { username: string; password: string } | { payload: string };

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9]$/;
const MAX_DESCRIPTION = 1024;
const MAX_USERNAME = 256;
const MAX_PASSWORD = 4096;
/** Room for an RSA-4096 key in PEM with comments, or a long token. */
const MAX_PAYLOAD = 64 * 1024;
const MAX_ALLOWED_URLS = 20;

/**
 * Checks a new secret as IBM Secrets Manager would (name 2-256 of letters, digits, "-", "_" and ".", starting
 * and ending with a letter or digit; the value fields of its type and no others), plus where it may be sent:
 * `allowed_urls`, required, returned in canonical form. Messages never quote values.
 */
export function checkNewSecret(input: NewSecret): { type: SecretType; value: SecretValue; allowedUrls: string[] } {
  const checked = checkValue(input);
  return { ...checked, allowedUrls: checkAllowedUrls(input.allowedUrls) };
}

/**
 * Every secret is a credential for git, so it must say where it may go: a fetch sends it nowhere else (see
 * credentialEnv). Entries are stored canonical (lowercase punycode host, no default port, no trailing slash).
 */
function checkAllowedUrls(entries: string[]): string[] {
  if (entries.length === 0 || entries.length > MAX_ALLOWED_URLS) {
    throw PlatformError.invalid(
      `allowed_urls is required: 1-${MAX_ALLOWED_URLS} https:// or ssh:// URL prefixes or host names the secret may be sent to (e.g. "https://github.com/my-org/").`,
      'allowed_urls',
    );
  }
  const canonical = entries.map((entry, i) => {
    try {
      return formatCredentialBinding(parseCredentialBinding(entry));
    } catch (err) {
      if (!(err instanceof BindingSyntaxError)) throw err;
      throw PlatformError.invalid(`allowed_urls[${i}] ${err.message}.`, 'allowed_urls');
    }
  });
  return [...new Set(canonical)];
}

function checkValue(input: NewSecret): { type: SecretType; value: SecretValue } {
  if (input.name.length < 2 || input.name.length > 256 || !NAME.test(input.name)) {
    throw PlatformError.invalid(
      'name must be 2-256 characters of letters, digits, "-", "_" and ".", starting and ending with a letter or digit.',
      'name',
    );
  }
  if (input.description.length > MAX_DESCRIPTION)
    throw PlatformError.invalid(`description must be at most ${MAX_DESCRIPTION} characters.`, 'description');
  if (input.secretType === 'username_password') {
    if (input.payload !== '')
      throw PlatformError.invalid('A username_password secret takes username and password, not payload.', 'payload');
    if (input.username === '' || input.username.length > MAX_USERNAME)
      throw PlatformError.invalid(`username is required (at most ${MAX_USERNAME} characters).`, 'username');
    if (input.password === '' || input.password.length > MAX_PASSWORD)
      throw PlatformError.invalid(`password is required (at most ${MAX_PASSWORD} characters).`, 'password');
    return { type: 'username_password', value: { username: input.username, password: input.password } };
  }
  if (input.secretType === 'arbitrary') {
    if (input.username !== '' || input.password !== '')
      throw PlatformError.invalid('An arbitrary secret takes payload, not username or password.', 'payload');
    if (input.payload.trim() === '' || input.payload.length > MAX_PAYLOAD)
      throw PlatformError.invalid(`payload is required (at most ${MAX_PAYLOAD} characters).`, 'payload');
    return { type: 'arbitrary', value: { payload: input.payload } };
  }
  throw PlatformError.invalid('secret_type must be "username_password" or "arbitrary".', 'secret_type');
}
