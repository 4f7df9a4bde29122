/**
 * Readers for one environment variable each. A reader turns the raw text (undefined or blank = unset) into a typed
 * value or says what is wrong with it; `defineConfig` runs them all at start-up and names the variable in the error.
 */
export type EnvSource = Readonly<Record<string, string | undefined>>;

export interface Setting<T> {
  readonly variable: string;
  /** The value for `raw` (undefined when unset or blank), or a thrown `SettingError`. */
  read(raw: string | undefined): T;
}

/** A value a reader rejects; the message completes "<VARIABLE> …". */
export class SettingError extends Error {}

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

function required<T>(fallback: T | undefined, raw: string | undefined, parse: (raw: string) => T): T {
  if (raw !== undefined) return parse(raw);
  if (fallback === undefined) throw new SettingError('is required');
  return fallback;
}

const got = (raw: string) => `got "${raw}"`;

/** A string; required unless a default is given. */
export function stringSetting(variable: string, opts: { default?: string } = {}): Setting<string> {
  return { variable, read: (raw) => required(opts.default, raw, (v) => v) };
}

/** A string that may be unset (then `undefined`). */
export function optionalSetting(variable: string): Setting<string | undefined> {
  return { variable, read: (raw) => raw };
}

/** An integer within [min, max] (min defaults to 0: counts, sizes and durations are never negative). */
export function intSetting(variable: string, opts: { default?: number; min?: number; max?: number } = {}): Setting<number> {
  const min = opts.min ?? 0;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  return {
    variable,
    read: (raw) =>
      required(opts.default, raw?.trim(), (v) => {
        const n = Number(v);
        if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
          const range = opts.max !== undefined ? ` between ${min} and ${max}` : min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : '';
          throw new SettingError(`must be an integer${range}, ${got(v)}`);
        }
        return n;
      }),
  };
}

/** true/false, 1/0, yes/no, on/off (any case). */
export function boolSetting(variable: string, opts: { default: boolean }): Setting<boolean> {
  return {
    variable,
    read: (raw) =>
      required(opts.default, raw?.trim(), (v) => {
        const lower = v.toLowerCase();
        if (TRUE.includes(lower)) return true;
        if (FALSE.includes(lower)) return false;
        throw new SettingError(`must be true or false, ${got(v)}`);
      }),
  };
}

/** An absolute URL with one of the given schemes (default http/https); trailing slashes are dropped. */
export function urlSetting(variable: string, opts: { default?: string; schemes?: string[] } = {}): Setting<string> {
  const schemes = opts.schemes ?? ['http', 'https'];
  return {
    variable,
    read: (raw) =>
      required(opts.default, raw?.trim(), (v) => {
        let url: URL;
        try {
          url = new URL(v);
        } catch {
          throw new SettingError(`must be a URL, ${got(v)}`);
        }
        if (!schemes.includes(url.protocol.slice(0, -1)))
          throw new SettingError(`must be a URL with scheme ${schemes.join(' or ')}, ${got(v)}`);
        return v.replace(/\/+$/, '');
      }),
  };
}

/** One of a fixed set of words. */
export function enumSetting<const V extends string>(variable: string, values: readonly V[], opts: { default?: V } = {}): Setting<V> {
  return {
    variable,
    read: (raw) =>
      required(opts.default, raw?.trim(), (v) => {
        if (!(values as readonly string[]).includes(v)) throw new SettingError(`must be one of ${values.join(', ')}, ${got(v)}`);
        return v as V;
      }),
  };
}

/** Comma-separated items, blanks dropped. */
export function listSetting(variable: string, opts: { default?: string[] } = {}): Setting<string[]> {
  return {
    variable,
    read: (raw) =>
      required(opts.default ?? [], raw, (v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
  };
}

/**
 * JSON checked by `parse`, which throws (any Error) with what is wrong; its message follows the variable's name.
 * Unset gives the default, which `parse` also checks.
 */
export function jsonSetting<T>(variable: string, parse: (value: unknown) => T, opts: { default: unknown }): Setting<T> {
  return {
    variable,
    read: (raw) => {
      let value: unknown = opts.default;
      if (raw !== undefined) {
        try {
          value = JSON.parse(raw);
        } catch {
          throw new SettingError(`must be JSON, ${got(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw)}`);
        }
      }
      try {
        return parse(value);
      } catch (err) {
        throw new SettingError(err instanceof Error ? err.message : String(err));
      }
    },
  };
}

/** Any other text format: `parse` turns the text into the value or throws with what is wrong. */
export function customSetting<T>(variable: string, parse: (raw: string | undefined) => T): Setting<T> {
  return {
    variable,
    read: (raw) => {
      try {
        return parse(raw);
      } catch (err) {
        throw new SettingError(err instanceof Error ? err.message : String(err));
      }
    },
  };
}

/** The text of a variable as readers see it: blank counts as unset, because compose files export `VAR=`. */
export function rawSetting(env: EnvSource, variable: string): string | undefined {
  const value = env[variable];
  return value?.trim() ? value : undefined;
}
