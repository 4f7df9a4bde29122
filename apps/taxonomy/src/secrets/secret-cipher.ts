import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value: AES-256-GCM with a fresh 96-bit IV, bound to `context` (the row it belongs to). */
export interface Sealed {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/**
 * Encrypts secret values at rest. The additional data ties a ciphertext to its secret's id and project, so a
 * value copied onto another row fails to open instead of leaking to another project.
 */
export class SecretCipher {
  private readonly key: Buffer;

  constructor(key: string) {
    this.key = parseKey(key);
  }

  seal(plaintext: string, context: string): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { iv, tag: cipher.getAuthTag(), ciphertext };
  }

  open(sealed: Sealed, context: string): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  }
}

/** 32 bytes as 64 hex digits or base64/base64url; anything else is a configuration error found at start. */
export function parseKey(text: string): Buffer {
  const value = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error('PLATFORM_SECRETS_KEY must be 32 bytes, as 64 hex digits or base64');
  return key;
}
