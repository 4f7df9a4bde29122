import { ApiException, BatchV1Api, KubeConfig, type V1Job } from '@kubernetes/client-node';
import { pause } from '@platform/common';
import type { ObjectStore } from '@platform/object-store';
import { createObjectStoreFromEnv } from '@platform/object-store';
import type { KubernetesSettings, TrainingConfig } from '../../training-config';
import type { PhaseCallbacks, PhaseOutcome, PhaseSpec, TrainingExecutor } from '../executor';
import { buildPhaseJob, jobName } from './job-manifest';

export type JobPhase = { state: 'running' } | { state: 'succeeded' } | { state: 'failed'; reason: string };

/** Maps a Job's status to what the executor acts on (conditions first, counters for older clusters). */
export function jobPhaseOf(job: V1Job): JobPhase {
  const status = job.status ?? {};
  const conditions = status.conditions ?? [];
  const failed = conditions.find((c) => (c.type === 'Failed' || c.type === 'FailureTarget') && c.status === 'True');
  if (failed) return { state: 'failed', reason: [failed.reason, failed.message].filter(Boolean).join(': ') || 'Job failed' };
  if (conditions.some((c) => c.type === 'Complete' && c.status === 'True') || (status.succeeded ?? 0) >= 1) return { state: 'succeeded' };
  const backoff = job.spec?.backoffLimit ?? 6;
  if ((status.failed ?? 0) > backoff) return { state: 'failed', reason: `${status.failed} pods failed` };
  return { state: 'running' };
}

const EPOCH_WEIGHTS = /epoch-(\d+)\/model\.safetensors$/;

/**
 * Runs each phase as a batch/v1 Job whose pod (the platform image running apps/training/src/remote/phase-runner.ts)
 * reads its data and start model from the bucket and uploads every epoch to the phase's artifacts prefix. The
 * executor polls the Job and the bucket: new `epoch-N/` directories become checkpoints (the pod writes the weights
 * last), a Complete condition ends the phase, a Failed one fails it, and a cancel deletes the Job with its pods. A
 * worker that restarts finds the Job by name and follows it again instead of starting over.
 */
export class KubernetesExecutor implements TrainingExecutor {
  readonly kind = 'kubernetes' as const;
  readonly local = false;

  constructor(
    private readonly api: BatchV1Api,
    private readonly store: ObjectStore,
    private readonly settings: KubernetesSettings,
  ) {}

  static fromConfig(config: TrainingConfig): KubernetesExecutor {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    return new KubernetesExecutor(kc.makeApiClient(BatchV1Api), createObjectStoreFromEnv(), config.kubernetes);
  }

  describe(): Record<string, unknown> {
    const k = this.settings;
    return { executor: this.kind, namespace: k.namespace, image: k.image, cpu: k.cpu, memory: k.memory, gpus: k.gpus };
  }

  async runPhase(spec: PhaseSpec, cb: PhaseCallbacks): Promise<PhaseOutcome> {
    const namespace = this.settings.namespace;
    const name = jobName(spec.modelId, spec.phase);
    await this.submit(spec, cb);
    let reported = spec.resumeFromEpoch;
    for (;;) {
      if (cb.signal.aborted) {
        await this.remove(name, namespace, cb);
        return { status: 'canceled' };
      }
      const job = await this.api.readNamespacedJobStatus({ name, namespace });
      reported = await this.reportEpochs(spec, reported, cb);
      const phase = jobPhaseOf(job);
      if (phase.state === 'succeeded') {
        await this.reportEpochs(spec, reported, cb);
        return { status: 'completed' };
      }
      if (phase.state === 'failed') throw new Error(`Kubernetes Job ${namespace}/${name} failed: ${phase.reason}`);
      await pause(this.settings.pollMs, cb.signal);
    }
  }

  private async submit(spec: PhaseSpec, cb: PhaseCallbacks): Promise<void> {
    const body = buildPhaseJob(spec, this.settings);
    try {
      await this.api.createNamespacedJob({ namespace: this.settings.namespace, body });
      cb.log(`submitted Job ${this.settings.namespace}/${body.metadata?.name}`);
    } catch (err) {
      // A Job from an earlier attempt of this worker is still running: follow it.
      if (err instanceof ApiException && err.code === 409)
        cb.log(`following existing Job ${this.settings.namespace}/${body.metadata?.name}`);
      else throw err;
    }
  }

  private async remove(name: string, namespace: string, cb: PhaseCallbacks): Promise<void> {
    try {
      await this.api.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Foreground', gracePeriodSeconds: 10 });
      cb.log(`deleted Job ${namespace}/${name}`);
    } catch (err) {
      if (!(err instanceof ApiException && err.code === 404)) throw err;
    }
  }

  /** New complete epochs under the phase's prefix, in order, each reported once. */
  private async reportEpochs(spec: PhaseSpec, reported: number, cb: PhaseCallbacks): Promise<number> {
    const epochs: number[] = [];
    for await (const key of this.store.list(spec.outputPrefix)) {
      const m = EPOCH_WEIGHTS.exec(key);
      if (m && Number(m[1]) > reported) epochs.push(Number(m[1]));
    }
    let last = reported;
    for (const epoch of epochs.sort((a, b) => a - b)) {
      const state = await this.trainerState(spec.outputPrefix);
      await cb.onCheckpoint({ epoch, globalStep: state?.epoch === epoch ? state.global_step : 0, totalSteps: state?.total_steps ?? 0 });
      last = epoch;
    }
    return last;
  }

  private async trainerState(prefix: string): Promise<{ epoch: number; global_step: number; total_steps: number } | undefined> {
    const key = `${prefix}trainer_state.json`;
    if (!(await this.store.exists(key))) return undefined;
    return JSON.parse((await this.store.getBuffer(key, 1 << 20)).toString('utf8')) as {
      epoch: number;
      global_step: number;
      total_steps: number;
    };
  }
}
