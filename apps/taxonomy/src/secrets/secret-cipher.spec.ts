import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseKey, SecretCipher } from './secret-cipher';

describe('SecretCipher', () => {
  const key = randomBytes(32).toString('base64');

  it('round-trips a value and never stores it in clear', () => {
    const cipher = new SecretCipher(key);
    const sealed = cipher.seal('hunter2-password', 'secret-1/project-1');
    expect(sealed.ciphertext.toString('utf8')).not.toContain('hunter2');
    expect(cipher.open(sealed, 'secret-1/project-1')).toBe('hunter2-password');
    expect(cipher.seal('hunter2-password', 'secret-1/project-1').iv.equals(sealed.iv)).toBe(false);
  });

  it('refuses a value moved to another row, tampered with, or opened with another key', () => {
    const cipher = new SecretCipher(key);
    const sealed = cipher.seal('value', 'secret-1/project-1');
    expect(() => cipher.open(sealed, 'secret-1/project-2')).toThrow();
    expect(() => cipher.open({ ...sealed, ciphertext: Buffer.from(sealed.ciphertext.map((b) => b ^ 1)) }, 'secret-1/project-1')).toThrow();
    expect(() => new SecretCipher(randomBytes(32).toString('hex')).open(sealed, 'secret-1/project-1')).toThrow();
  });

  it('accepts 32-byte keys as hex or base64 only', () => {
    expect(parseKey('ab'.repeat(32))).toHaveLength(32);
    expect(parseKey(randomBytes(32).toString('base64url'))).toHaveLength(32);
    expect(() => parseKey('too-short')).toThrow(/32 bytes/);
  });
});
