import { cpuBudget } from '@platform/common/cpu-budget';
import type { ServedModelOptions } from '@platform/engine';

/**
 * Process configuration from flags and environment (a flag wins over its variable):
 *   --model DIR[:served-name]   repeatable; or PLATFORM_ENGINE_MODELS="DIR[:name],DIR[:name]"
 *   --port N                    PLATFORM_ENGINE_PORT, default 8000
 *   --host H                    PLATFORM_ENGINE_HOST, default 127.0.0.1
 *   --max-model-len N           PLATFORM_ENGINE_MAX_MODEL_LEN (default: what the model and KV budget allow)
 *   --max-num-seqs N            PLATFORM_ENGINE_MAX_NUM_SEQS (engine default 32)
 *   --max-waiting N             PLATFORM_ENGINE_MAX_WAITING: queue length past which the engine answers 429
 *   --threads N                 PLATFORM_ENGINE_THREADS (default: the cores it may use, a CPU quota included)
 *   --kv-cache-bytes N          PLATFORM_ENGINE_KV_CACHE_BYTES
 *   --max-concurrent-requests N PLATFORM_ENGINE_MAX_CONCURRENT_REQUESTS, default 256 (TGI's admission limit)
 *   PLATFORM_ENGINE_DRAIN_TIMEOUT_MS (default 30000), PLATFORM_ENGINE_LOG_LEVEL (default info)
 */

export interface ModelSpec {
  dir: string;
  /** served name; defaults to the directory path, as vLLM's --served-model-name does */
  name?: string;
}

export interface EngineServerConfig {
  models: ModelSpec[];
  /** passed to createServedModel for every model */
  engine: Omit<ServedModelOptions, 'id'>;
  host: string;
  port: number;
  maxConcurrentRequests: number;
  drainTimeoutMs: number;
  logLevel: string;
}

/**
 * `DIR` or `DIR:served-name`. The first colon separates, so served names may contain slashes and colons
 * (`ibm/granite-3b`), except a `scheme://` prefix, which is part of the location.
 */
export function parseModelSpec(spec: string): ModelSpec {
  const at = spec.indexOf(':');
  if (at <= 0 || spec.startsWith('//', at + 1) || at === spec.length - 1) return { dir: spec };
  return { dir: spec.slice(0, at), name: spec.slice(at + 1) };
}

function intFrom(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer, got "${value}"`);
  return n;
}

/** Numeric flags and the variables they fall back to. */
const NUMERIC = {
  '--port': 'PLATFORM_ENGINE_PORT',
  '--max-model-len': 'PLATFORM_ENGINE_MAX_MODEL_LEN',
  '--max-num-seqs': 'PLATFORM_ENGINE_MAX_NUM_SEQS',
  '--max-waiting': 'PLATFORM_ENGINE_MAX_WAITING',
  '--threads': 'PLATFORM_ENGINE_THREADS',
  '--kv-cache-bytes': 'PLATFORM_ENGINE_KV_CACHE_BYTES',
  '--max-concurrent-requests': 'PLATFORM_ENGINE_MAX_CONCURRENT_REQUESTS',
} as const;
type NumericFlag = keyof typeof NUMERIC;

export function readConfig(argv: string[], env: NodeJS.ProcessEnv): EngineServerConfig {
  const models: ModelSpec[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const [flag, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--model') models.push(parseModelSpec(value()));
    else if (flag === '--host' || flag in NUMERIC) flags.set(flag, value());
    else throw new Error(`unknown argument "${arg}"`);
  }
  if (models.length === 0 && env.PLATFORM_ENGINE_MODELS)
    for (const spec of env.PLATFORM_ENGINE_MODELS.split(',')
      .map((s) => s.trim())
      .filter(Boolean))
      models.push(parseModelSpec(spec));
  if (models.length === 0) throw new Error('no model given: pass --model DIR[:served-name] or set PLATFORM_ENGINE_MODELS');
  const num = (flag: NumericFlag): number | undefined => {
    const raw = flags.get(flag) ?? env[NUMERIC[flag]];
    return raw === undefined || raw === '' ? undefined : intFrom(raw, 0, flag.slice(2));
  };
  const engine: Omit<ServedModelOptions, 'id'> = {};
  const set = <K extends keyof typeof engine>(key: K, v: number | undefined): void => {
    if (v !== undefined) engine[key] = v as (typeof engine)[K];
  };
  set('maxModelLen', num('--max-model-len'));
  set('maxNumSeqs', num('--max-num-seqs'));
  set('maxWaiting', num('--max-waiting'));
  // Both cores pay off on a quiet machine (measured: single-stream 80 → 107 tok/s, 16 concurrent 274 → 446 tok/s).
  set('threads', num('--threads') ?? cpuBudget());
  set('kvCacheBytes', num('--kv-cache-bytes'));
  return {
    models,
    engine,
    host: flags.get('--host') ?? env.PLATFORM_ENGINE_HOST ?? '127.0.0.1',
    port: num('--port') ?? 8000,
    maxConcurrentRequests: num('--max-concurrent-requests') ?? 256,
    drainTimeoutMs: intFrom(env.PLATFORM_ENGINE_DRAIN_TIMEOUT_MS, 30_000, 'PLATFORM_ENGINE_DRAIN_TIMEOUT_MS'),
    logLevel: env.PLATFORM_ENGINE_LOG_LEVEL ?? 'info',
  };
}
