import { defineConfig } from './define-config';
import { intSetting } from './settings';

/**
 * On SIGTERM, how long work in flight (responses being written, gRPC calls and streams) may take before it is cut
 * off: a client that keeps a stream open must not hold the process until the supervisor's SIGKILL, which would skip
 * the shutdown hooks (jobs handed back, NATS drained, traces flushed).
 */
export const DRAIN_TIMEOUT_SETTING = intSetting('PLATFORM_DRAIN_TIMEOUT_MS', { default: 30_000, max: 600_000 });

export const ShutdownConfig = defineConfig('shutdown', { drainTimeoutMs: DRAIN_TIMEOUT_SETTING });
