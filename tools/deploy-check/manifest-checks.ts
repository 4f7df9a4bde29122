import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Container, K8sObject, Probe } from './k8s-types';
import type { ManifestDoc } from './manifest-files';

/** Each check returns what is wrong (empty when all is well), naming the file and object. */
export type Problems = string[];

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'Job']);

const where = (d: ManifestDoc) => `${d.file}: ${d.doc.kind ?? '?'}/${d.doc.metadata?.name ?? '?'}`;
const containersOf = (o: K8sObject): Container[] => o.spec?.template?.spec?.containers ?? [];
const isSubset = (a: Record<string, string>, b: Record<string, string> | undefined) => Object.entries(a).every(([k, v]) => b?.[k] === v);

/**
 * A container running one of the platform's processes from the platform image: `node`, node's own flags if any
 * (`--max-semi-space-size=32`), then `-r @swc-node/register` and the entry.
 */
export function platformEntry(c: Container): string | undefined {
  const cmd = c.command ?? [];
  const r = cmd.indexOf('-r');
  const flagsOnly = cmd.slice(1, r).every((f) => f.startsWith('--'));
  return cmd[0] === 'node' && r > 0 && flagsOnly && cmd[r + 1] === '@swc-node/register' && cmd.length === r + 3 ? cmd[r + 2] : undefined;
}

/** The fields the API server requires, and selectors, ports and probes that agree with each other. */
export function checkObject(d: ManifestDoc): Problems {
  const o = d.doc;
  const p: Problems = [];
  if (o.kind === 'Kustomization') return p;
  if (!o.apiVersion) p.push(`${where(d)}: apiVersion missing`);
  if (!o.kind) p.push(`${where(d)}: kind missing`);
  if (!o.metadata?.name) p.push(`${where(d)}: metadata.name missing`);
  else if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(o.metadata.name) || o.metadata.name.length > 253)
    p.push(`${where(d)}: metadata.name is not a DNS subdomain name`);
  if (o.kind === 'Deployment' || o.kind === 'StatefulSet') {
    if (o.apiVersion !== 'apps/v1') p.push(`${where(d)}: apiVersion must be apps/v1`);
    const match = o.spec?.selector?.matchLabels ?? {};
    if (Object.keys(match).length === 0) p.push(`${where(d)}: spec.selector.matchLabels missing`);
    else if (!isSubset(match, o.spec?.template?.metadata?.labels))
      p.push(`${where(d)}: spec.selector does not match the template's labels`);
  }
  if (o.kind === 'Job' && o.apiVersion !== 'batch/v1') p.push(`${where(d)}: apiVersion must be batch/v1`);
  if (WORKLOADS.has(o.kind ?? '')) {
    const containers = containersOf(o);
    if (containers.length === 0) p.push(`${where(d)}: no containers`);
    for (const c of containers) p.push(...checkContainer(d, c));
  }
  if (o.kind === 'Service') {
    if (o.apiVersion !== 'v1') p.push(`${where(d)}: apiVersion must be v1`);
    if (Object.keys(o.spec?.selector ?? {}).length === 0) p.push(`${where(d)}: spec.selector missing`);
    if (!o.spec?.ports?.length) p.push(`${where(d)}: spec.ports missing`);
    for (const port of o.spec?.ports ?? [])
      if (typeof port.port !== 'number') p.push(`${where(d)}: port ${port.name ?? '?'} has no number`);
  }
  return p;
}

function checkContainer(d: ManifestDoc, c: Container): Problems {
  const p: Problems = [];
  const at = `${where(d)} container ${c.name ?? '?'}`;
  if (!c.name) p.push(`${at}: name missing`);
  if (!c.image) p.push(`${at}: image missing`);
  const names = (c.ports ?? []).map((port) => port.name).filter((n): n is string => !!n);
  if (new Set(names).size !== names.length) p.push(`${at}: duplicate port names`);
  for (const n of names)
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n) || n.length > 15) p.push(`${at}: port name ${n} is not an IANA service name`);
  for (const port of c.ports ?? [])
    if (typeof port.containerPort !== 'number') p.push(`${at}: port ${port.name ?? '?'} has no containerPort`);
  const probes: [string, Probe | undefined][] = [
    ['readinessProbe', c.readinessProbe],
    ['livenessProbe', c.livenessProbe],
    ['startupProbe', c.startupProbe],
  ];
  for (const [kind, probe] of probes) {
    if (!probe) continue;
    const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
    if (port === undefined) p.push(`${at}: ${kind} has no port`);
    else if (!declaresPort(c, port)) p.push(`${at}: ${kind} points at port ${port}, which the container does not declare`);
  }
  if (d.doc.kind !== 'Job') {
    if (!c.readinessProbe || !c.livenessProbe) p.push(`${at}: readiness and liveness probes are required`);
    if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) p.push(`${at}: cpu and memory requests are required`);
  }
  return p;
}

