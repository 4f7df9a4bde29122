import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import {
  deploymentEvents,
  encodeEvent,
  ensureStream,
  replicaEvents,
  sdgEvents,
  taxonomyEvents,
  type EventEnvelope,
} from '@platform/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startGatewayUnderTest, type GatewayUnderTest } from '../testing/gateway-under-test';
import { EventStreamClient, metricSum, type EventStreamRefusal } from '@platform/test-fixtures';

/**
 * GET /v1/events on the real gateway over a real NATS JetStream stream of its own: events are published as the
 * services' outbox relays publish them (the catalog's envelopes, Nats-Msg-Id), and read back as a subscriber would.
 */
const suffix = randomBytes(4).toString('hex');
const STREAM = `GW_EVENTS_${suffix}`;
const PREFIX = `gw.${suffix}.events`;

let gw: GatewayUnderTest;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
let admin: string;
let alice: string; // viewer of project A
let mallory: string; // owner of project B, not in A
let projectA: string;
let projectB: string;
let space: string;

async function call<T = Record<string, unknown>>(method: string, path: string, token: string | undefined, body?: unknown) {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

async function user(name: string): Promise<string> {
  expect((await call('POST', '/v2/users', admin, { username: name, password: `${name}-password-1` })).status).toBe(201);
  const signedIn = await call<{ token: string }>('POST', '/icp4d-api/v1/authorize', undefined, {
    username: name,
    password: `${name}-password-1`,
  });
  return signedIn.body.token;
}

async function container(kind: 'projects' | 'spaces', token: string, members: { user_name: string; role: string }[] = []): Promise<string> {
  const created = await call<{ metadata: { guid?: string; id?: string } }>('POST', `/v2/${kind}`, token, { name: `events-${kind}` });
  expect(created.status).toBe(201);
  const id = (created.body.metadata.guid ?? created.body.metadata.id) as string;
  if (members.length) expect((await call('POST', `/v2/${kind}/${id}/members`, token, { members })).status).toBeLessThan(300);
  return id;
}

async function publish(...events: EventEnvelope[]): Promise<number[]> {
  const seqs: number[] = [];
  for (const e of events) seqs.push((await js.publish(e.subject, encodeEvent(e), { msgID: e.id })).seq);
  return seqs;
}

const progress = (projectId: string, dataId: string, done: number) =>
  sdgEvents.create('sdg.job.progress', { dataId, projectId, stage: 'generate', done, total: 10, samples: done * 3 });

async function open(token: string, query: string, headers: Record<string, string> = {}): Promise<EventStreamClient> {
  const client = await EventStreamClient.open(`${gw.url}/v1/events?${query}`, { authorization: `Bearer ${token}`, ...headers });
  if (!(client instanceof EventStreamClient)) throw new Error(`refused: ${client.status} ${JSON.stringify(client.body)}`);
  return client;
}

async function refusal(token: string | undefined, query: string, headers: Record<string, string> = {}) {
  const answer = await EventStreamClient.open(`${gw.url}/v1/events?${query}`, {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...headers,
  });
  if (answer instanceof EventStreamClient) {
    answer.close();
    throw new Error(`${query} was served`);
  }
  return answer as EventStreamRefusal;
}

async function consumersOnStream(): Promise<number> {
  return (await jsm.streams.info(STREAM)).state.consumer_count;
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  gw = await startGatewayUnderTest({
    NATS_URL: inject('natsUrl'),
    PLATFORM_EVENTS_STREAM: STREAM,
    PLATFORM_EVENTS_PREFIX: PREFIX,
    PLATFORM_EVENTS_KEEPALIVE_MS: '300',
    PLATFORM_EVENTS_MAX_STREAMS_PER_USER: '3',
    PLATFORM_EVENTS_MAX_STREAMS: '6',
  });
  nc = await connect({ servers: inject('natsUrl') });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  await ensureStream(jsm, { name: STREAM, subjects: [`${PREFIX}.>`] });
  admin = await gw.adminToken();
  alice = await user('alice');
  mallory = await user('mallory');
  projectA = await container('projects', admin, [{ user_name: 'alice', role: 'viewer' }]);
  projectB = await container('projects', mallory);
  space = await container('spaces', admin, [{ user_name: 'alice', role: 'viewer' }]);
}, 120_000);

