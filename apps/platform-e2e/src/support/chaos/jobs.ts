import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { storedEvents } from '../events';
import type { TestPlatform } from '../test-platform';
import { testBucketClient } from '../test-bucket';

export interface Job {
  id: string;
  status: string;
  state: string;
  failure_reason?: string;
  data_metrics?: { samples: Record<string, number> };
  /** SDG: batches done so far. */
  progress?: { stage: string; done: number; total: number };
}

const TERMINAL = ['completed', 'failed', 'canceled'];

/** What a finished job left behind, in terms that must not depend on whether its run was interrupted. */
export interface JobEffects {
  status: string;
  failureReason?: string;
  /** SDG: samples per leaf. */
  samples?: Record<string, number>;
  /** Objects under the job's prefix (relative keys) → lines in each (JSON Lines) or 1: a duplicated record shows. */
  objects: Record<string, number>;
  /** Terminal events (`<kind>.job.completed|failed|canceled`) announced for the job: exactly one, or the job was lost or doubled. */
  terminalEvents: string[];
  /** Training: `training.checkpoint.saved` per phase/epoch (each must be announced once). */
  checkpoints?: Record<string, number>;
}

/**
 * Relative key → line count of every object under `prefix` (model weights and other binaries count as 1), except
 * `logs/`, which holds one log per attempt by design.
 */
async function objectsUnder(prefix: string): Promise<Record<string, number>> {
  const client = testBucketClient();
  const bucket = inject('s3').bucket;
  try {
    const out: Record<string, number> = {};
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        const key = o.Key ?? '';
        if (key.startsWith(`${prefix}logs/`)) continue;
        if (!key.endsWith('.jsonl')) {
          out[key.slice(prefix.length)] = 1;
          continue;
        }
        const body = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const text = (await body.Body?.transformToString('utf8')) ?? '';
        out[key.slice(prefix.length)] = text.split('\n').filter(Boolean).length;
      }
      token = page.NextContinuationToken;
    } while (token);
    return out;
  } finally {
    client.destroy();
  }
}

/** One kind of job (`/v1/.../data` or `/v1/.../models`) on a chaos platform. */
export class JobKind {
  constructor(
    private readonly platform: () => TestPlatform,
    private readonly token: string,
    private readonly project: string,
    readonly kind: 'sdg' | 'training',
  ) {}

  private get path(): string {
    return `/v1/projects/${this.project}/${this.kind === 'sdg' ? 'data' : 'models'}`;
  }

  async create(body: Record<string, unknown>): Promise<string> {
    const res = await this.platform().api.request<{ id: string }>('POST', this.path, { token: this.token, body });
    if (res.status !== 202) throw new Error(`${this.kind} job not created: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  /** The job as the API shows it; undefined while the gateway or the job's service cannot answer. */
  async get(id: string): Promise<Job | undefined> {
    try {
      const res = await this.platform().api.request<Job>('GET', `${this.path}/${id}`, { token: this.token });
      return res.status === 200 ? res.body : undefined;
    } catch {
      return undefined; // the gateway is down
    }
  }

  async waitFor(id: string, what: string, done: (job: Job) => boolean, timeoutMs: number): Promise<Job> {
    const deadline = Date.now() + timeoutMs;
    let last: Job | undefined;
    for (;;) {
      last = (await this.get(id)) ?? last;
      if (last && done(last)) return last;
      if (last && TERMINAL.includes(last.status)) throw new Error(`${this.kind} job ${id} ended ${last.status} before it was ${what}`);
      if (Date.now() > deadline)
        throw new Error(`${this.kind} job ${id} not ${what} within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  settled(id: string, timeoutMs: number): Promise<Job> {
    return this.waitFor(id, 'finished', (j) => TERMINAL.includes(j.status), timeoutMs);
  }

  /** Everything the job left: waits for its terminal event, since the outbox publishes after the state change. */
  async effects(id: string, job: Job): Promise<JobEffects> {
    const events = this.platform().events;
    const idField = this.kind === 'sdg' ? 'dataId' : 'modelId';
    const terminalEvents = async () => {
      const all = await Promise.all(
        TERMINAL.map(async (s) => (await storedEvents(events, `${this.kind}.job.${s}`)).map((e) => ({ s, e }))),
      );
      return all.flat().filter(({ e }) => e.data[idField] === id);
    };
    const deadline = Date.now() + 30_000;
    let terminal = await terminalEvents();
    while (terminal.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      terminal = await terminalEvents();
    }
    const effects: JobEffects = {
      status: job.status,
      objects: await objectsUnder(this.kind === 'sdg' ? `data/${id}/` : `trained_models/${id}/`),
      terminalEvents: terminal.map(({ s }) => s),
    };
    if (job.failure_reason) effects.failureReason = job.failure_reason;
    if (this.kind === 'sdg') effects.samples = job.data_metrics?.samples ?? {};
    else {
      const saved = (await storedEvents(events, 'training.checkpoint.saved')).filter((e) => e.data.modelId === id);
      effects.checkpoints = {};
      for (const e of saved) {
        const key = `phase${String(e.data.phase)}/epoch-${String(e.data.epoch)}`;
        effects.checkpoints[key] = (effects.checkpoints[key] ?? 0) + 1;
      }
    }
    return effects;
  }
}
