/** The streaming rows: one paced stream's timing, and many idle streams held open at once. */
import { stream, type Headers } from './client';
import { percentile } from './measure';

export interface StreamTiming {
  /** Median ms to the first token event. */
  firstMs: number;
  /** Median ms to the end of the stream. */
  totalMs: number;
  /** Token events in one stream. */
  events: number;
}

/** `samples` streams one after another (after two to warm up); medians of first-token and total time. */
export async function streamTiming(url: string, body: unknown, headers: Headers, samples: number): Promise<StreamTiming> {
  for (let i = 0; i < 2; i++) await stream(url, body, headers);
  const first: number[] = [];
  const total: number[] = [];
  let events = 0;
  for (let i = 0; i < samples; i++) {
    const r = await stream(url, body, headers);
    if (!r.done) throw new Error(`${url}: a stream ended without [DONE]`);
    first.push(r.firstMs);
    total.push(r.totalMs);
    events = r.events;
  }
  first.sort((a, b) => a - b);
  total.sort((a, b) => a - b);
  return { firstMs: percentile(first, 50), totalMs: percentile(total, 50), events };
}

export interface HoldOptions {
  url: string;
  body: unknown;
  headers: Headers;
  count: number;
  holdS: number;
  /** The backend's pace on these streams: one that sent nothing for 3 paces before the end counts as lost. */
  paceMs: number;
  /** Streams being opened at once (each waits for its first token before the next starts). */
  openConcurrency: number;
  /** KiB of memory of the processes whose cost per stream is reported. */
  rssKiB: () => number;
}

export interface HoldResult {
  held: number;
  lost: number;
  /** Seconds to open them all. */
  rampS: number;
  /** KiB of RSS added per held stream, measured at the end of the hold. */
  kibPerStream: number;
  firstError?: string;
}

interface Held {
  controller: AbortController;
  lastEventAt: number;
  opened: boolean;
  lost: boolean;
  ended: Promise<void>;
}

/**
 * Opens `count` streams (a few at a time), holds all of them for `holdS` seconds, then closes them from this side. A
 * stream is lost if it fails, ends by itself, or stops receiving the backend's paced tokens before it is closed.
 */
export async function holdStreams(o: HoldOptions): Promise<HoldResult> {
  const rss0 = o.rssKiB();
  const streams: Held[] = [];
  let firstError: string | undefined;
  const open = (): Promise<void> =>
    new Promise((opened) => {
      const h: Held = { controller: new AbortController(), lastEventAt: 0, opened: false, lost: false, ended: Promise.resolve() };
      const onEvent = () => {
        h.lastEventAt = performance.now();
        if (!h.opened) {
          h.opened = true;
          opened();
        }
      };
      h.ended = stream(o.url, o.body, o.headers, h.controller.signal, onEvent).then(
        () => {
          // Ending by itself, before this side closed it, means the stream was cut short.
          if (!h.controller.signal.aborted) h.lost = true;
        },
        (err: unknown) => {
          if (h.controller.signal.aborted) return;
          h.lost = true;
          firstError ??= err instanceof Error ? err.message : String(err);
        },
      );
      void h.ended.then(() => opened());
      streams.push(h);
    });
  const rampStart = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: o.openConcurrency }, async () => {
      while (next < o.count) {
        next++;
        await open();
      }
    }),
  );
  const rampS = (performance.now() - rampStart) / 1000;
  await new Promise((r) => setTimeout(r, o.holdS * 1000));
  const rss1 = o.rssKiB();
  const now = performance.now();
  for (const h of streams) if (!h.lost && now - h.lastEventAt > 3 * o.paceMs) h.lost = true;
  for (const h of streams) h.controller.abort();
  await Promise.all(streams.map((h) => h.ended));
  const lost = streams.filter((h) => h.lost || !h.opened).length;
  const held = streams.length - lost;
  return { held, lost, rampS, kibPerStream: held ? (rss1 - rss0) / held : NaN, firstError };
}