afterAll(async () => {
  await nc?.close();
  await gw?.stop();
});

describe('GET /v1/events', () => {
  it('a client that disconnects mid-job and resumes with Last-Event-ID receives every event of its project exactly once', async () => {
    const job = `data-${suffix}-1`;
    const first = await open(alice, `project_id=${projectA}`);
    expect(first.headers.get('content-type')).toMatch(/^text\/event-stream/);
    // Another project's job and the platform's internal replica events run alongside all along.
    await publish(
      progress(projectA, job, 1),
      progress(projectB, 'data-of-b', 1),
      replicaEvents.create('deployment.replica.ready', { modelId: 'm', url: 'http://10.0.0.1:1', adapter: 'openai', replicaId: 'r' }),
      progress(projectA, job, 2),
      progress(projectB, 'data-of-b', 2),
      progress(projectA, job, 3),
    );
    await first.until((c) => c.events.length === 3, 'the first three events');
    first.close();
    // The disconnect stops the gateway's consumer on the stream.
    await eventually(async () => (await consumersOnStream()) === 0, 'the consumer deleted after the disconnect');

    const whileAway = [];
    for (let done = 4; done <= 10; done += 1) whileAway.push(progress(projectA, job, done), progress(projectB, 'data-of-b', done));
    whileAway.push(sdgEvents.create('sdg.job.completed', { dataId: job, projectId: projectA, taxonomyId: 't-1' }));
    await publish(...whileAway);

    const resumed = await open(alice, `project_id=${projectA}`, { 'last-event-id': first.lastId! });
    await resumed.until((c) => c.events.some((e) => e.type === 'sdg.job.completed'), 'the completion after resuming');
    // Events published after the resume arrive on the same stream.
    await publish(progress(projectB, 'data-of-b', 11), sdgEvents.create('sdg.job.canceled', { dataId: 'data-other', projectId: projectA }));
    await resumed.until((c) => c.events.some((e) => e.type === 'sdg.job.canceled'), 'an event after the resume');
    resumed.close();

    const all = [...first.events, ...resumed.events];
    const ids = all.map((e) => Number(e.id));
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
    expect(all.filter((e) => e.type === 'sdg.job.progress').map((e) => e.data.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(all.map((e) => e.project_id)).toEqual(all.map(() => projectA));
    expect(all.some((e) => e.resource_id === 'data-of-b' || e.type.startsWith('deployment.replica'))).toBe(false);
    expect(all.at(-2)).toMatchObject({ type: 'sdg.job.completed', resource_type: 'data', resource_id: job, data: { taxonomy_id: 't-1' } });

    // A client without EventSource resumes from the query (0: everything retained): the same events, the same ids.
    const replay = await open(alice, `project_id=${projectA}&last_event_id=0`);
    await replay.until((c) => c.events.length === all.length, 'the replay of everything retained');
    replay.close();
    expect(replay.events).toEqual(all);
  });

  it('delivers the public shape only: the envelope fields, the listed data fields, nothing internal', async () => {
    const client = await open(alice, `project_id=${projectA}&type=taxonomy.created`);
    await publish(
      taxonomyEvents.create('taxonomy.created', {
        taxonomyId: `tax-${suffix}`,
        projectId: projectA,
        name: 'compositional',
        taxonomyPathCos: 'taxonomies/t.tar.gz',
        bucket: 'internal-bucket',
        leaves: ['knowledge/a', 'compositional_skills/b'],
        dataTokensEstimated: 1200,
      }),
    );
    await client.until((c) => c.events.length === 1, 'the taxonomy event');
    client.close();
    const [event] = client.events;
    expect(Object.keys(event).sort()).toEqual([
      'data',
      'id',
      'occurred_at',
      'project_id',
      'resource_id',
      'resource_type',
      'type',
      'version',
    ]);
    expect(event).toMatchObject({ type: 'taxonomy.created', version: 1, resource_type: 'taxonomy', resource_id: `tax-${suffix}` });
    expect(event.data).toEqual({
      name: 'compositional',
      taxonomy_path_cos: 'taxonomies/t.tar.gz',
      leaves: ['knowledge/a', 'compositional_skills/b'],
      data_tokens_estimated: 1200,
    });
    expect(JSON.stringify(event)).not.toMatch(/internal-bucket|traceId|subject/);
  });

  it('filters by one type, several types and resource ids, and serves spaces', async () => {
    const [x, y] = [`data-${suffix}-x`, `data-${suffix}-y`];
    const [from] = await publish(
      progress(projectA, x, 1),
      progress(projectA, y, 1),
      sdgEvents.create('sdg.job.failed', { dataId: y, projectId: projectA, reason: 'teacher unreachable' }),
      sdgEvents.create('sdg.job.completed', { dataId: x, projectId: projectA, taxonomyId: 't' }),
      deploymentEvents.create('deployment.ready', { deploymentId: `dep-${suffix}`, spaceId: space, state: 'ready', servingName: 'srv' }),
      deploymentEvents.create('deployment.ready', { deploymentId: `dep-${suffix}-a`, projectId: projectA, state: 'ready' }),
    );
    const after = `last_event_id=${from - 1}`;
    const read = async (query: string, n: number) => {
      const client = await open(alice, `${query}&${after}`);
      await client.until((c) => c.events.length >= n, query);
      // Anything more would have been written with what was already read; give it a keep-alive to show.
      const comments = client.comments;
      await client.until((c) => c.comments > comments, 'a keep-alive');
      client.close();
      return client.events.map((e) => `${e.type}:${e.resource_id}`);
    };
    expect(await read(`project_id=${projectA}&type=sdg.job.completed`, 1)).toEqual([`sdg.job.completed:${x}`]);
    expect(await read(`project_id=${projectA}&type=sdg.job.failed,sdg.job.completed`, 2)).toEqual([
      `sdg.job.failed:${y}`,
      `sdg.job.completed:${x}`,
    ]);
    expect(await read(`project_id=${projectA}&resource_id=${y}`, 2)).toEqual([`sdg.job.progress:${y}`, `sdg.job.failed:${y}`]);
    expect(await read(`project_id=${projectA}&type=deployment.ready`, 1)).toEqual([`deployment.ready:dep-${suffix}-a`]);
    const inSpace = await open(alice, `space_id=${space}&${after}`);
    await inSpace.until((c) => c.events.length === 1, 'the space event');
    inSpace.close();
    expect(inSpace.events[0]).toMatchObject({ space_id: space, type: 'deployment.ready', data: { state: 'ready', serving_name: 'srv' } });
    expect(inSpace.events[0].project_id).toBeUndefined();
  });

  it.each([
    ['an unknown type', `type=sdg.job.exploded`, {}, 'type'],
    ['an internal type', `type=deployment.replica.ready`, {}, 'type'],
    ['an empty item', `type=sdg.job.progress,`, {}, 'type'],
    ['a resource id that is none', `resource_id=a%20b`, {}, 'resource_id'],
    ['a last_event_id that is no id', `last_event_id=x`, {}, 'last_event_id'],
    ['a Last-Event-ID that is no id', ``, { 'last-event-id': '-3' }, 'Last-Event-ID'],
    ['a type given twice', `type=sdg.job.progress&type=sdg.job.failed`, {}, 'type'],
  ])('refuses %s with 400 naming the parameter', async (_what, query, headers, name) => {
    const answer = await refusal(alice, `project_id=${projectA}&${query}`, headers);
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].target?.name).toBe(name);
    expect(answer.body.status_code).toBe(400);
  });

  it('answers a non-member 403 before looking at the filters, an unknown project 404, no token 401, both containers 400', async () => {
    expect((await refusal(mallory, `project_id=${projectA}`)).status).toBe(403);
    expect((await refusal(mallory, `project_id=${projectA}&type=nonsense`)).status).toBe(403);
    expect((await refusal(mallory, `space_id=${space}`)).status).toBe(403);
    expect((await refusal(alice, `project_id=0b7c3f5e-2d4a-4e8b-9c1d-6f0a2b3c4d5e`)).status).toBe(404);
    expect((await refusal(undefined, `project_id=${projectA}`)).status).toBe(401);
    const both = await refusal(alice, `project_id=${projectA}&space_id=${space}`);
    expect([both.status, both.body.errors[0].target?.name]).toEqual([400, 'space_id']);
  });

  it('bounds the streams of a caller (429) and of the gateway (503), in the envelope, and frees a slot on disconnect', async () => {
    const mine = [
      await open(alice, `project_id=${projectA}`),
      await open(alice, `project_id=${projectA}`),
      await open(alice, `project_id=${projectA}`),
    ];
    const fourth = await refusal(alice, `project_id=${projectA}`);
    expect([fourth.status, fourth.body.errors[0].code]).toEqual([429, 'too_many_event_streams']);
    const others = [
      await open(mallory, `project_id=${projectB}`),
      await open(mallory, `project_id=${projectB}`),
      await open(admin, `project_id=${projectB}`),
    ];
    const full = await refusal(admin, `project_id=${projectB}`);
    expect([full.status, full.body.errors[0].code]).toEqual([503, 'event_streams_unavailable']);
    const metrics = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${admin}` } });
    expect(metricSum(await metrics.text(), 'gateway_event_streams_open')).toBe(6);
    mine[0].close();
    await eventually(
      async () =>
        await EventStreamClient.open(`${gw.url}/v1/events?project_id=${projectB}`, { authorization: `Bearer ${admin}` }).then((c) => {
          if (c instanceof EventStreamClient) {
            others.push(c);
            return true;
          }
          return false;
        }),
      'a slot freed by the disconnect',
    );
    for (const c of [...mine, ...others]) c.close();
    await eventually(async () => (await consumersOnStream()) === 0, 'every consumer deleted');
  });

  it('sends keep-alive comments, and ends the stream of a member removed from the project', async () => {
    const client = await open(alice, `project_id=${projectA}`);
    await client.until((c) => c.comments >= 3, 'keep-alive comments');
    expect((await call('DELETE', `/v2/projects/${projectA}/members/alice`, admin)).status).toBeLessThan(300);
    await client.until((c) => c.ended, 'the stream ended after the removal');
    await eventually(async () => (await consumersOnStream()) === 0, 'its consumer deleted');
    expect((await refusal(alice, `project_id=${projectA}`)).status).toBe(403);
  });

  it('serves the AsyncAPI document next to /openapi.json, to anyone', async () => {
    const doc = await call<{ asyncapi: string; channels: Record<string, { address: string }> }>('GET', '/asyncapi.json', undefined);
    expect(doc.status).toBe(200);
    expect(doc.body.asyncapi).toBe('3.0.0');
    expect(doc.body.channels.events.address).toBe('/v1/events');
    expect(doc.body.channels['nats.sdg.job.progress'].address).toBe(`${PREFIX}.sdg.job.progress`);
  });
});

// Last: it stops the gateway.
describe('shutdown', () => {
  it('ends the open streams and deletes their consumers, so the HTTP server closes', async () => {
    const client = await open(alice, `space_id=${space}`);
    const stopping = gw.stop();
    await client.until((c) => c.ended, 'the stream ended by the shutdown');
    await stopping;
    gw = undefined as unknown as GatewayUnderTest;
    await eventually(async () => (await consumersOnStream()) === 0, 'its consumer deleted');
  });
});
