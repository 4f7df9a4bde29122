import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamInfo,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';

export interface EnsureStreamOptions {
  name: string;
  subjects: string[];
  /** JetStream's de-duplication window for `Nats-Msg-Id`, in ms. Default 2 min (the server's default). */
  duplicateWindow?: number;
  /** Discard messages older than this, in ms. Default 0: keep (limited by maxBytes only). */
  maxAge?: number;
  /** Default -1: unlimited. */
  maxBytes?: number;
  /** Default 1; 3 in a production cluster. */
  replicas?: number;
  /**
   * `limits` (default) keeps messages for every consumer (domain events); `workqueue` removes a message once one
   * consumer acks it (job queues: several workers share one durable consumer, each job goes to one of them). Fixed when
   * the stream is created.
   */
  retention?: 'limits' | 'workqueue';
}

const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;

/**
 * Creates the stream (file storage, limits retention) or brings an existing one up to date: subjects are added
 * (never removed, so services sharing a stream do not undo each other), duplicate window, age, size and replicas are
 * set. Safe to call from every instance at start-up.
 */
export async function ensureStream(jsm: JetStreamManager, opts: EnsureStreamOptions): Promise<StreamInfo> {
  const duplicate_window = nanos(opts.duplicateWindow ?? DEFAULT_DUPLICATE_WINDOW_MS);
  const limits = {
    duplicate_window,
    max_age: nanos(opts.maxAge ?? 0),
    max_bytes: opts.maxBytes ?? -1,
    num_replicas: opts.replicas ?? 1,
  };
  const existing = await streamInfo(jsm, opts.name);
  if (!existing) {
    try {
      return await jsm.streams.add({
        name: opts.name,
        subjects: opts.subjects,
        storage: StorageType.File,
        retention: opts.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
        discard: DiscardPolicy.Old,
        ...limits,
      });
    } catch (err) {
      // Another instance created it first: fall through to the update path.
      const again = await streamInfo(jsm, opts.name);
      if (!again) throw err;
      return update(jsm, again, opts.subjects, limits);
    }
  }
  return update(jsm, existing, opts.subjects, limits);
}

async function update(
  jsm: JetStreamManager,
  info: StreamInfo,
  subjects: string[],
  limits: { duplicate_window: number; max_age: number; max_bytes: number; num_replicas: number },
): Promise<StreamInfo> {
  const c = info.config;
  const current = c.subjects ?? [];
  const merged = [...current, ...subjects.filter((s) => !current.includes(s))];
  const unchanged =
    merged.length === current.length &&
    c.duplicate_window === limits.duplicate_window &&
    c.max_age === limits.max_age &&
    c.max_bytes === limits.max_bytes &&
    c.num_replicas === limits.num_replicas;
  if (unchanged) return info;
  return jsm.streams.update(c.name, { subjects: merged, ...limits });
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) return undefined;
    throw err;
  }
}
