import { defineConfig, intSetting, optionalSetting, stringSetting, urlSetting, type ConfigOf, type EnvSource } from '@platform/common';
import { buildInferenceConfig, type InferenceConfig } from './pools/pool-config';

/** The inference service's settings, read once at start-up. */
export const InferenceSettings = defineConfig(
  'inference',
  {
    poolsJson: optionalSetting('PLATFORM_INFERENCE_POOLS'),
    backendsJson: optionalSetting('PLATFORM_INFERENCE_BACKENDS'),
    /** The built-in engine server's port: the one backend when no pools or backends are given. */
    enginePort: intSetting('PLATFORM_ENGINE_PORT', { default: 8000, min: 1, max: 65535 }),
    defaultLimits: {
      maxConcurrency: intSetting('PLATFORM_INFERENCE_MAX_CONCURRENCY', { default: 64, min: 1 }),
      maxQueue: intSetting('PLATFORM_INFERENCE_MAX_QUEUE', { default: 256 }),
    },
    healthIntervalMs: intSetting('PLATFORM_INFERENCE_HEALTH_INTERVAL_MS', { default: 1000, min: 1 }),
    probeTimeoutMs: intSetting('PLATFORM_INFERENCE_PROBE_TIMEOUT_MS', { default: 1000, min: 1 }),
    /** One coalescing window and batch bound for embeddings, rerank and tokenization. */
    coalesce: {
      windowMs: intSetting('PLATFORM_INFERENCE_COALESCE_MS', { default: 2 }),
      // At most OpenAI's 2,048 inputs per embeddings call, which the built-in engine server enforces too.
      maxInputs: intSetting('PLATFORM_INFERENCE_COALESCE_MAX_INPUTS', { default: 256, min: 1, max: 2048 }),
      inFlightPerReplica: intSetting('PLATFORM_INFERENCE_COALESCE_IN_FLIGHT', { default: 8, min: 1 }),
    },
    /** The HAP classifier endpoint; unset, the lexicon baseline scores. */
    hap: {
      classifierUrl: urlSetting('PLATFORM_HAP_CLASSIFIER_URL', { default: '' }),
      label: stringSetting('PLATFORM_HAP_CLASSIFIER_LABEL', { default: 'LABEL_1' }),
      timeoutMs: intSetting('PLATFORM_HAP_CLASSIFIER_TIMEOUT_MS', { default: 2000, min: 1 }),
    },
  },
  ({ coalesce, hap, ...pools }) => ({ pools: buildInferenceConfig(pools), coalesce, hap }),
);
export type InferenceSettings = ConfigOf<typeof InferenceSettings>;

/** The pools, backends and limits for `env` (tests give their own). */
export const readInferenceConfig = (env?: EnvSource): InferenceConfig => InferenceSettings.load(env).pools;
