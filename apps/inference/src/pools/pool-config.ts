import type { AdmissionLimits } from './admission';

export type AdapterKind = 'openai' | 'tgi';

export interface ReplicaConfig {
  url: string;
  adapter: AdapterKind;
  /** The backend's name for the model; defaults to the pool's model id. */
  backendModel?: string;
}

export interface PoolConfig {
  modelId: string;
  replicas: ReplicaConfig[];
  limits: AdmissionLimits;
}

/** A model server whose models become pools (one replica each) once GET /v1/models or /info answers. */
export interface BackendConfig {
  url: string;
  adapter: AdapterKind;
}

export interface InferenceConfig {
  pools: PoolConfig[];
  backends: BackendConfig[];
  defaultLimits: AdmissionLimits;
  healthIntervalMs: number;
  probeTimeoutMs: number;
}

interface RawReplica {
  url?: unknown;
  adapter?: unknown;
  backend_model?: unknown;
}
interface RawPool {
  model_id?: unknown;
  replicas?: unknown;
  max_concurrency?: unknown;
  max_queue?: unknown;
}

function adapterOf(value: unknown, where: string): AdapterKind {
  if (value === undefined) return 'openai';
  if (value === 'openai' || value === 'tgi') return value;
  throw new Error(`${where}: adapter must be "openai" or "tgi"`);
}

function urlOf(value: unknown, where: string): string {
  if (typeof value !== 'string' || !/^https?:\/\//.test(value)) throw new Error(`${where}: url must be an http(s) URL`);
  return value.replace(/\/+$/, '');
}

function parseJsonArray(text: string, name: string): unknown[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error(`${name} must be a JSON array`);
  return parsed;
}

/** The pool settings as read from the environment (InferenceSettings), before the JSON lists are checked. */
export interface RawPoolSettings {
  poolsJson: string | undefined;
  backendsJson: string | undefined;
  enginePort: number;
  defaultLimits: AdmissionLimits;
  healthIntervalMs: number;
  probeTimeoutMs: number;
}

/**
 * PLATFORM_INFERENCE_POOLS: `[{"model_id","replicas":[{"url","adapter","backend_model"}],"max_concurrency","max_queue"}]`.
 * PLATFORM_INFERENCE_BACKENDS: `[{"url","adapter"}]`, servers whose models are discovered. With neither set, the
 * built-in engine server at 127.0.0.1:$PLATFORM_ENGINE_PORT (8000) is the one backend.
 */
export function buildInferenceConfig(raw: RawPoolSettings): InferenceConfig {
  const { defaultLimits } = raw;
  const pools = parseJsonArray(raw.poolsJson || '[]', 'PLATFORM_INFERENCE_POOLS').map((entry, i): PoolConfig => {
    const p = entry as RawPool;
    const where = `PLATFORM_INFERENCE_POOLS[${i}]`;
    if (typeof p.model_id !== 'string' || !p.model_id) throw new Error(`${where}: model_id is required`);
    if (!Array.isArray(p.replicas) || p.replicas.length === 0) throw new Error(`${where}: replicas must be a non-empty array`);
    return {
      modelId: p.model_id,
      replicas: (p.replicas as RawReplica[]).map((r, j) => ({
        url: urlOf(r.url, `${where}.replicas[${j}]`),
        adapter: adapterOf(r.adapter, `${where}.replicas[${j}]`),
        backendModel: typeof r.backend_model === 'string' ? r.backend_model : undefined,
      })),
      limits: {
        maxConcurrency: typeof p.max_concurrency === 'number' ? p.max_concurrency : defaultLimits.maxConcurrency,
        maxQueue: typeof p.max_queue === 'number' ? p.max_queue : defaultLimits.maxQueue,
      },
    };
  });
  const defaultBackends = pools.length ? '[]' : JSON.stringify([{ url: `http://127.0.0.1:${raw.enginePort}` }]);
  const backends = parseJsonArray(raw.backendsJson || defaultBackends, 'PLATFORM_INFERENCE_BACKENDS').map((entry, i) => {
    const b = entry as RawReplica;
    return { url: urlOf(b.url, `PLATFORM_INFERENCE_BACKENDS[${i}]`), adapter: adapterOf(b.adapter, `PLATFORM_INFERENCE_BACKENDS[${i}]`) };
  });
  return { pools, backends, defaultLimits, healthIntervalMs: raw.healthIntervalMs, probeTimeoutMs: raw.probeTimeoutMs };
}
