import { randomBytes } from 'node:crypto';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { EventStreamClient } from '@platform/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKILL_QNA, tarGz } from './support/tarballs';
import { uploadToTestBucket } from './support/test-bucket';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

/**
 * GET /v1/events on the launched platform: a real data generation job (skills leaf, the built-in starter model)
 * announces its progress through the SDG service's outbox onto the platform's JetStream stream, and a subscriber that
 * disconnects mid-job and resumes with Last-Event-ID has received every event of its project exactly once, compared
 * with what the stream itself holds; another project's job runs alongside and never shows.
 */
const STARTER = 'platform/starter-llama';
const SKILL_LEAF = 'compositional_skills/writing/poetry/qna.yaml';
const run = randomBytes(4).toString('hex');

let platform: TestPlatform;
let alice: string;
let olga: string;
let projectA: string;
let projectB: string;

interface Stored {
  seq: number;
  type: string;
  data: Record<string, unknown>;
}

/** Every event the platform's stream holds now, with its stream sequence (an ordered consumer from the start). */
async function storedWithSequence(): Promise<Stored[]> {
  const nc = await connect({ servers: platform.events.natsUrl });
  try {
    const consumer = await jetstream(nc).consumers.get(platform.events.stream, { deliver_policy: DeliverPolicy.All });
    const out: Stored[] = [];
    const batch = await consumer.fetch({ max_messages: 10_000, expires: 2000 });
    for await (const m of batch) {
      const body = m.json<{ type: string; data: Record<string, unknown> }>();
      out.push({ seq: m.seq, type: body.type, data: body.data });
      if (m.info.pending === 0) break;
    }
    return out;
  } finally {
    await nc.close();
  }
}

async function open(token: string, query: string, headers: Record<string, string> = {}): Promise<EventStreamClient> {
  const client = await EventStreamClient.open(`${platform.url}/v1/events?${query}`, { authorization: `Bearer ${token}`, ...headers });
  if (!(client instanceof EventStreamClient)) throw new Error(`refused: ${client.status} ${JSON.stringify(client.body)}`);
  return client;
}

async function taxonomyAndJob(token: string, project: string, name: string): Promise<{ taxonomy: string; job: string }> {
  const key = await uploadToTestBucket(
    `taxonomies/events-${run}-${name}/taxonomy.tar.gz`,
    await tarGz([{ name: `taxonomy/${SKILL_LEAF}`, content: SKILL_QNA }]),
  );
  const taxonomy = await platform.api.request<{ id: string }>('POST', `/v1/projects/${project}/taxonomies`, {
    token,
    body: { name: `events-${name}`, taxonomy_path_cos: key },
  });
  if (taxonomy.status !== 201) throw new Error(`taxonomy: ${taxonomy.status} ${JSON.stringify(taxonomy.body)}`);
  const job = await platform.api.request<{ id: string }>('POST', `/v1/projects/${project}/data`, {
    token,
    body: { name: `events-${name}`, taxonomy_id: taxonomy.body.id, num_instructions: 2 },
  });
  if (job.status !== 202) throw new Error(`data job: ${job.status} ${JSON.stringify(job.body)}`);
  return { taxonomy: taxonomy.body.id, job: job.body.id };
}

async function settled(token: string, project: string, id: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await platform.api.request<{ status: string }>('GET', `/v1/projects/${project}/data/${id}`, { token });
    if (['completed', 'failed', 'canceled'].includes(job.body.status) || Date.now() > deadline) return job.body.status;
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  platform = await startTestPlatform({ starterModel: STARTER });
  alice = await platform.api.newUser('alice');
  olga = await platform.api.newUser('olga');
  projectA = await platform.api.newProject(alice, 'events-a');
  projectB = await platform.api.newProject(olga, 'events-b');
}, 180_000);

afterAll(async () => platform?.stop());

describe('GET /v1/events on the platform', () => {
  it('a subscriber that disconnects mid-job and resumes with Last-Event-ID receives every event of its project exactly once', async () => {
    const first = await open(alice, `project_id=${projectA}`);
    const a = await taxonomyAndJob(alice, projectA, 'a');
    // Another project's taxonomy and job, at the same time.
    const b = await taxonomyAndJob(olga, projectB, 'b');

    await first.until(
      (c) => c.events.some((e) => e.type === 'sdg.job.progress' && e.resource_id === a.job),
      'progress of the job',
      300_000,
    );
    first.close();
    expect(await settled(alice, projectA, a.job, 420_000)).toBe('completed');

    const resumed = await open(alice, `project_id=${projectA}`, { 'last-event-id': first.lastId! });
    await resumed.until(
      (c) => c.events.some((e) => e.type === 'sdg.job.completed' && e.resource_id === a.job),
      'the completion after resuming',
      60_000,
    );
    resumed.close();
    const received = [...first.events, ...resumed.events];
    const shown = (c: EventStreamClient) => c.events.map((e) => `${e.id}:${e.type}`).join(' ');
    console.log(`events e2e: before the disconnect ${shown(first)}; after resuming ${shown(resumed)}`);

    // What the stream holds of project A from the first event on, in public types: exactly what was received.
    const stored = await storedWithSequence();
    const firstSeq = Number(received[0].id);
    const lastSeq = Number(received.at(-1)!.id);
    const expected = stored.filter(
      (s) =>
        s.seq >= firstSeq &&
        s.seq <= lastSeq &&
        s.data.projectId === projectA &&
        /^(taxonomy|sdg|training|evaluation|documents)\.|^deployment\.(created|ready|failed|updated|deleted)$/.test(s.type),
    );
    expect(received.map((e) => `${e.id} ${e.type}`)).toEqual(expected.map((s) => `${s.seq} ${s.type}`));
    expect(received[0]).toMatchObject({ type: 'taxonomy.created', resource_id: a.taxonomy, project_id: projectA });
    expect(resumed.events.length).toBeGreaterThan(0);
    // Mid-job: progress came before the disconnect, and the job went on while the subscriber was away.
    expect(first.events.some((e) => e.type === 'sdg.job.completed')).toBe(false);

    // Project B's events are on the stream, and never reached project A's subscriber.
    expect(stored.some((s) => s.data.projectId === projectB && s.type === 'taxonomy.created')).toBe(true);
    expect(received.filter((e) => e.project_id !== projectA || [b.job, b.taxonomy].includes(e.resource_id))).toEqual([]);

    // The job's completion alone, replayed from the start of what is retained.
    const one = await open(alice, `project_id=${projectA}&type=sdg.job.completed&resource_id=${a.job}&last_event_id=0`);
    await one.until((c) => c.events.length === 1, 'the completion replayed', 30_000);
    one.close();
    expect(one.events[0]).toMatchObject({ type: 'sdg.job.completed', version: 1, data: { taxonomy_id: a.taxonomy } });

    const foreign = await EventStreamClient.open(`${platform.url}/v1/events?project_id=${projectA}`, { authorization: `Bearer ${olga}` });
    expect(foreign.status).toBe(403);
    await settled(olga, projectB, b.job, 420_000);
  }, 900_000);
});
