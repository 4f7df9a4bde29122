import { randomBytes } from 'node:crypto';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { connectGrpcService, type GrpcServiceClient } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { encodeEvent, replicaEventsWithPrefix, type ReplicaReady, type ReplicaRemoved } from '@platform/events';
import { freePort } from '@platform/infra';
import { scrapeMetric, startEngineServer, type EngineServer } from '@platform/test-fixtures';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPLICA_REGISTRATION } from '../inference.module';
import { startInferenceService } from '../main';
import { tinyModelDir } from '../testing/tiny-model';
import type { ReplicaRegistration } from './replica-registration';

const MODEL = 'tiny/llama';
const ANNOUNCED = 'tiny/announced';

type Service = Awaited<ReturnType<typeof startInferenceService>>;

/** One inference service process-in-process with its own gRPC and ops ports. */
interface Instance {
  service: Service;
  client: GrpcServiceClient<inferenceV1.InferenceServiceClient>;
  opsPort: number;
  registration: ReplicaRegistration;
  close(): Promise<void>;
}

async function startInstance(): Promise<Instance> {
  const grpcUrl = `127.0.0.1:${await freePort()}`;
  const opsPort = await freePort();
  const service = await startInferenceService({ grpcUrl, opsPort });
  const client = connectGrpcService<inferenceV1.InferenceServiceClient>('inference', inferenceV1.INFERENCE_SERVICE_NAME, {
    url: grpcUrl,
    deadline: 'long',
  });
  const registration = service.app.get<string, { registration: ReplicaRegistration }>(REPLICA_REGISTRATION).registration;
  return {
    service,
    client,
    opsPort,
    registration,
    close: async () => {
      client.close();
      await service.close();
    },
  };
}

/** Completed requests the engine server has counted, all reasons. */
function served(e: EngineServer): Promise<number> {
  return scrapeMetric(e.url, 'vllm:request_success_total');
}

