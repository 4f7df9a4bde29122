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

export function newApiKey(): string {
  return randomBytes(32).toString('base64url');
}

export function apiKeyDigest(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}
