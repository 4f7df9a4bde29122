import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLATFORM_SERVICES, serviceEnvPrefix, serviceGrpcUrl, serviceOpsPort, type PlatformServiceName } from '@platform/common';
import { GATEWAY_NODE_FLAGS } from '@platform/launcher';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { envNamesInCode } from './env-reads';
import {
  checkCommands,
  checkDeploymentReplicas,
  checkEnvNames,
  checkImagePaths,
  checkInferenceTargets,
  checkObject,
  checkServiceAddresses,
  checkServices,
  checkTrainingExecutor,
  platformEntry,
} from './manifest-checks';
import { buildKustomization, isExample, readManifests, yamlFiles, type ManifestDoc } from './manifest-files';

const ROOT = join(__dirname, '../..');
/** Every service of the address registry runs on Kubernetes too. */
const SERVICES = Object.keys(PLATFORM_SERVICES) as PlatformServiceName[];
/** The processes that dial the services (and so need every PLATFORM_<NAME>_GRPC_URL). */
const CALLERS = ['gateway', ...SERVICES];
/** What `kubectl apply -k` builds: the default and the GPU-pool overlay. */
const BUILDS = ['deploy/kubernetes', 'deploy/kubernetes/gpu-pool'];
/** kubectl's own kustomize (Go YAML, its load restrictions), where this machine has kubectl. */
const HAS_KUBECTL = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

let universe: ManifestDoc[];
let builds: Map<string, ManifestDoc[]>;
let readByCode: (name: string) => boolean;

beforeAll(() => {
  universe = yamlFiles(ROOT, 'deploy').flatMap((f) => readManifests(ROOT, f));
  builds = new Map(BUILDS.map((b) => [b, buildKustomization(ROOT, b)]));
  const literal = envNamesInCode(ROOT);
  // serviceGrpcUrl/serviceOpsPort build these names from PLATFORM_SERVICES; the test below proves they are read.
  const derived = new Set(
    Object.keys(PLATFORM_SERVICES).flatMap((n) => [
      `${serviceEnvPrefix(n as PlatformServiceName)}_GRPC_URL`,
      `${serviceEnvPrefix(n as PlatformServiceName)}_OPS_PORT`,
    ]),
  );
  readByCode = (name) => literal.has(name) || derived.has(name);
});

const mutate = (docs: ManifestDoc[], kind: string, name: string, change: (d: ManifestDoc['doc']) => void): ManifestDoc[] =>
  docs.map((d) => {
    if (d.doc.kind !== kind || d.doc.metadata?.name !== name) return d;
    const copy = structuredClone(d);
    change(copy.doc);
    return copy;
  });

