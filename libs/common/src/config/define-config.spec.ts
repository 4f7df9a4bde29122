import { describe, expect, it } from 'vitest';
import { ConfigError, defineConfig } from './define-config';
import {
  boolSetting,
  customSetting,
  enumSetting,
  intSetting,
  jsonSetting,
  listSetting,
  optionalSetting,
  stringSetting,
  urlSetting,
} from './settings';

const sdg = defineConfig('sdg', {
  batchSize: intSetting('PLATFORM_SDG_BATCH_SIZE', { default: 8, min: 1 }),
  teacher: optionalSetting('PLATFORM_SDG_TEACHER_MODEL'),
  lease: { ms: intSetting('PLATFORM_SDG_LEASE_MS', { default: 30_000 }) },
});

describe('defineConfig', () => {
  it('gives the defaults when nothing is set, typed and frozen', () => {
    const config = sdg.load({});
    expect(config).toEqual({ batchSize: 8, teacher: undefined, lease: { ms: 30_000 } });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.lease)).toBe(true);
    expect(sdg.token).toBe('SDG_CONFIG');
  });

  it('reads set values and treats blank ones as unset (compose files export VAR=)', () => {
    expect(sdg.load({ PLATFORM_SDG_BATCH_SIZE: ' 16 ', PLATFORM_SDG_TEACHER_MODEL: 'm', PLATFORM_SDG_LEASE_MS: '' })).toEqual({
      batchSize: 16,
      teacher: 'm',
      lease: { ms: 30_000 },
    });
  });

  it('stops with a message naming the variable and the bad value', () => {
    expect(() => sdg.load({ PLATFORM_SDG_BATCH_SIZE: 'x' })).toThrow(
      'sdg configuration: PLATFORM_SDG_BATCH_SIZE must be an integer ≥ 1, got "x"',
    );
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      sdg.load({ PLATFORM_SDG_BATCH_SIZE: '0', PLATFORM_SDG_LEASE_MS: '-5' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'PLATFORM_SDG_BATCH_SIZE must be an integer ≥ 1, got "0"',
      'PLATFORM_SDG_LEASE_MS must be an integer ≥ 0, got "-5"',
    ]);
  });

  it('derives values from several settings with finish', () => {
    const def = defineConfig('x', { a: intSetting('A', { default: 1 }), b: intSetting('B', { default: 2 }) }, (v) => ({ sum: v.a + v.b }));
    expect(def.load({ A: '40' })).toEqual({ sum: 42 });
  });
});

describe('settings', () => {
  const read = <T>(setting: { variable: string; read(raw: string | undefined): T }, raw: string | undefined) =>
    defineConfig('t', { v: setting }).load({ [setting.variable]: raw }).v;

  it('strings: required unless defaulted', () => {
    expect(() => read(stringSetting('DATABASE_URL'), undefined)).toThrow('DATABASE_URL is required');
    expect(read(stringSetting('S', { default: 'd' }), undefined)).toBe('d');
    expect(read(stringSetting('S'), ' keep spaces ')).toBe(' keep spaces ');
  });

  it('integers: whole numbers within the bounds only', () => {
    const port = intSetting('PORT', { default: 1, min: 1, max: 65535 });
    expect(read(port, '8080')).toBe(8080);
    expect(() => read(port, '1.5')).toThrow('PORT must be an integer between 1 and 65535, got "1.5"');
    expect(() => read(port, '70000')).toThrow(/between 1 and 65535/);
    expect(() => read(port, '12abc')).toThrow(/got "12abc"/);
  });

  it('booleans: the usual words, anything else is an error', () => {
    const flag = boolSetting('FLAG', { default: false });
    expect(read(flag, 'YES')).toBe(true);
    expect(read(flag, 'off')).toBe(false);
    expect(read(flag, undefined)).toBe(false);
    expect(() => read(flag, 'maybe')).toThrow('FLAG must be true or false, got "maybe"');
  });

  it('URLs: absolute, of an allowed scheme, without a trailing slash', () => {
    expect(read(urlSetting('U'), 'http://host:8080/')).toBe('http://host:8080');
    expect(() => read(urlSetting('U'), 'host:8080')).toThrow('U must be a URL with scheme http or https, got "host:8080"');
    expect(() => read(urlSetting('U'), 'not a url')).toThrow('U must be a URL, got "not a url"');
    expect(read(urlSetting('N', { schemes: ['nats'] }), 'nats://127.0.0.1:4222')).toBe('nats://127.0.0.1:4222');
  });

  it('enums: one of the listed words', () => {
    const phase = enumSetting('PHASE', ['mmlu', 'record'], { default: 'record' });
    expect(read(phase, 'mmlu')).toBe('mmlu');
    expect(() => read(phase, 'all')).toThrow('PHASE must be one of mmlu, record, got "all"');
  });

  it('lists: comma-separated, blanks dropped', () => {
    expect(read(listSetting('L'), 'a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect(read(listSetting('L'), undefined)).toEqual([]);
  });

  it('JSON: parsed, then checked; both failures name the variable', () => {
    const names = jsonSetting(
      'NAMES',
      (v) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('must be a JSON object');
        return v as Record<string, string>;
      },
      { default: {} },
    );
    expect(read(names, '{"a":"b"}')).toEqual({ a: 'b' });
    expect(read(names, undefined)).toEqual({});
    expect(() => read(names, '{')).toThrow('NAMES must be JSON, got "{"');
    expect(() => read(names, '[1]')).toThrow('NAMES must be a JSON object');
  });

  it('custom formats report their own complaint after the name', () => {
    const pair = customSetting('PAIR', (raw) => {
      if (raw && !raw.includes(':')) throw new Error('must be DIR:NAME');
      return raw;
    });
    expect(() => read(pair, 'dir')).toThrow('PAIR must be DIR:NAME');
  });
});
