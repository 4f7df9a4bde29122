import { hash, verify } from '@node-rs/argon2';
import { createHash, randomBytes } from 'node:crypto';

/** Argon2id (memory-hard) with OWASP's minimum parameters: 19 MiB, 2 passes. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, { memoryCost: 19_456, timeCost: 2, parallelism: 1 });
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * The hash a sign-in of an unknown user name is verified against: made once, of a random password, with the same
 * parameters as real ones. Verifying it costs what checking a real user's wrong password costs, so the answer time
 * does not tell which user names exist.
 */
export function dummyPasswordHash(): Promise<string> {
  return (dummy ??= hashPassword(randomBytes(32).toString('base64url')));
}

export function newApiKey(): string {
  return randomBytes(32).toString('base64url');
}

export function apiKeyDigest(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}