describe('deploy/ manifests', () => {
  it('parse, and every object has the fields Kubernetes requires with selectors, ports and probes that agree', () => {
    expect(universe.length).toBeGreaterThan(20);
    expect(universe.flatMap(checkObject)).toEqual([]);
  });

  it('build with kustomize semantics, and every manifest of deploy/kubernetes is applied except the examples', () => {
    const used = new Set<string>();
    for (const b of BUILDS) buildKustomization(ROOT, b, used);
    const files = yamlFiles(ROOT, 'deploy/kubernetes');
    expect(files.filter((f) => !used.has(f) && !isExample(f))).toEqual([]);
    expect(files.filter((f) => used.has(f) && isExample(f))).toEqual([]);
    // The training RBAC is reused from deploy/training, not copied.
    expect(used.has('deploy/training/rbac.yaml')).toBe(true);
    for (const docs of builds.values())
      expect(docs.every((d) => d.doc.kind === 'Kustomization' || d.doc.metadata?.namespace === 'ilab')).toBe(true);
  });

  it.runIf(HAS_KUBECTL).each(BUILDS)('%s: kubectl kustomize builds the same objects as the checks see', (b) => {
    const identity = (o: ManifestDoc['doc']) => `${o.kind}/${o.metadata?.namespace}/${o.metadata?.name}`;
    const built = parseAllDocuments(execFileSync('kubectl', ['kustomize', join(ROOT, b)], { encoding: 'utf8' })).map(
      (d) => d.toJS() as ManifestDoc['doc'],
    );
    expect(built.map(identity).sort()).toEqual(
      builds
        .get(b)!
        .map((d) => identity(d.doc))
        .sort(),
    );
    const config = (docs: ManifestDoc['doc'][]) => docs.find((o) => o.kind === 'ConfigMap')?.data;
    expect(config(built)).toEqual(config(builds.get(b)!.map((d) => d.doc)));
  });

  it.each(BUILDS)('%s: Services reach declared container ports and every command runs an existing entry point', (b) => {
    const docs = builds.get(b)!;
    expect(checkServices(docs)).toEqual([]);
    expect(checkCommands(ROOT, docs)).toEqual([]);
    expect(checkImagePaths(ROOT, docs, universe)).toEqual([]);
  });

  it('hand every platform process only variables the code reads, from ConfigMaps and Secrets that exist', () => {
    expect(checkEnvNames(universe, universe, readByCode)).toEqual([]);
    for (const docs of builds.values()) expect(checkEnvNames(docs, universe, readByCode)).toEqual([]);
    const envFile = readFileSync(join(ROOT, 'deploy/training/training-service.env.example'), 'utf8');
    const names = [...envFile.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((n) => !readByCode(n))).toEqual([]);
  });

  it.each(BUILDS)('%s: runs every service of the registry and the gateway, wired to each other through the Services', (b) => {
    const docs = builds.get(b)!;
    expect(checkServiceAddresses(docs, universe, SERVICES, CALLERS)).toEqual([]);
    const apps = docs.flatMap((d) =>
      d.doc.kind === 'Deployment' ? (d.doc.spec?.template?.spec?.containers ?? []).map(platformEntry) : [],
    );
    for (const name of CALLERS) expect(apps).toContain(`apps/${name}/src/main.ts`);
    // The gateway starts with the node flags the launcher gives it (a larger young generation: GATEWAY_NODE_FLAGS).
    const gateway = docs.find((d) => d.doc.kind === 'Deployment' && d.doc.metadata?.name === 'gateway');
    const command = gateway?.doc.spec?.template?.spec?.containers?.[0]?.command ?? [];
    expect(command.slice(1, command.indexOf('-r'))).toEqual(GATEWAY_NODE_FLAGS);
  });

  it.each(BUILDS)(
    '%s: points the inference service at model servers of the build, and the training executor and replica manager at their RBAC',
    (b) => {
      const docs = builds.get(b)!;
      expect(checkInferenceTargets(docs, universe)).toEqual([]);
      expect(checkTrainingExecutor(docs, universe)).toEqual([]);
      expect(checkDeploymentReplicas(docs, universe)).toEqual([]);
      const config = docs.find((d) => d.doc.kind === 'ConfigMap')!.doc.data!;
      expect(config.PLATFORM_DEPLOYMENT_REPLICAS).toBe('kubernetes');
    },
  );

  it('the GPU overlay adds a vLLM pool with a GPU limit and routes the inference service to it', () => {
    const docs = builds.get('deploy/kubernetes/gpu-pool')!;
    const vllm = docs.find(
      (d) => d.doc.kind === 'Deployment' && d.doc.spec?.template?.spec?.containers?.some((c) => c.image?.startsWith('vllm/vllm-openai:')),
    );
    expect(vllm?.doc.spec?.template?.spec?.containers?.[0].resources?.limits?.['nvidia.com/gpu']).toBe('1');
    const pools = JSON.parse(docs.find((d) => d.doc.kind === 'ConfigMap')!.doc.data!.PLATFORM_INFERENCE_POOLS) as {
      replicas: { url: string }[];
    }[];
    expect(pools[0].replicas[0].url).toBe(`http://${vllm!.doc.metadata!.name}:8000`);
  });
});

