import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createLogger } from '@platform/common';
import { appsV1DeploymentSchema, coreV1ServiceSchema, ReplayServer, type RecordedExchange } from '@platform/test-fixtures';
import Ajv from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { hardwareProfile } from '../../deployments/hardware-specs';
import { DeploymentConfig } from '../../deployment.config';
import { ReplicaStartError, type ReplicaSpec, type StartedReplica } from '../replica-manager';
import { KubernetesReplicaManager } from './kubernetes-manager';
import { buildReplicaDeployment, buildReplicaService, type KubernetesSettings } from './replica-manifests';
import { REPLICA_EXAMPLE_SPEC } from './testing/replica-example';
import * as rec from './testing/recorded-replica-exchanges';

const logger = createLogger('deployment-test');
logger.level = 'silent';
const ajv = new Ajv({ allErrors: true, strict: false });
const validateDeployment = ajv.compile(appsV1DeploymentSchema);
const validateService = ajv.compile(coreV1ServiceSchema);

/** The settings as the service reads them, polling fast. */
const settings: KubernetesSettings = DeploymentConfig.load({
  PLATFORM_DEPLOYMENT_REPLICAS: 'kubernetes',
  PLATFORM_DEPLOYMENT_K8S_NAMESPACE: rec.NAMESPACE,
  PLATFORM_DEPLOYMENT_K8S_POLL_MS: '5',
  PLATFORM_DEPLOYMENT_K8S_SERVICE_ACCOUNT: 'model-server',
  PLATFORM_DEPLOYMENT_K8S_POD_SPEC_PATCH: '{"nodeSelector":{"nvidia.com/gpu.present":"true"}}',
}).kubernetes;

const spec = (over: Partial<ReplicaSpec> = {}): ReplicaSpec => ({
  replicaId: rec.REPLICA_ID,
  deploymentId: rec.DEPLOYMENT_ID,
  rev: 1,
  servedModelName: `deployments/${rec.DEPLOYMENT_ID}`,
  modelPrefix: 'custom_models/granite-3.1-8b-instruct/',
  hardware: hardwareProfile({ name: 'WX-S' }),
  ...over,
});

const handle = { namespace: rec.NAMESPACE, name: rec.NAME, server: 'vllm' };
const started = (url = `http://${rec.NAME}.${rec.NAMESPACE}.svc:8000`, server = 'vllm'): StartedReplica => ({
  url,
  adapter: server === 'tgi' ? 'tgi' : 'openai',
  backendModel: `deployments/${rec.DEPLOYMENT_ID}`,
  handle: { ...handle, server },
});

let servers: ReplayServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});

async function replay(exchanges: RecordedExchange[], onServed?: (i: number) => void): Promise<ReplayServer> {
  const s = await new ReplayServer(exchanges, onServed).start();
  servers.push(s);
  return s;
}

function managerFor(server: ReplayServer, k: KubernetesSettings = settings): KubernetesReplicaManager {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'recorded', server: server.url, skipTLSVerify: true }],
    users: [{ name: 'deployment-service', token: 'recorded-token' }],
    contexts: [{ name: 'recorded', cluster: 'recorded', user: 'deployment-service', namespace: rec.NAMESPACE }],
    currentContext: 'recorded',
  });
  return new KubernetesReplicaManager(kc.makeApiClient(AppsV1Api), kc.makeApiClient(CoreV1Api), k, logger);
}

const never = () => new AbortController().signal;
/* eslint-disable @typescript-eslint/no-explicit-any -- the API bodies as the replay server received them */
const created = (s: ReplayServer, kind: 'deployments' | 'services') =>
  s.received.find((r) => r.method === 'POST' && r.path.endsWith(`/${kind}`))!.body as any;
const envOf = (c: any) => Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));

function expectConsistentPod(deployment: any) {
  const pod = deployment.spec.template.spec;
  const volumes = new Set(pod.volumes.map((v: any) => v.name));
  for (const c of [...pod.initContainers, ...pod.containers]) for (const m of c.volumeMounts ?? []) expect(volumes).toContain(m.name);
  const server = pod.containers[0];
  const ports = server.ports.map((p: any) => p.name);
  for (const probe of [server.startupProbe, server.readinessProbe, server.livenessProbe]) {
    expect(probe.httpGet.path).toBe('/health');
    expect(ports).toContain(probe.httpGet.port);
  }
  expect(deployment.spec.selector.matchLabels).toEqual({ 'platform/replica-id': rec.REPLICA_ID });
  expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
}

