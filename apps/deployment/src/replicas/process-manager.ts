import type { ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listenHost } from '@platform/common';
import type { ObjectStore } from '@platform/object-store';
import { answersOk, requestsInFlight, servedModelIds } from './http-probes';
import { launchEngine, logTail } from './process/engine-launch';
import { ModelDownloads } from './process/model-download';
import { ownsProcess, parseProcessHandle, pidAlive, terminate, type ProcessHandle } from './process/process-handle';
import { ReplicaStartError, type ReplicaHealth, type ReplicaManager, type ReplicaSpec, type StartedReplica } from './replica-manager';

export interface ProcessManagerOptions {
  store: ObjectStore;
  /** Downloads, logs and the records of running replicas: `<workDir>/<deploymentId>/r<rev>/…`. */
  workDir: string;
  threads: number;
  logLevel: string;
  /** The host the inference service dials. */
  advertiseHost: string;
  startTimeoutMs: number;
  /** SIGTERM → SIGKILL: the engine server drains its running requests in between. Default 35 s. */
  stopGraceMs?: number;
}

/**
 * Replicas as engine-server processes on this host (the embedded default). Each runs detached in its own process
 * group with its output in a log file, so a deployment service that crashes leaves it running for the next keeper to
 * adopt; each rev's weights are downloaded once and stay, whatever its replicas do (a crashed one restarts from them),
 * until the keeper releases the rev. A record of every process (`<replicaId>.json`, written as soon as it
 * is spawned) lets a keeper find even a replica whose start the crash interrupted, and stop it.
 */
export class ProcessReplicaManager implements ReplicaManager {
  readonly kind = 'process' as const;
  private readonly downloads: ModelDownloads;
  /** The processes this manager spawned (their exit is seen at once; adopted ones are polled by pid). */
  private readonly children = new Map<number, ChildProcess>();
  /** Starts in progress per rev directory: `release` leaves the rev alone while one is under way. */
  private readonly starting = new Map<string, number>();

  constructor(private readonly o: ProcessManagerOptions) {
    this.downloads = new ModelDownloads(o.store);
  }

  async start(spec: ReplicaSpec, signal: AbortSignal): Promise<StartedReplica> {
    const revDir = this.revDir(spec);
    this.starting.set(revDir, (this.starting.get(revDir) ?? 0) + 1);
    try {
      await mkdir(revDir, { recursive: true });
      // A record left by an interrupted start of this same replica: that process must not stay behind.
      await this.stopRecorded(spec);
      const modelDir = await this.downloads.ensure(revDir, spec.modelPrefix);
      signal.throwIfAborted();
      const { child, handle } = await launchEngine({
        replicaId: spec.replicaId,
        modelDir,
        servedModelName: spec.servedModelName,
        logFile: join(revDir, `${spec.replicaId}.log`),
        threads: this.o.threads,
        logLevel: this.o.logLevel,
        maxModelLen: spec.maxSequenceLength,
      });
      this.children.set(handle.pid, child);
      child.once('exit', () => this.children.delete(handle.pid));
      // Written whole or not at all: a keeper that takes over after a crash reads it to find the process.
      const record = this.recordFile(spec);
      await writeFile(`${record}.partial`, JSON.stringify(handle));
      await rename(`${record}.partial`, record);
      await this.untilHealthy(spec, child, handle, signal);
      return this.started(spec.servedModelName, handle);
    } finally {
      const left = (this.starting.get(revDir) ?? 1) - 1;
      if (left > 0) this.starting.set(revDir, left);
      else this.starting.delete(revDir);
    }
  }

  async adopt(spec: ReplicaSpec, stored: StartedReplica): Promise<StartedReplica | undefined> {
    const handle = parseProcessHandle(stored.handle) ?? (await this.readRecord(spec));
    if (!handle) return undefined;
    const mine = pidAlive(handle.pid) && ownsProcess(handle.pid, handle.replicaId || spec.replicaId);
    const local = localUrl(handle);
    if (mine && (await answersOk(local, '/health')) && (await servedModelIds(local))?.includes(spec.servedModelName)) {
      return this.started(spec.servedModelName, handle);
    }
    // Not a replica that serves (still loading after an interrupted start, hung): nothing of it may stay.
    await this.stop(this.started(spec.servedModelName, handle));
    return undefined;
  }

  async probe(replica: StartedReplica, signal: AbortSignal): Promise<ReplicaHealth> {
    const handle = parseProcessHandle(replica.handle);
    if (!handle || !this.running(handle)) return 'gone';
    return (await answersOk(localUrl(handle), '/health', signal)) ? 'healthy' : 'unhealthy';
  }