describe('the checks themselves', () => {
  const base = () => builds.get('deploy/kubernetes')!;

  it('catch a Service port, a probe or a selector that points nowhere', () => {
    const wrongPort = mutate(base(), 'Service', 'gateway', (o) => (o.spec!.ports![0].targetPort = 'htp'));
    expect(checkServices(wrongPort)).toEqual([expect.stringContaining('targetPort htp')]);
    const wrongProbe = mutate(
      base(),
      'Deployment',
      'taxonomy',
      (o) => (o.spec!.template!.spec!.containers![0].readinessProbe!.httpGet!.port = 'opz'),
    );
    expect(wrongProbe.flatMap(checkObject)).toEqual([expect.stringContaining('readinessProbe points at port opz')]);
    const wrongSelector = mutate(
      base(),
      'Deployment',
      'sdg',
      (o) => (o.spec!.selector!.matchLabels = { 'app.kubernetes.io/name': 'sdg-api' }),
    );
    expect(wrongSelector.flatMap(checkObject)).toEqual([expect.stringContaining('does not match the template')]);
  });

  it('catch a variable no code reads, a missing Secret key and a command with no file behind it', () => {
    const typo = mutate(base(), 'Deployment', 'sdg', (o) =>
      o.spec!.template!.spec!.containers![0].env!.push({ name: 'PLATFORM_INFERENCE_POOL', value: '[]' }),
    );
    expect(checkEnvNames(typo, universe, readByCode)).toEqual([expect.stringContaining('PLATFORM_INFERENCE_POOL is read by no code')]);
    const key = mutate(
      base(),
      'Deployment',
      'gateway',
      (o) => (o.spec!.template!.spec!.containers![0].env![0].valueFrom!.secretKeyRef!.key = 'DATABASE_URI'),
    );
    expect(checkEnvNames(key, universe, readByCode)).toEqual([expect.stringContaining('has no key DATABASE_URI')]);
    const command = mutate(
      base(),
      'Deployment',
      'training',
      (o) => (o.spec!.template!.spec!.containers![0].command![3] = 'apps/trainer/src/main.ts'),
    );
    expect(checkCommands(ROOT, command)).toEqual([expect.stringContaining('apps/trainer/src/main.ts, which does not exist')]);
  });

  it('catch a gRPC address or ops port that misses the service, and an unreachable model server', () => {
    const url = mutate(base(), 'ConfigMap', 'platform-config', (o) => (o.data!.PLATFORM_SDG_GRPC_URL = 'sdg:9463'));
    expect(
      checkServiceAddresses(url, universe, SERVICES, CALLERS).some((m) => m.includes('does not reach the grpc port of the sdg pods')),
    ).toBe(true);
    const ops = mutate(base(), 'ConfigMap', 'platform-config', (o) => (o.data!.PLATFORM_EVALUATION_OPS_PORT = '9999'));
    expect(checkServiceAddresses(ops, universe, SERVICES, CALLERS)).toContainEqual(
      expect.stringContaining('PLATFORM_EVALUATION_OPS_PORT=9999'),
    );
    const pool = mutate(
      base(),
      'ConfigMap',
      'platform-config',
      (o) => (o.data!.PLATFORM_INFERENCE_BACKENDS = '[{"url":"http://vllm:8000"}]'),
    );
    expect(checkInferenceTargets(pool, universe)).toEqual([expect.stringContaining('http://vllm:8000 is no Service port')]);
    const account = mutate(base(), 'Deployment', 'training', (o) => (o.spec!.template!.spec!.serviceAccountName = 'default'));
    expect(checkTrainingExecutor(account, universe)).toContainEqual(expect.stringContaining('may not create Jobs'));
    const logs = mutate(
      base(),
      'Role',
      'deployment-replicas',
      (o) => (o.rules = o.rules!.filter((r) => !r.resources?.includes('pods/log'))),
    );
    expect(checkDeploymentReplicas(logs, universe)).toEqual([expect.stringContaining('may not get pods/log')]);
    const secret = mutate(base(), 'ConfigMap', 'platform-config', (o) => (o.data!.PLATFORM_DEPLOYMENT_K8S_S3_SECRET = 'bucket-keys'));
    expect(checkDeploymentReplicas(secret, universe)).toEqual([expect.stringContaining("the replicas' S3 Secret bucket-keys")]);
  });

  it('count only names the code reads: the derived service addresses take effect, a name in a comment does not count', () => {
    process.env.PLATFORM_EVALUATION_GRPC_URL = 'evaluation:50065';
    process.env.PLATFORM_EVALUATION_OPS_PORT = '9465';
    try {
      expect(serviceGrpcUrl('evaluation')).toBe('evaluation:50065');
      expect(serviceOpsPort('evaluation')).toBe(9465);
    } finally {
      delete process.env.PLATFORM_EVALUATION_GRPC_URL;
      delete process.env.PLATFORM_EVALUATION_OPS_PORT;
    }
    // apps/inference/src/inference.module.ts mentions PLATFORM_INFERENCE_COALESCE_* only in a doc comment.
    expect(readByCode('PLATFORM_INFERENCE_COALESCE_MS')).toBe(true);
    expect(envNamesInCode(ROOT).has('PLATFORM_INFERENCE_COALESCE_')).toBe(false);
    expect(readByCode('PLATFORM_NOT_A_SETTING')).toBe(false);
  });

  it('the Dockerfile builds the image the manifests run: sources at /app, contracts generated, a non-root user', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
    expect(dockerfile).toMatch(/^RUN .*npx --no-install buf generate/m);
    expect(dockerfile).toMatch(/^USER (?!0|root)\S+/m);
    const cmd = JSON.parse(dockerfile.match(/^CMD (\[.*\])$/m)![1]) as string[];
    // The image's default process is the gateway, started as the launcher and the manifest start it.
    expect(cmd.slice(1, cmd.indexOf('-r'))).toEqual(GATEWAY_NODE_FLAGS);
    expect(
      checkCommands(ROOT, [
        {
          file: 'Dockerfile',
          doc: { kind: 'Deployment', metadata: { name: 'default' }, spec: { template: { spec: { containers: [{ command: cmd }] } } } },
        },
      ]),
    ).toEqual([]);
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', 'libs/contracts/src/gen', '.data']));
  });
});
