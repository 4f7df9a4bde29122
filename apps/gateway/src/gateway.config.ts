import {
  DRAIN_TIMEOUT_SETTING,
  customSetting,
  defineConfig,
  intSetting,
  optionalSetting,
  stringSetting,
  type ConfigOf,
} from '@platform/common';
import { parseModelNames } from './llama-stack/model-names';
import { EVENT_STREAM_SETTINGS } from './events/event-stream-settings';
import { RATE_LIMIT_SETTINGS, SIGN_IN_SETTINGS } from './rate-limit/rate-limit-settings';
import { parseTrustProxy } from './rate-limit/trust-proxy';

/** The gateway's settings, read once at start-up: a bad or missing one stops it with the variable's name. */
export const GatewayConfig = defineConfig(
  'gateway',
  {
    port: intSetting('PLATFORM_PORT', { default: 8080, max: 65535 }),
    host: stringSetting('PLATFORM_HOST', { default: '127.0.0.1' }),
    /** The base of `href` values: the address clients reach the gateway at (default http://127.0.0.1:<port>). */
    publicUrl: optionalSetting('PLATFORM_PUBLIC_URL'),
    jwtSecret: stringSetting('PLATFORM_JWT_SECRET'),
    tokenTtlSeconds: intSetting('PLATFORM_TOKEN_TTL_SECONDS', { default: 3600, min: 1 }),
    admin: {
      password: stringSetting('PLATFORM_ADMIN_PASSWORD'),
      apiKey: stringSetting('PLATFORM_ADMIN_APIKEY'),
    },
    /** How long a positive access decision is kept for the inference routes (0 disables). */
    accessCacheMs: intSetting('PLATFORM_ACCESS_CACHE_MS', { default: 5000 }),
    /** A bearer token that may read /metrics (for Prometheus); unset, only platform admins may. */
    metricsToken: optionalSetting('PLATFORM_METRICS_TOKEN'),
    /** Draft model names mapped to catalog models, over the default mapping to the served default model. */
    llamaStackModels: customSetting('PLATFORM_LLAMA_STACK_MODELS', parseModelNames),
    /** Token buckets per user and route class (rate-limit/rate-limit-settings.ts lists the variables). */
    rateLimits: RATE_LIMIT_SETTINGS,
    /** Back-off after failed sign-ins, per account and per client address. */
    signIn: SIGN_IN_SETTINGS,
    trustProxy: customSetting('PLATFORM_TRUST_PROXY', parseTrustProxy),
    /** The largest file PUT /v2/asset_files stores (streamed, never held whole): beyond it, 413. */
    assetFileMaxBytes: intSetting('PLATFORM_ASSET_FILE_MAX_BYTES', { default: 256 * 1024 * 1024, min: 1 }),
    /** GET /v1/events: streams per caller and in all, keep-alive and longest stream. */
    eventStreams: EVENT_STREAM_SETTINGS,
    /** The built web console served at /ui/ (default dist/apps/console, what `nx build console` writes). */
    consoleDir: optionalSetting('PLATFORM_CONSOLE_DIR'),
    /** On shutdown, how long responses still being written may take before their connections are closed. */
    drainTimeoutMs: DRAIN_TIMEOUT_SETTING,
    /** The embedded default's engine server (set by the launcher): /health is not ready while it is down. */
    engineHealthUrl: optionalSetting('PLATFORM_ENGINE_HEALTH_URL'),
  },
  ({ publicUrl, ...rest }) => ({ ...rest, publicUrl: (publicUrl ?? `http://127.0.0.1:${rest.port}`).replace(/\/+$/, '') }),
);
export type GatewayConfig = ConfigOf<typeof GatewayConfig>;
