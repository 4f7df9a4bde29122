import { intSetting } from '@platform/common';

/** The bounds of `GET /v1/events` (docs/events.md): streams open at once, keep-alives, how long one stream lasts. */
export const EVENT_STREAM_SETTINGS = {
  /** Streams one caller may hold open on this gateway: beyond, 429. */
  maxPerPrincipal: intSetting('PLATFORM_EVENTS_MAX_STREAMS_PER_USER', { default: 10, min: 1 }),
  /** Streams this gateway holds open in all: beyond, 503. */
  maxTotal: intSetting('PLATFORM_EVENTS_MAX_STREAMS', { default: 1000, min: 1 }),
  /** A comment line this often keeps proxies from closing a quiet stream; membership is checked again then too. */
  keepAliveMs: intSetting('PLATFORM_EVENTS_KEEPALIVE_MS', { default: 15_000, min: 100 }),
  /** A stream ends after this long (the token it was opened with expires too); the client resumes with Last-Event-ID. */
  maxStreamMs: intSetting('PLATFORM_EVENTS_MAX_STREAM_MS', { default: 3_600_000, min: 1_000 }),
};