function declaresPort(c: Container, port: number | string): boolean {
  return (c.ports ?? []).some((cp) => (typeof port === 'number' ? cp.containerPort === port : cp.name === port));
}

/** Pod templates (with their workload) whose labels a Service's selector picks. */
function backends(docs: ManifestDoc[], selector: Record<string, string>): ManifestDoc[] {
  return docs.filter(
    (d) => (d.doc.kind === 'Deployment' || d.doc.kind === 'StatefulSet') && isSubset(selector, d.doc.spec?.template?.metadata?.labels),
  );
}

/** Every Service selects some pods, and each of its target ports is one those pods declare. */
export function checkServices(docs: ManifestDoc[]): Problems {
  const p: Problems = [];
  for (const s of docs.filter((d) => d.doc.kind === 'Service')) {
    const pods = backends(docs, s.doc.spec?.selector ?? {});
    if (pods.length === 0) p.push(`${where(s)}: its selector matches no pod template`);
    for (const port of s.doc.spec?.ports ?? []) {
      const target = port.targetPort ?? port.port;
      if (target === undefined) continue;
      for (const pod of pods)
        if (!containersOf(pod.doc).some((c) => declaresPort(c, target)))
          p.push(`${where(s)}: targetPort ${target} is not a port of ${where(pod)}`);
    }
  }
  return p;
}

/** Every process command runs a file that exists; Deployments run a service's `apps/<name>/src/main.ts`. */
export function checkCommands(root: string, docs: ManifestDoc[]): Problems {
  const p: Problems = [];
  for (const d of docs.filter((x) => WORKLOADS.has(x.doc.kind ?? '')))
    for (const c of containersOf(d.doc)) {
      const entry = platformEntry(c);
      if (!entry) continue;
      if (!existsSync(join(root, entry))) p.push(`${where(d)}: command runs ${entry}, which does not exist`);
      if (d.doc.kind === 'Deployment' && !/^apps\/[^/]+\/src\/main\.ts$/.test(entry))
        p.push(`${where(d)}: command runs ${entry}, not an apps/*/src/main.ts`);
    }
  return p;
}

/**
 * The environment a platform container gets: explicit variables and every key of the ConfigMaps/Secrets it loads,
 * looked up in its own build first (patched ConfigMaps), then anywhere under deploy/ (the Secret examples).
 */
export function environmentOf(
  c: Container,
  docs: ManifestDoc[],
  universe: ManifestDoc[],
): { names: Map<string, string>; problems: Problems } {
  const names = new Map<string, string>();
  const problems: Problems = [];
  const find = (kind: string, name?: string) =>
    [...docs, ...universe].find((d) => d.doc.kind === kind && d.doc.metadata?.name === name)?.doc;
  for (const from of c.envFrom ?? []) {
    const ref = from.configMapRef ? (['ConfigMap', from.configMapRef.name] as const) : (['Secret', from.secretRef?.name] as const);
    const source = find(ref[0], ref[1]);
    if (!source) problems.push(`envFrom ${ref[0]} ${ref[1]} is defined nowhere under deploy/`);
    for (const [key, value] of Object.entries({ ...source?.data, ...source?.stringData })) names.set(key, String(value));
  }
  for (const e of c.env ?? []) {
    if (!e.name) continue;
    const secret = e.valueFrom?.secretKeyRef;
    if (secret) {
      const s = find('Secret', secret.name);
      if (!s) problems.push(`${e.name}: Secret ${secret.name} is defined nowhere under deploy/`);
      else if (!secret.key || !(secret.key in { ...s.data, ...s.stringData }))
        problems.push(`${e.name}: Secret ${secret.name} has no key ${secret.key}`);
    }
    names.set(e.name, e.value ?? '');
  }
  return { names, problems };
}

