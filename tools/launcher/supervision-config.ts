import { defineConfig, intSetting } from '@platform/common';
import { DEFAULT_RESTART_POLICY } from './supervisor';

/** How the embedded default restarts its crashed processes (PostgreSQL, NATS, the engine server, every service). */
export const SupervisionConfig = defineConfig('supervision', {
  /** Crashes of one process within the window that stop the platform instead of another restart. */
  maxCrashes: intSetting('PLATFORM_RESTART_MAX_CRASHES', { default: DEFAULT_RESTART_POLICY.maxCrashes, min: 1 }),
  windowMs: intSetting('PLATFORM_RESTART_WINDOW_MS', { default: DEFAULT_RESTART_POLICY.windowMs, min: 1 }),
  /** Delay of the first restart, doubled per further crash within the window, up to the maximum. */
  initialBackoffMs: intSetting('PLATFORM_RESTART_BACKOFF_MS', { default: DEFAULT_RESTART_POLICY.initialBackoffMs, min: 0 }),
  maxBackoffMs: intSetting('PLATFORM_RESTART_MAX_BACKOFF_MS', { default: DEFAULT_RESTART_POLICY.maxBackoffMs, min: 0 }),
});
