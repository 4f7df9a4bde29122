import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { checkCreatedAt, checkInitialEntries, checkProject, checkSessionDescription, checkSessionName } from './session-fields';

const now = new Date('2026-01-01T00:00:00Z');
const PROMPT = { model_id: 'm', data: {} };

function fieldOf(check: () => unknown): string | undefined {
  try {
    check();
  } catch (err) {
    if (err instanceof PlatformError) return err.target?.name;
    throw err;
  }
  return undefined;
}

describe('prompt session fields', () => {
  it('keeps a session name to one line of at most 100 characters, as the seed’s ^.{0,100}$', () => {
    expect(checkSessionName('')).toBe('');
    expect(checkSessionName('n'.repeat(100))).toBe('n'.repeat(100));
    for (const bad of ['n'.repeat(101), 'a\nb', 'a\rb', 'a\u2028b']) expect(fieldOf(() => checkSessionName(bad))).toBe('name');
    expect(fieldOf(() => checkSessionDescription('d'.repeat(251)))).toBe('description');
  });

  it('wants a lowercase UUID project', () => {
    expect(fieldOf(() => checkProject(''))).toBe('project_id');
    expect(fieldOf(() => checkProject('0B7C3F5E-2D4A-4E8B-9C1D-6F0A2B3C4D5E'))).toBe('project_id');
  });

  it('reads created_at as epoch milliseconds with a four-digit year, 0 meaning now', () => {
    expect(checkCreatedAt(0, now)).toBe(now);
    expect(checkCreatedAt(253_402_300_799_999, now).toISOString()).toBe('9999-12-31T23:59:59.999Z');
    for (const bad of [-1, 253_402_300_800_000, 1.5, Number.NaN]) expect(fieldOf(() => checkCreatedAt(bad, now))).toBe('created_at');
  });

  it('checks a new session’s entries, naming the entry and field of the first problem', () => {
    const entries = checkInitialEntries(
      JSON.stringify([
        { name: 'a', prompt: PROMPT, created_at: 5 },
        { name: 'b', prompt: PROMPT },
      ]),
      now,
    );
    expect(entries.map((e) => [e.name, e.createdAt.getTime(), e.isTemplate, e.inputMode])).toEqual([
      ['a', 5, false, null],
      ['b', now.getTime(), false, null],
    ]);
    expect(checkInitialEntries('', now)).toEqual([]);
    const cases: [unknown, string][] = [
      [{ name: 'x' }, 'prompts'],
      [[1], 'prompts[0]'],
      [
        [
          { name: 'a', prompt: PROMPT },
          { name: 'b', prompt: { data: {} } },
        ],
        'prompts[1].prompt.model_id',
      ],
      [[{ name: 'a', prompt: PROMPT, is_template: 'yes' }], 'prompts[0].is_template'],
      [[{ name: 'a', prompt: PROMPT, description: 7 }], 'prompts[0].description'],
      [[{ name: 'a', prompt: PROMPT, input_mode: 'detached' }], 'prompts[0].input_mode'],
      [[{ name: 'a', prompt: PROMPT, model_version: { number: 'v1' } }], 'prompts[0].model_version.number'],
      [Array.from({ length: 51 }, () => ({ name: 'a', prompt: PROMPT })), 'prompts'],
    ];
    for (const [value, field] of cases)
      expect(
        fieldOf(() => checkInitialEntries(JSON.stringify(value), now)),
        field,
      ).toBe(field);
    expect(fieldOf(() => checkInitialEntries('[', now))).toBe('prompts');
  });
});