/** Every variable handed to a platform process is one the code reads (a typo would be silently ignored). */
export function checkEnvNames(docs: ManifestDoc[], universe: ManifestDoc[], readByCode: (name: string) => boolean): Problems {
  const p: Problems = [];
  for (const d of docs.filter((x) => WORKLOADS.has(x.doc.kind ?? '')))
    for (const c of containersOf(d.doc)) {
      if (!platformEntry(c)) continue;
      const env = environmentOf(c, docs, universe);
      p.push(...env.problems.map((m) => `${where(d)}: ${m}`));
      for (const name of env.names.keys()) if (!readByCode(name)) p.push(`${where(d)}: ${name} is read by no code under apps/ or libs/`);
    }
  return p;
}

/** The process a workload runs (`taxonomy` for apps/taxonomy/src/main.ts) and its environment. */
export function processes(docs: ManifestDoc[], universe: ManifestDoc[]) {
  return docs
    .filter((d) => d.doc.kind === 'Deployment')
    .flatMap((d) =>
      containersOf(d.doc).flatMap((c) => {
        const entry = platformEntry(c);
        const app = entry?.match(/^apps\/([^/]+)\/src\/main\.ts$/)?.[1];
        return app ? [{ doc: d, container: c, app, env: environmentOf(c, docs, universe).names }] : [];
      }),
    );
}

/** `http://host:port`, `host:port` or `dns:///host:port` → the Service and port it names in this build. */
export function serviceFor(docs: ManifestDoc[], address: string): { service: ManifestDoc; targetPort: number | string } | undefined {
  const m = address.match(/^(?:[a-z]+:\/\/\/?)?([a-z0-9-]+)(?:\.[a-z0-9.-]+)?:(\d+)(?:\/.*)?$/);
  if (!m) return undefined;
  const service = docs.find((d) => d.doc.kind === 'Service' && d.doc.metadata?.name === m[1]);
  const port = service?.doc.spec?.ports?.find((x) => x.port === Number(m[2]));
  return service && port ? { service, targetPort: port.targetPort ?? Number(m[2]) } : undefined;
}

/**
 * PLATFORM_<NAME>_GRPC_URL, as every process sees it, reaches the `grpc` port of the pods that run that service, and
 * PLATFORM_<NAME>_OPS_PORT is the port their probes and Prometheus use.
 */
export function checkServiceAddresses(
  docs: ManifestDoc[],
  universe: ManifestDoc[],
  services: readonly string[],
  callers: readonly string[],
): Problems {
  const p: Problems = [];
  const procs = processes(docs, universe);
  for (const name of services) {
    const runs = procs.filter((x) => x.app === name && x.container.ports?.some((port) => port.name === 'grpc'));
    if (runs.length === 0) {
      p.push(`no Deployment serves the ${name} service's gRPC API (apps/${name}/src/main.ts with a grpc port)`);
      continue;
    }
    const prefix = `PLATFORM_${name.toUpperCase()}`;
    for (const caller of procs.filter((x) => callers.includes(x.app))) {
      const url = caller.env.get(`${prefix}_GRPC_URL`);
      if (url === undefined) {
        p.push(`${where(caller.doc)}: ${prefix}_GRPC_URL is not set (it would dial 127.0.0.1)`);
        continue;
      }
      const target = serviceFor(docs, url);
      if (!target) p.push(`${where(caller.doc)}: ${prefix}_GRPC_URL=${url} names no Service port`);
      else if (
        !backends(docs, target.service.doc.spec?.selector ?? {}).some((b) => runs.some((r) => r.doc === b)) ||
        target.targetPort !== 'grpc'
      )
        p.push(`${where(caller.doc)}: ${prefix}_GRPC_URL=${url} does not reach the grpc port of the ${name} pods`);
    }
    for (const r of procs.filter((x) => x.app === name)) {
      const ops = r.env.get(`${prefix}_OPS_PORT`);
      const declared = r.container.ports?.find((port) => port.name === 'ops')?.containerPort;
      if (ops === undefined || Number(ops) !== declared)
        p.push(`${where(r.doc)}: ${prefix}_OPS_PORT=${ops} but the ops port is ${declared}`);
      const scrape = r.doc.doc.spec?.template?.metadata?.annotations?.['prometheus.io/port'];
      if (scrape !== String(declared)) p.push(`${where(r.doc)}: prometheus.io/port ${scrape} is not the ops port ${declared}`);
    }
  }
  return p;
}