describe('Kubernetes replica manager against recorded API exchanges', () => {
  it('creates a valid vLLM Deployment and Service, follows the pod through the model copy and returns the Service once ready', async () => {
    const server = await replay(rec.createdAndReady);
    const replica = await managerFor(server).start(spec({ maxSequenceLength: 8192 }), never());

    expect(server.mismatches).toEqual([]);
    expect(server.remaining).toBe(0);
    expect(replica).toEqual({
      url: `http://${rec.NAME}.${rec.NAMESPACE}.svc:8000`,
      adapter: 'openai',
      backendModel: `deployments/${rec.DEPLOYMENT_ID}`,
      handle,
    });

    const deployment = created(server, 'deployments');
    expect(validateDeployment(deployment), JSON.stringify(validateDeployment.errors)).toBe(true);
    expectConsistentPod(deployment);
    expect(deployment.metadata).toMatchObject({
      name: rec.NAME,
      namespace: rec.NAMESPACE,
      labels: { 'platform/deployment-id': rec.DEPLOYMENT_ID, 'platform/deployment-rev': '1', 'platform/replica-id': rec.REPLICA_ID },
    });
    const pod = deployment.spec.template.spec;
    expect(pod).toMatchObject({ serviceAccountName: 'model-server', nodeSelector: { 'nvidia.com/gpu.present': 'true' } });
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    const vllm = pod.containers[0];
    expect(vllm.image).toBe('vllm/vllm-openai:v0.11.0');
    expect(vllm.args).toEqual([
      '--model=/models/model',
      `--served-model-name=deployments/${rec.DEPLOYMENT_ID}`,
      '--host=0.0.0.0',
      '--port=8000',
      '--max-model-len=8192',
    ]);
    // WX-S: one GPU, its CPU and memory.
    expect(vllm.resources).toEqual({
      requests: { cpu: '1', memory: '60Gi', 'nvidia.com/gpu': '1' },
      limits: { cpu: '2', memory: '60Gi', 'nvidia.com/gpu': '1' },
    });
    // The startup probe lets the server load for the whole start timeout (30 min by default).
    expect(vllm.startupProbe.periodSeconds * vllm.startupProbe.failureThreshold).toBeGreaterThanOrEqual(settings.startTimeoutMs / 1000);

    // The model comes from the bucket through the init container; the credentials only as references to the Secret.
    const fetch = pod.initContainers[0];
    expect(fetch.image).toBe('amazon/aws-cli:2.17.0');
    const env = envOf(fetch);
    expect(env.MODEL_PREFIX).toBe('custom_models/granite-3.1-8b-instruct/');
    expect(env.AWS_ACCESS_KEY_ID).toEqual({ secretKeyRef: { name: 'platform-s3', key: 'PLATFORM_S3_ACCESS_KEY' } });
    expect(env.AWS_SECRET_ACCESS_KEY).toEqual({ secretKeyRef: { name: 'platform-s3', key: 'PLATFORM_S3_SECRET_KEY' } });
    expect(env.S3_ENDPOINT).toEqual({ secretKeyRef: { name: 'platform-s3', key: 'PLATFORM_S3_ENDPOINT' } });
    expect(env.S3_BUCKET).toEqual({ secretKeyRef: { name: 'platform-s3', key: 'PLATFORM_S3_BUCKET' } });
    expect(fetch.command.join(' ')).not.toContain('custom_models/');

    const service = created(server, 'services');
    expect(validateService(service), JSON.stringify(validateService.errors)).toBe(true);
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'platform/replica-id': rec.REPLICA_ID },
      ports: [{ name: 'http', port: 8000, targetPort: 'http' }],
    });
    expect(
      server.received
        .filter((r) => r.path.endsWith('/pods'))
        .every((r) => r.query.labelSelector === `platform/replica-id=${rec.REPLICA_ID}`),
    ).toBe(true);
  });

  it('maps the hardware specs to GPUs: tensor parallelism on WX-M, TGI shards, and the engine server with no GPU on PLATFORM-CPU', async () => {
    const wxm = await replay(rec.createdAndReady);
    const tuned = { ...settings, serverArgs: ['--gpu-memory-utilization=0.85'] };
    await managerFor(wxm, tuned).start(spec({ hardware: hardwareProfile({ id: 'WX-M' }) }), never());
    const vllm = created(wxm, 'deployments').spec.template.spec.containers[0];
    expect(vllm.args).toEqual(expect.arrayContaining(['--tensor-parallel-size=2', '--gpu-memory-utilization=0.85']));
    expect(vllm.resources.limits).toEqual({ cpu: '3', memory: '120Gi', 'nvidia.com/gpu': '2' });

    const tgi = await replay(rec.createdAndReady);
    const replica = await managerFor(tgi, { ...settings, server: 'tgi' }).start(
      spec({ hardware: hardwareProfile({ id: 'WX-L' }), maxSequenceLength: 4096 }),
      never(),
    );
    expect(replica).toMatchObject({ adapter: 'tgi', handle: { server: 'tgi' } });
    const deployment = created(tgi, 'deployments');
    expect(validateDeployment(deployment), JSON.stringify(validateDeployment.errors)).toBe(true);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe('ghcr.io/huggingface/text-generation-inference:3.3.5');
    expect(container.args).toEqual([
      '--model-id=/models/model',
      '--hostname=0.0.0.0',
      '--port=8000',
      '--num-shard=4',
      '--max-total-tokens=4096',
      '--max-input-tokens=4095',
    ]);
    expect(container.resources.limits['nvidia.com/gpu']).toBe('4');

    const cpu = await replay(rec.createdAndReady);
    const engine = await managerFor(cpu, { ...tuned, podSpecPatch: {} }).start(
      spec({ hardware: hardwareProfile({ id: 'PLATFORM-CPU' }) }),
      never(),
    );
    expect(engine).toMatchObject({ adapter: 'openai', handle: { server: 'engine' } });
    const cpuDeployment = created(cpu, 'deployments');
    expect(validateDeployment(cpuDeployment), JSON.stringify(validateDeployment.errors)).toBe(true);
    expectConsistentPod(cpuDeployment);
    const pod = cpuDeployment.spec.template.spec;
    expect(pod.tolerations).toBeUndefined();
    expect(pod.containers[0]).toMatchObject({
      image: 'registry.example.com/llm-platform:1.0',
      command: ['node', '-r', '@swc-node/register', 'apps/engine-server/src/main.ts'],
      args: [`--model=/models/model:deployments/${rec.DEPLOYMENT_ID}`, '--host=0.0.0.0', '--port=8000', '--threads=2'],
      resources: { requests: { cpu: '1', memory: '8Gi' }, limits: { cpu: '2', memory: '8Gi' } },
    });
  });

  it('follows the objects an earlier start of the same replica created', async () => {
    const server = await replay(rec.existingAndReady);
    await expect(managerFor(server).start(spec(), never())).resolves.toMatchObject({ handle });
    expect(server.mismatches).toEqual([]);
    expect(server.remaining).toBe(0);
  });

  it.each([
    [
      'an OOMKilled server in CrashLoopBackOff, with its last log lines',
      rec.oomKilled,
      /container server OOMKilled \(exit code 137\), CrashLoopBackOff\n.*Loading weights took 28\.41 seconds\ntorch\.OutOfMemoryError/s,
    ],
    [
      'an image that cannot be pulled',
      rec.imagePullBackOff,
      /container fetch-model ImagePullBackOff: Back-off pulling image "amazon\/aws-cli:2\.17\.0"/,
    ],
    [
      'a model prefix with no model',
      rec.modelMissing,
      /container fetch-model exited \(exit code 1\)\nno config\.json under s3:\/\/instructlab\/custom_models\/missing\/$/,
    ],
  ])('fails the start on %s and deletes what it created', async (_what, exchanges, message) => {
    const server = await replay(exchanges);
    const err = await managerFor(server)
      .start(spec(), never())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplicaStartError);
    expect((err as Error).message).toMatch(new RegExp(`^replica ${rec.NAMESPACE}/${rec.NAME} failed to start: `));
    expect((err as Error).message).toMatch(message);
    expect(server.mismatches).toEqual([]);
    expect(server.remaining).toBe(0);
    expect(server.received.at(-2)).toMatchObject({ method: 'DELETE', query: { propagationPolicy: 'Foreground' } });
  });

  it('fails a start that is not ready in time, saying where it stands (no node with a free GPU)', async () => {
    const server = await replay(rec.unschedulable);
    await expect(managerFor(server, { ...settings, startTimeoutMs: 0 }).start(spec(), never())).rejects.toThrow(
      new ReplicaStartError(`replica ${rec.NAMESPACE}/${rec.NAME} was not ready within 0 s: Unschedulable: ${rec.UNSCHEDULABLE}`),
    );
    expect(server.mismatches).toEqual([]);
    expect(server.remaining).toBe(0);
  });

  it('fails with the API server message when Kubernetes refuses the Deployment, and cleans up idempotently', async () => {
    const server = await replay(rec.forbidden);
    await expect(managerFor(server).start(spec(), never())).rejects.toThrow(
      /^Kubernetes refused the replica's Deployment ilab\/replica-[0-9a-f-]+: deployments\.apps is forbidden: User "system:serviceaccount:ilab:default" cannot create/,
    );
    expect(server.mismatches).toEqual([]);
    expect(server.remaining).toBe(0);
  });

  it('stops starting when the signal aborts, rejecting with its reason and leaving nothing behind', async () => {
    const ac = new AbortController();
    const server = await replay(rec.abortedWhileLoading, (i) => {
      if (i === 3) ac.abort(new Error('keeper lease lost'));
    });
    const err = await managerFor(server)
      .start(spec(), ac.signal)
      .catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(ReplicaStartError);
    expect((err as Error).message).toBe('keeper lease lost');
    expect(server.mismatches).toEqual([]);
    expect(server.remaining).toBe(0);
  });

  it('adopts a ready replica, reports a gone one, and deletes one left half-started (even before its row had a handle)', async () => {
    const ready = await replay(rec.adoptReady);
    await expect(managerFor(ready).adopt(spec(), started())).resolves.toEqual(started());
    const gone = await replay(rec.adoptGone);
    await expect(managerFor(gone).adopt(spec(), started())).resolves.toBeUndefined();
    // A row written when the start began has no handle yet: the names follow from the replica id.
    const half = await replay(rec.adoptHalfStarted);
    await expect(managerFor(half).adopt(spec(), { url: '', adapter: 'openai', backendModel: '', handle: {} })).resolves.toBeUndefined();
    for (const s of [ready, gone, half]) {
      expect(s.mismatches).toEqual([]);
      expect(s.remaining).toBe(0);
    }
  });

  it('probes the Deployment: healthy when ready, unhealthy when not, gone when deleted', async () => {
    const server = await replay(rec.probes);
    const manager = managerFor(server);
    const health = [];
    for (let i = 0; i < 3; i++) health.push(await manager.probe(started(), never()));
    expect(health).toEqual(['healthy', 'unhealthy', 'gone']);
    expect(server.mismatches).toEqual([]);
  });

  it('stops idempotently: the second stop finds nothing and is fine', async () => {
    const server = await replay(rec.stopTwice);
    const manager = managerFor(server);
    await manager.stop(started());
    await manager.stop(started());
    expect(server.mismatches).toEqual([]);
    expect(server.remaining).toBe(0);
  });

  it("reads the requests in flight from the server's /metrics: vLLM's running + waiting, TGI's queue + batch, undefined when unreachable", async () => {
    const metrics = (text: string) => replay([{ request: { method: 'GET', path: '/metrics' }, response: { status: 200, text } }]);
    const api = await replay([]);
    const manager = managerFor(api);
    const vllm = await metrics(rec.VLLM_METRICS);
    expect(await manager.inFlight(started(vllm.url), never())).toBe(5);
    const tgi = await metrics(rec.TGI_METRICS);
    expect(await manager.inFlight(started(tgi.url, 'tgi'), never())).toBe(10);
    const stopped = await replay([]);
    const url = stopped.url;
    await stopped.stop();
    expect(await manager.inFlight(started(url), never())).toBeUndefined();
    expect(api.received).toEqual([]);
  });

  it('ships deploy/kubernetes/replica.example.yaml: exactly what the manager builds with the default settings, valid for both schemas', () => {
    const file = join(__dirname, '../../../../../deploy/kubernetes/replica.example.yaml');
    const [deployment, service] = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as unknown);
    const k = DeploymentConfig.load({ PLATFORM_DEPLOYMENT_K8S_NAMESPACE: 'ilab' }).kubernetes;
    const plain = (o: unknown) => JSON.parse(JSON.stringify(o)) as unknown;
    expect(deployment).toEqual(plain(buildReplicaDeployment(REPLICA_EXAMPLE_SPEC, k)));
    expect(service).toEqual(plain(buildReplicaService(REPLICA_EXAMPLE_SPEC, k)));
    expect(validateDeployment(deployment), JSON.stringify(validateDeployment.errors)).toBe(true);
    expect(validateService(service), JSON.stringify(validateService.errors)).toBe(true);
  });
});
