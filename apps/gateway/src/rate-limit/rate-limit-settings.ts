import { intSetting } from '@platform/common';

/**
 * One token bucket per caller and route class: `perMinute` tokens flow in, at most `burst` are kept; each request
 * takes one. A burst of 0 switches the class off.
 */
const bucket = (name: string, perMinute: number, burst: number) => ({
  perMinute: intSetting(`PLATFORM_RATE_LIMIT_${name}_PER_MINUTE`, { default: perMinute, min: 1 }),
  burst: intSetting(`PLATFORM_RATE_LIMIT_${name}_BURST`, { default: burst }),
});

/**
 * The API's buckets, per signed-in user (the auth routes: per client address, before anyone is signed in). The
 * defaults stop a runaway script or a scraper, not a busy person or an SDK's polling: they sit well above what the
 * console, the CLI and the end-to-end suites send.
 */
export const RATE_LIMIT_SETTINGS = {
  reads: bucket('READS', 3000, 600),
  writes: bucket('WRITES', 600, 200),
  inference: bucket('INFERENCE', 1200, 200),
  auth: bucket('AUTH', 300, 100),
  /** How long a request waits for the shared store before the replica decides alone (see ApiRateLimiter). */
  storeTimeoutMs: intSetting('PLATFORM_RATE_LIMIT_STORE_TIMEOUT_MS', { default: 250, min: 1 }),
};

/**
 * Password guessing: after `maxFailures` consecutive failed sign-ins of one account (or `maxFailuresPerAddress` from
 * one client address, over every account) further attempts are refused for `blockSeconds`, doubling with each failure
 * after that up to `maxBlockSeconds`. A success resets the account's count; failures are forgotten `windowSeconds`
 * after the first one.
 */
export const SIGN_IN_SETTINGS = {
  maxFailures: intSetting('PLATFORM_SIGNIN_MAX_FAILURES', { default: 10, min: 1 }),
  maxFailuresPerAddress: intSetting('PLATFORM_SIGNIN_MAX_FAILURES_PER_ADDRESS', { default: 100, min: 1 }),
  blockSeconds: intSetting('PLATFORM_SIGNIN_BLOCK_SECONDS', { default: 60, min: 1 }),
  maxBlockSeconds: intSetting('PLATFORM_SIGNIN_MAX_BLOCK_SECONDS', { default: 3600, min: 1 }),
  windowSeconds: intSetting('PLATFORM_SIGNIN_FAILURE_WINDOW_SECONDS', { default: 86_400, min: 1 }),
};