/** The model servers the inference service is given (backends and pools) are Services of this build. */
export function checkInferenceTargets(docs: ManifestDoc[], universe: ManifestDoc[]): Problems {
  const p: Problems = [];
  for (const proc of processes(docs, universe).filter((x) => x.app === 'inference')) {
    const parse = (name: string): unknown[] => {
      const raw = proc.env.get(name);
      if (!raw) return [];
      try {
        const value: unknown = JSON.parse(raw);
        if (Array.isArray(value)) return value;
      } catch {
        // reported below
      }
      p.push(`${where(proc.doc)}: ${name} is not a JSON array`);
      return [];
    };
    type Replica = { url?: unknown; backend_model?: unknown };
    const backends = parse('PLATFORM_INFERENCE_BACKENDS') as Replica[];
    const pools = parse('PLATFORM_INFERENCE_POOLS') as { model_id?: unknown; replicas?: Replica[] }[];
    if (backends.length === 0 && pools.length === 0)
      p.push(`${where(proc.doc)}: neither PLATFORM_INFERENCE_BACKENDS nor _POOLS is set (it would look for 127.0.0.1:8000)`);
    for (const pool of pools)
      if (typeof pool.model_id !== 'string' || !Array.isArray(pool.replicas) || pool.replicas.length === 0)
        p.push(`${where(proc.doc)}: a pool lacks model_id or replicas`);
    for (const r of [...backends, ...pools.flatMap((x) => x.replicas ?? [])]) {
      const target = typeof r.url === 'string' ? serviceFor(docs, r.url) : undefined;
      if (!target) {
        p.push(`${where(proc.doc)}: model server ${String(r.url)} is no Service port of this build`);
        continue;
      }
      if (typeof r.backend_model !== 'string') continue;
      const served = backendsOf(docs, target.service).flatMap((b) => containersOf(b.doc).flatMap((c) => c.args ?? []));
      const names = served.filter((a) => a.startsWith('--served-model-name=')).map((a) => a.slice('--served-model-name='.length));
      if (names.length && !names.includes(r.backend_model))
        p.push(`${where(proc.doc)}: backend_model ${r.backend_model} is not what ${r.url} serves (${names.join(', ')})`);
    }
  }
  return p;
}

const backendsOf = (docs: ManifestDoc[], service: ManifestDoc) => backends(docs, service.doc.spec?.selector ?? {});

/** What the RoleBindings of this build let a service account do: may(group, resource, verb). */
function permissionsOf(docs: ManifestDoc[], account: string | undefined): (group: string, resource: string, verb: string) => boolean {
  const roles = docs
    .filter((d) => d.doc.kind === 'RoleBinding' && d.doc.subjects?.some((s) => s.kind === 'ServiceAccount' && s.name === account))
    .map((b) => docs.find((d) => d.doc.kind === b.doc.roleRef?.kind && d.doc.metadata?.name === b.doc.roleRef?.name));
  return (group, resource, verb) =>
    roles.some((r) =>
      r?.doc.rules?.some((rule) => rule.apiGroups?.includes(group) && rule.resources?.includes(resource) && rule.verbs?.includes(verb)),
    );
}

/**
 * The Kubernetes training executor can work: the training pods run as a service account bound to a Role that may
 * create and delete Jobs, and the trainer's service account, image and S3 Secret exist.
 */
export function checkTrainingExecutor(docs: ManifestDoc[], universe: ManifestDoc[]): Problems {
  const p: Problems = [];
  const has = (kind: string, name?: string) => docs.some((d) => d.doc.kind === kind && d.doc.metadata?.name === name);
  for (const proc of processes(docs, universe).filter((x) => x.app === 'training')) {
    if (proc.env.get('PLATFORM_TRAINING_EXECUTOR') !== 'kubernetes') continue;
    const account = proc.doc.doc.spec?.template?.spec?.serviceAccountName;
    if (!account || !has('ServiceAccount', account))
      p.push(`${where(proc.doc)}: serviceAccountName ${account} is no ServiceAccount of this build`);
    const may = permissionsOf(docs, account);
    for (const verb of ['create', 'get', 'delete'])
      if (!may('batch', 'jobs', verb)) p.push(`${where(proc.doc)}: service account ${account} may not ${verb} Jobs`);
    const trainer = proc.env.get('PLATFORM_TRAINING_K8S_SERVICE_ACCOUNT');
    if (trainer && !has('ServiceAccount', trainer))
      p.push(`${where(proc.doc)}: PLATFORM_TRAINING_K8S_SERVICE_ACCOUNT ${trainer} is no ServiceAccount of this build`);
    const secret = proc.env.get('PLATFORM_TRAINING_K8S_S3_SECRET') ?? 'platform-s3';
    if (!universe.some((d) => d.doc.kind === 'Secret' && d.doc.metadata?.name === secret))
      p.push(`${where(proc.doc)}: the trainer's S3 Secret ${secret} is defined nowhere under deploy/`);
    const image = proc.env.get('PLATFORM_TRAINING_K8S_IMAGE');
    if (image !== proc.container.image)
      p.push(`${where(proc.doc)}: trainer Jobs would run ${image}, not the platform image ${proc.container.image}`);
    if (
      proc.container.env?.find((e) => e.name === 'PLATFORM_TRAINING_K8S_NAMESPACE')?.valueFrom?.fieldRef?.fieldPath !== 'metadata.namespace'
    )
      p.push(`${where(proc.doc)}: PLATFORM_TRAINING_K8S_NAMESPACE should come from the pod's own namespace`);
  }
  return p;
}

