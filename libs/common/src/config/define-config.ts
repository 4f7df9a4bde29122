import { SettingError, rawSetting, type EnvSource, type Setting } from './settings';

/** Settings, possibly grouped: `{ batchSize: intSetting(...), lease: { ms: intSetting(...) } }`. */
export interface ConfigSpec {
  readonly [key: string]: Setting<unknown> | ConfigSpec;
}

export type ConfigValues<S extends ConfigSpec> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : S[K] extends ConfigSpec ? ConfigValues<S[K]> : never;
};

/** Every bad variable of one configuration, one line each, so an operator fixes them all in one go. */
export class ConfigError extends Error {
  constructor(
    readonly config: string,
    readonly problems: string[],
  ) {
    super(
      problems.length === 1
        ? `${config} configuration: ${problems[0]}`
        : `${config} configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * One process's typed configuration: read and checked once at start-up (`load`), frozen, and provided to the rest of
 * the process by dependency injection under `token` (the service module registers it). Nothing else reads the
 * environment.
 */
export interface ConfigDefinition<T> {
  readonly name: string;
  /** The DI token of the loaded value. */
  readonly token: string;
  load(env?: EnvSource): T;
}

export type ConfigOf<D> = D extends ConfigDefinition<infer T> ? T : never;

const isSetting = (v: Setting<unknown> | ConfigSpec): v is Setting<unknown> =>
  typeof (v as Setting<unknown>).read === 'function' && typeof (v as Setting<unknown>).variable === 'string';

function readSpec(spec: ConfigSpec, env: EnvSource, problems: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(spec)) {
    if (!isSetting(entry)) {
      out[key] = Object.freeze(readSpec(entry, env, problems));
      continue;
    }
    try {
      out[key] = entry.read(rawSetting(env, entry.variable));
    } catch (err) {
      if (!(err instanceof SettingError)) throw err;
      problems.push(`${entry.variable} ${err.message}`);
    }
  }
  return out;
}

/**
 * `defineConfig('sdg', { batchSize: intSetting('PLATFORM_SDG_BATCH_SIZE', { default: 8, min: 1 }) })`. `finish`
 * derives values that need several settings at once (and may throw a `ConfigError` of its own).
 */
export function defineConfig<S extends ConfigSpec>(name: string, spec: S): ConfigDefinition<ConfigValues<S>>;
export function defineConfig<S extends ConfigSpec, T>(name: string, spec: S, finish: (values: ConfigValues<S>) => T): ConfigDefinition<T>;
export function defineConfig<S extends ConfigSpec, T>(
  name: string,
  spec: S,
  finish?: (values: ConfigValues<S>) => T,
): ConfigDefinition<T | ConfigValues<S>> {
  return {
    name,
    token: `${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_CONFIG`,
    load(env: EnvSource = process.env) {
      const problems: string[] = [];
      const values = readSpec(spec, env, problems) as ConfigValues<S>;
      if (problems.length) throw new ConfigError(name, problems);
      const result = finish ? finish(values) : values;
      return typeof result === 'object' && result !== null ? Object.freeze(result) : result;
    },
  };
}