  async inFlight(replica: StartedReplica, signal: AbortSignal): Promise<number | undefined> {
    const handle = parseProcessHandle(replica.handle);
    if (!handle || !this.running(handle)) return 0;
    return requestsInFlight(localUrl(handle), signal);
  }

  async stop(replica: StartedReplica): Promise<void> {
    const handle = parseProcessHandle(replica.handle);
    if (!handle) return;
    if (this.running(handle)) await terminate(handle.pid, this.o.stopGraceMs ?? 35_000);
    if (handle.replicaId) await rm(join(handle.modelDir, '..', `${handle.replicaId}.json`), { force: true });
  }

  /** Removes the deployment's rev folders (weights, logs) but those kept, and the deployment's folder once none is left. */
  async release(deploymentId: string, keepRevs: readonly number[]): Promise<void> {
    const deploymentDir = join(this.o.workDir, deploymentId);
    const revs = await readdir(deploymentDir).catch(() => undefined);
    if (!revs) return;
    for (const name of revs) {
      if (keepRevs.some((rev) => name === `r${rev}`)) continue;
      await this.removeUnused(join(deploymentDir, name));
    }
    if ((await readdir(deploymentDir).catch(() => undefined))?.length === 0) await rm(deploymentDir, { recursive: true, force: true });
  }

  private async untilHealthy(spec: ReplicaSpec, child: ChildProcess, handle: ProcessHandle, signal: AbortSignal): Promise<void> {
    const local = localUrl(handle);
    const deadline = Date.now() + this.o.startTimeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        const how = child.exitCode !== null ? `with code ${child.exitCode}` : `on ${child.signalCode}`;
        throw await this.startError(handle, `the engine server exited ${how} before it was ready`);
      }
      if (signal.aborted) {
        await this.stop(this.started(spec.servedModelName, handle));
        throw signal.reason instanceof Error ? signal.reason : new Error('replica start aborted');
      }
      if (Date.now() > deadline) {
        await this.stop(this.started(spec.servedModelName, handle));
        throw await this.startError(handle, `the engine server did not answer its health check within ${this.o.startTimeoutMs} ms`);
      }
      if (await answersOk(local, '/health', signal)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private async startError(handle: ProcessHandle, what: string): Promise<ReplicaStartError> {
    const tail = await logTail(handle.logFile);
    await rm(join(handle.modelDir, '..', `${handle.replicaId}.json`), { force: true });
    return new ReplicaStartError(tail ? `${what}: ${tail}` : what);
  }

  private started(servedModelName: string, handle: ProcessHandle): StartedReplica {
    return {
      url: `http://${this.o.advertiseHost}:${handle.port}`,
      adapter: 'openai',
      backendModel: servedModelName,
      handle: { ...handle },
    };
  }

  private running(handle: ProcessHandle): boolean {
    const child = this.children.get(handle.pid);
    // An exited child stays a zombie until the event loop reaps it and sets exitCode; terminate() counts it gone
    // from the zombie state on, so this must too, or a stop would be followed by a probe of a closed port.
    if (child) return child.exitCode === null && child.signalCode === null && pidAlive(handle.pid);
    return pidAlive(handle.pid) && ownsProcess(handle.pid, handle.replicaId);
  }

  private revDir(spec: Pick<ReplicaSpec, 'deploymentId' | 'rev'>): string {
    return join(this.o.workDir, spec.deploymentId, `r${spec.rev}`);
  }

  private recordFile(spec: ReplicaSpec): string {
    return join(this.revDir(spec), `${spec.replicaId}.json`);
  }

  private async readRecord(spec: ReplicaSpec): Promise<ProcessHandle | undefined> {
    try {
      return parseProcessHandle(JSON.parse(await readFile(this.recordFile(spec), 'utf8')) as Record<string, unknown>);
    } catch {
      return undefined;
    }
  }

  private async stopRecorded(spec: ReplicaSpec): Promise<void> {
    const handle = await this.readRecord(spec);
    if (handle) await this.stop(this.started(spec.servedModelName, handle));
  }

  /** A rev's folder, unless a replica of it starts or still has a record (a process that may run). */
  private async removeUnused(revDir: string): Promise<void> {
    if (this.starting.has(revDir)) return;
    const entries = await readdir(revDir).catch(() => undefined);
    if (!entries || entries.some((e) => e.endsWith('.json'))) return;
    await rm(revDir, { recursive: true, force: true });
  }
}

/** Where this host reaches a replica: the address it listens on (PLATFORM_LISTEN_HOST), loopback for a wildcard. */
function localUrl(handle: ProcessHandle): string {
  const host = listenHost();
  const local = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${local.includes(':') ? `[${local}]` : local}:${handle.port}`;
}