/** What the deployment service's Kubernetes replica manager calls (apps/deployment/src/replicas/kubernetes). */
const REPLICA_PERMISSIONS: [group: string, resource: string, verbs: string[]][] = [
  ['apps', 'deployments', ['create', 'get', 'delete']],
  ['', 'services', ['create', 'delete']],
  ['', 'pods', ['list']],
  ['', 'pods/log', ['get']],
];

/**
 * With PLATFORM_DEPLOYMENT_REPLICAS=kubernetes the deployment service runs as an account that may create, read and
 * delete the replicas' Deployments and Services and read their pods and logs, in its own namespace; the replicas'
 * init containers find the bucket's Secret, and CPU replicas run the platform image.
 */
export function checkDeploymentReplicas(docs: ManifestDoc[], universe: ManifestDoc[]): Problems {
  const p: Problems = [];
  for (const proc of processes(docs, universe).filter((x) => x.app === 'deployment')) {
    if (proc.env.get('PLATFORM_DEPLOYMENT_REPLICAS') !== 'kubernetes') continue;
    const account = proc.doc.doc.spec?.template?.spec?.serviceAccountName;
    if (!account || !docs.some((d) => d.doc.kind === 'ServiceAccount' && d.doc.metadata?.name === account))
      p.push(`${where(proc.doc)}: serviceAccountName ${account} is no ServiceAccount of this build`);
    const may = permissionsOf(docs, account);
    for (const [group, resource, verbs] of REPLICA_PERMISSIONS)
      for (const verb of verbs)
        if (!may(group, resource, verb)) p.push(`${where(proc.doc)}: service account ${account} may not ${verb} ${resource}`);
    const secret = proc.env.get('PLATFORM_DEPLOYMENT_K8S_S3_SECRET') ?? 'platform-s3';
    if (!universe.some((d) => d.doc.kind === 'Secret' && d.doc.metadata?.name === secret))
      p.push(`${where(proc.doc)}: the replicas' S3 Secret ${secret} is defined nowhere under deploy/`);
    const image = proc.env.get('PLATFORM_DEPLOYMENT_K8S_ENGINE_IMAGE');
    if (image !== proc.container.image)
      p.push(`${where(proc.doc)}: CPU replicas would run ${image}, not the platform image ${proc.container.image}`);
    if (
      proc.container.env?.find((e) => e.name === 'PLATFORM_DEPLOYMENT_K8S_NAMESPACE')?.valueFrom?.fieldRef?.fieldPath !==
      'metadata.namespace'
    )
      p.push(`${where(proc.doc)}: PLATFORM_DEPLOYMENT_K8S_NAMESPACE should come from the pod's own namespace`);
  }
  return p;
}

/** Absolute paths into the image (`/app/...`, the Dockerfile's WORKDIR) name files the repository ships. */
export function checkImagePaths(root: string, docs: ManifestDoc[], universe: ManifestDoc[]): Problems {
  const p: Problems = [];
  for (const d of docs.filter((x) => WORKLOADS.has(x.doc.kind ?? '')))
    for (const c of containersOf(d.doc).filter((x) => platformEntry(x)))
      for (const [name, value] of environmentOf(c, docs, universe).names)
        for (const path of value.split(',').map((v) => v.split(':')[0]))
          if (path.startsWith('/app/') && !existsSync(join(root, path.slice('/app/'.length))))
            p.push(`${where(d)}: ${name} names ${path}, not in the image`);
  return p;
}