describe('runtime replica registration over NATS', () => {
  const suffix = randomBytes(4).toString('hex');
  const stream = `REPLICAS_TEST_${suffix}`;
  const events = replicaEventsWithPrefix(`replicas_test_${suffix}.events`);
  let model: { dir: string; remove(): void };
  let a: EngineServer;
  let b: EngineServer;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let first: Instance | undefined;
  let second: Instance | undefined;

  const ready = (data: ReplicaReady) => publish(events.create('deployment.replica.ready', data));
  const removed = (data: ReplicaRemoved) => publish(events.create('deployment.replica.removed', data));
  async function publish(event: { id: string; subject: string }): Promise<void> {
    await js.publish(event.subject, encodeEvent(event as Parameters<typeof encodeEvent>[0]), { msgID: event.id });
  }
  const models = async (i: Instance, includeDeployments = true) =>
    (await firstValueFrom(i.client.service.listModels({ includeDeployments }, new Metadata()))).models;
  const modelOf = async (i: Instance, id: string) => (await models(i)).find((m) => m.modelId === id);
  /** What the catalog (foundation model specs, /openai/v1/models) lists: no deployment's own pool. */
  const catalogIds = async (i: Instance) => (await models(i, false)).map((m) => m.modelId);
  const generate = (i: Instance, modelId: string, maxNewTokens = 3) =>
    firstValueFrom(
      i.client.service.generate(
        {
          modelId,
          input: 'hello',
          projectId: '',
          spaceId: '',
          parameters: { decodingMethod: 'greedy', maxNewTokens, stopSequences: [], timeLimit: 0, returnOptions: undefined },
          moderations: undefined,
        },
        new Metadata(),
      ),
    );

  beforeAll(async () => {
    model = tinyModelDir();
    [a, b] = await Promise.all([
      startEngineServer({ models: [{ dir: model.dir, name: MODEL }] }),
      startEngineServer({ models: [{ dir: model.dir, name: MODEL }] }),
    ]);
    // Configuration knows engine A only; B becomes known through announcements.
    process.env.PLATFORM_INFERENCE_POOLS = JSON.stringify([{ model_id: MODEL, replicas: [{ url: a.url }] }]);
    delete process.env.PLATFORM_INFERENCE_BACKENDS;
    delete process.env.PLATFORM_ENGINE_PORT;
    process.env.PLATFORM_INFERENCE_HEALTH_INTERVAL_MS = '200';
    process.env.NATS_URL = inject('natsUrl');
    process.env.LOG_LEVEL = 'warn';
    // Its own stream and subjects, so other suites' inference services on the shared NATS never see these.
    process.env.PLATFORM_EVENTS_STREAM = stream;
    process.env.PLATFORM_EVENTS_PREFIX = events.subjectPrefix;
    nc = await connect({ servers: inject('natsUrl') });
    js = jetstream(nc);
    first = await startInstance();
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
    await nc?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    model?.remove();
  });

  it('reports NATS and the replay in readiness', async () => {
    const res = await fetch(`http://127.0.0.1:${first!.opsPort}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', checks: { nats: 'ok', replica_registrations: 'ok' } });
  });

  it("a deployment's ready announcement creates the deployment's own pool, served by the announced server, outside the catalog", async () => {
    const i = first!;
    expect(await modelOf(i, ANNOUNCED)).toBeUndefined();
    await ready({
      deploymentId: 'dep-1',
      modelId: ANNOUNCED,
      url: b.url,
      adapter: 'openai',
      replicaId: 'b-announced',
      backendModel: MODEL,
    });
    await expect
      .poll(() => modelOf(i, ANNOUNCED), { timeout: 30_000 })
      .toMatchObject({ replicas: 1, healthyReplicas: 1, maxSequenceLength: 1024, deploymentId: 'dep-1' });
    expect(await catalogIds(i)).toEqual([MODEL]);
    const [beforeA, beforeB] = [await served(a), await served(b)];
    expect((await generate(i, ANNOUNCED)).result?.stop).toBe(inferenceV1.StopReason.STOP_REASON_MAX_TOKENS);
    expect(await served(b)).toBe(beforeB + 1);
    expect(await served(a)).toBe(beforeA);
  });

  it('a ready announcement for a configured model joins its pool and takes a share of the requests', async () => {
    const i = first!;
    await ready({ modelId: MODEL, url: b.url, adapter: 'openai', replicaId: 'b-shared' });
    await expect.poll(() => modelOf(i, MODEL), { timeout: 30_000 }).toMatchObject({ replicas: 2, healthyReplicas: 2 });
    expect((await modelOf(i, MODEL))?.deploymentId).toBeUndefined();
    expect(await catalogIds(i)).toEqual([MODEL]);
    const before = await served(b);
    // Least-load routing spreads concurrent requests over both replicas.
    await Promise.all(Array.from({ length: 6 }, () => generate(i, MODEL, 20)));
    expect(await served(b)).toBeGreaterThan(before);
  });

  it('repeating an announcement changes nothing', async () => {
    const i = first!;
    await ready({ modelId: MODEL, url: b.url, adapter: 'openai', replicaId: 'b-shared' });
    await ready({
      deploymentId: 'dep-1',
      modelId: ANNOUNCED,
      url: b.url,
      adapter: 'openai',
      replicaId: 'b-announced',
      backendModel: MODEL,
    });
    await removed({ replicaId: 'never-announced', modelId: MODEL });
    // All three were applied once the registration's consumer holds nothing pending or unacked: then look.
    const jsm = await jetstreamManager(nc);
    await expect
      .poll(
        async () => {
          const info = await jsm.consumers.info(stream, i.registration.durable);
          return info.num_pending + info.num_ack_pending;
        },
        { timeout: 30_000 },
      )
      .toBe(0);
    expect(i.registration.snapshot()).toHaveLength(2);
    expect(await modelOf(i, MODEL)).toMatchObject({ replicas: 2 });
    expect(await modelOf(i, ANNOUNCED)).toMatchObject({ replicas: 1 });
  });

  it('a removed announcement drains the replica: it gets no more requests', async () => {
    const i = first!;
    await removed({ replicaId: 'b-shared', modelId: MODEL });
    await expect.poll(() => modelOf(i, MODEL), { timeout: 30_000 }).toMatchObject({ replicas: 1, healthyReplicas: 1 });
    const [beforeA, beforeB] = [await served(a), await served(b)];
    await Promise.all(Array.from({ length: 6 }, () => generate(i, MODEL, 20)));
    expect(await served(b)).toBe(beforeB);
    expect(await served(a)).toBe(beforeA + 6);
  });

  it('terminates malformed announcements as poison, logs them and goes on with the next', async () => {
    const i = first!;
    const subject = events.subject('deployment.replica.ready');
    await js.publish(subject, 'not json at all');
    await publish(
      events.create('deployment.replica.ready', { modelId: 'tiny/bad', adapter: 'openai', replicaId: 'bad-1' } as unknown as ReplicaReady),
    );
    await publish(
      events.create('deployment.replica.ready', {
        modelId: 'tiny/bad',
        url: b.url,
        adapter: 'grpc',
        replicaId: 'bad-2',
      } as unknown as ReplicaReady),
    );
    await publish(
      events.create('deployment.replica.ready', { modelId: 'tiny/bad', url: 'file:///etc/passwd', adapter: 'openai', replicaId: 'bad-3' }),
    );
    await publish(events.create('deployment.replica.removed', { modelId: MODEL } as unknown as ReplicaRemoved));
    // A good one after the bad ones is still applied, in order.
    await ready({ modelId: 'tiny/third', url: b.url, adapter: 'tgi', replicaId: 'b-third', backendModel: MODEL });
    await expect
      .poll(() => modelOf(i, 'tiny/third'), { timeout: 30_000 })
      .toMatchObject({ replicas: 1, healthyReplicas: 1, provider: 'text-generation-inference' });
    expect(i.registration.poisoned).toBe(5);
    expect(await modelOf(i, 'tiny/bad')).toBeUndefined();
    const info = await (await jetstreamManager(nc)).consumers.info(stream, i.registration.durable);
    expect(info).toMatchObject({ num_pending: 0, num_ack_pending: 0, num_redelivered: 0 });
    // A pool that only announcements made leaves the catalog with its last replica.
    await removed({ modelId: 'tiny/third', replicaId: 'b-third' });
    await expect.poll(() => modelOf(i, 'tiny/third'), { timeout: 30_000 }).toBeUndefined();
    await expect(generate(i, 'tiny/third')).rejects.toMatchObject({ code: GrpcStatus.NOT_FOUND });
  });

  it('a restarted service replays the announcements and serves the registered replica at once', async () => {
    const jsm = await jetstreamManager(nc);
    const oldDurable = first!.registration.durable;
    await first!.close();
    first = undefined;
    // A clean stop deletes the process's own consumer.
    expect(await jsm.consumers.info(stream, oldDurable).catch(() => undefined)).toBeUndefined();
    first = await startInstance();
    expect(first.registration.durable).not.toBe(oldDurable);
    // No polling: start-up waits for the replay and the first probe of the replayed replicas.
    expect(await modelOf(first, ANNOUNCED)).toMatchObject({ replicas: 1, healthyReplicas: 1 });
    expect(await modelOf(first, MODEL)).toMatchObject({ replicas: 1 });
    expect(await modelOf(first, 'tiny/third')).toBeUndefined();
    expect(first.registration.snapshot()).toEqual([{ replicaId: 'b-announced', modelId: ANNOUNCED, url: b.url }]);
    const before = await served(b);
    expect((await generate(first, ANNOUNCED)).result?.stop).toBe(inferenceV1.StopReason.STOP_REASON_MAX_TOKENS);
    expect(await served(b)).toBe(before + 1);
  });

  it('every instance sees every announcement', async () => {
    second = await startInstance();
    expect(await modelOf(second, ANNOUNCED)).toMatchObject({ replicas: 1, healthyReplicas: 1 });
    await removed({ replicaId: 'b-announced', modelId: ANNOUNCED });
    for (const i of [first!, second]) await expect.poll(() => modelOf(i, ANNOUNCED), { timeout: 30_000 }).toBeUndefined();
  });
});
