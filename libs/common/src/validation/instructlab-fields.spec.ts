import { describe, expect, it } from 'vitest';
import { PlatformError } from '../errors/platform-error';
import {
  CONTAINER_ID,
  COS_PATH,
  COS_PATH_SEED_PATTERN,
  INSTRUCTLAB_NAME,
  INSTRUCTLAB_NAME_SEED_PATTERN,
  isCosPath,
  isInstructlabId,
  isIssuedId,
  isInstructlabName,
  requireContainerId,
  requireField,
  requireInstructlabId,
} from './instructlab-fields';

describe('InstructLab field rules', () => {
  it('names follow the seed regex and 1-32 length', () => {
    for (const ok of ['a', 'example-taxonomy-1', 'a_b-c', 'A'.repeat(32)]) expect(isInstructlabName(ok)).toBe(true);
    for (const bad of ['', '-a', 'a-', 'a--b', 'a_-b', 'a b', 'A'.repeat(33), 'ü']) expect(isInstructlabName(bad)).toBe(false);
  });

  it('ids are 36 characters of [a-z0-9-]', () => {
    expect(isInstructlabId('202a03c4-dcf1-432a-82b7-abecb2e019f7')).toBe(true);
    expect(isInstructlabId('202A03C4-dcf1-432a-82b7-abecb2e019f7')).toBe(false);
    expect(isInstructlabId('202a03c4-dcf1-432a-82b7-abecb2e019f')).toBe(false);
  });

  it('project ids are lowercase UUIDs', () => {
    expect(CONTAINER_ID.test('202a03c4-dcf1-432a-82b7-abecb2e019f7')).toBe(true);
    expect(CONTAINER_ID.test('202A03C4-dcf1-432a-82b7-abecb2e019f7')).toBe(false);
    expect(CONTAINER_ID.test('202a03c4-dcf1-432a-82b7-abecb2e019-7')).toBe(false);
  });

  it('a broken rule is a 400 with the one message of the rule, naming the field', () => {
    const thrown = (fn: () => void) => {
      try {
        fn();
      } catch (err) {
        return err as PlatformError;
      }
      throw new Error('expected a PlatformError');
    };
    const name = thrown(() => requireField(INSTRUCTLAB_NAME, 'a--b', 'name'));
    expect(name).toBeInstanceOf(PlatformError);
    expect(name.message).toBe('name must be 1-32 characters matching ^[a-zA-Z0-9]([_-]?[a-zA-Z0-9]+)*$.');
    expect(name.target).toEqual({ type: 'field', name: 'name' });
    expect(thrown(() => requireContainerId('nope')).message).toBe('project_id must be a lowercase UUID.');
    expect(thrown(() => requireInstructlabId('X', 'taxonomy')).message).toBe('The taxonomy id must be 36 characters of a-z, 0-9 and "-".');
    expect(() => requireField(INSTRUCTLAB_NAME, 'ok-name', 'name')).not.toThrow();
  });

  it('COS paths: 20-100 characters, seed regex', () => {
    expect(isCosPath('taxonomies/taxonomy.tar.gz')).toBe(true);
    expect(isCosPath('taxonomies/t.tar.gz')).toBe(false); // 19 characters
    expect(isCosPath(`taxonomies/${'a'.repeat(89)}`)).toBe(true); // 100
    expect(isCosPath(`taxonomies/${'a'.repeat(90)}`)).toBe(false); // 101
    expect(isCosPath('taxonomies/taxonomy.tar.gz/')).toBe(false);
    expect(isCosPath('taxonomies//taxonomy.tar.gz')).toBe(false);
  });

  it('only lowercase UUIDs among rule-following ids can name what the platform made', () => {
    expect(isInstructlabId('a'.repeat(36))).toBe(true);
    expect(isIssuedId('a'.repeat(36))).toBe(false);
    expect(isIssuedId('0b7c3f5e-2d4a-4e8b-9c1d-6f0a2b3c4d5e')).toBe(true);
    expect(isIssuedId('0B7C3F5E-2D4A-4E8B-9C1D-6F0A2B3C4D5E')).toBe(false);
  });

  /** 20,000 random strings of up to 9 characters of `alphabet` (a fixed seed): `linear` and `seed` agree on each. */
  const expectSameLanguage = (linear: RegExp, seedPattern: RegExp, alphabet: string[]) => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20_000; i++) {
      const len = 1 + Math.floor(rand() * 9);
      const s = Array.from({ length: len }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      expect(linear.test(s), s).toBe(seedPattern.test(s));
    }
  };

  it('the linear COS pattern accepts exactly what the seed pattern accepts', () => {
    expectSameLanguage(COS_PATH.pattern, COS_PATH_SEED_PATTERN, ['a', 'Z', '0', '-', '_', '.', '/', ' ']);
  });

  it('the linear name pattern accepts exactly what the seed pattern accepts', () => {
    expectSameLanguage(INSTRUCTLAB_NAME.pattern, INSTRUCTLAB_NAME_SEED_PATTERN, ['a', 'Z', '0', '-', '_', '.', ' ']);
  });

  it('the linear name pattern stays fast on a near-miss that makes the seed regex backtrack', () => {
    // The seed regex takes seconds for the longest name (31 letters and a '!': 22 s here); the linear one
    // microseconds. A very generous bound, so a busy machine cannot fail it.
    const t0 = performance.now();
    expect(isInstructlabName(`${'a'.repeat(31)}!`)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  it('the linear COS pattern stays fast on inputs that make the seed regex backtrack', () => {
    // The seed regex needs exponential time in the length of such an input (99 characters would never finish);
    // a linear one takes microseconds for 100,000. A very generous bound, so a busy machine cannot fail it.
    const t0 = performance.now();
    expect(COS_PATH.pattern.test(`${'a'.repeat(100_000)}/`)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});
