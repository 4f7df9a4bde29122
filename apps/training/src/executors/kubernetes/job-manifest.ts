import { isAbsolute, relative, resolve } from 'node:path';
import type { V1Job } from '@kubernetes/client-node';
import type { KubernetesSettings } from '../../training-config';
import type { PhaseSpec } from '../executor';

export const PHASE_RUNNER_ENTRY = 'apps/training/src/remote/phase-runner.ts';
const WORKSPACE = resolve(__dirname, '../../../../..');

/** The image holds the repository at its working directory, so a base model inside the workspace is named relatively. */
function inImage(dir: string): string {
  const rel = relative(WORKSPACE, dir);
  return rel.startsWith('..') || isAbsolute(rel) ? dir : rel;
}

/** A DNS-1123 label: the Job's name is derived from the job id and phase so a restarted worker finds its Job again. */
export function jobName(modelId: string, phase: number): string {
  return `ilab-train-${modelId}-p${phase}`.toLowerCase().slice(0, 63);
}

/** Environment of the phase runner: where its inputs are in the bucket and what to train with. */
export function phaseRunnerEnv(spec: PhaseSpec): Record<string, string> {
  const s = spec.settings;
  const env: Record<string, string> = {
    PLATFORM_PHASE_MODEL_ID: spec.modelId,
    PLATFORM_PHASE: String(spec.phase),
    PLATFORM_PHASE_DATA_KEY: spec.dataKey,
    PLATFORM_PHASE_OUTPUT_PREFIX: spec.outputPrefix,
    PLATFORM_PHASE_RESUME_EPOCH: String(spec.resumeFromEpoch),
    PLATFORM_PHASE_MODE: s.mode,
    PLATFORM_PHASE_EPOCHS: String(s.epochs),
    PLATFORM_PHASE_LEARNING_RATE: String(s.learningRate),
    PLATFORM_PHASE_BATCH_SIZE: String(s.batchSize),
    PLATFORM_PHASE_MAX_SEQ_LEN: String(s.maxSeqLen),
    PLATFORM_PHASE_WARMUP_STEPS: String(s.warmupSteps),
    PLATFORM_PHASE_SEED: String(s.seed),
    PLATFORM_PHASE_LORA_RANK: String(s.loraRank),
    PLATFORM_PHASE_LORA_ALPHA: String(s.loraAlpha),
  };
  // Tunings: the engine CLI's tuning flags, read back by the phase runner.
  if (s.tuning) env.PLATFORM_PHASE_TUNING = JSON.stringify(s.tuning);
  if (spec.modelPrefix) env.PLATFORM_PHASE_MODEL_PREFIX = spec.modelPrefix;
  else env.PLATFORM_PHASE_MODEL_DIR = inImage(spec.modelDir);
  return env;
}

/**
 * The batch/v1 Job for one phase: one pod, never restarted in place (a retry is a new pod, up to backoffLimit,
 * and resumes from the checkpoints already in the bucket), bucket credentials from a Secret, cleaned up a day after
 * it finished.
 */
export function buildPhaseJob(spec: PhaseSpec, k: KubernetesSettings): V1Job {
  const name = jobName(spec.modelId, spec.phase);
  const labels = {
    'app.kubernetes.io/name': 'ilab-training',
    'app.kubernetes.io/part-of': 'llm-platform',
    'platform/model-id': spec.modelId,
    'platform/phase': String(spec.phase),
  };
  const limits: Record<string, string> = { cpu: k.cpu, memory: k.memory };
  if (k.gpus > 0) limits['nvidia.com/gpu'] = String(k.gpus);
  const patch = k.podSpecPatch ? (JSON.parse(k.podSpecPatch) as Record<string, unknown>) : {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: k.namespace, labels },
    spec: {
      backoffLimit: 3,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          ...(k.serviceAccount ? { serviceAccountName: k.serviceAccount } : {}),
          containers: [
            {
              name: 'trainer',
              image: k.image,
              command: ['node', '-r', '@swc-node/register', PHASE_RUNNER_ENTRY],
              env: Object.entries(phaseRunnerEnv(spec)).map(([n, value]) => ({ name: n, value })),
              envFrom: [{ secretRef: { name: k.s3Secret } }],
              resources: { requests: { cpu: k.cpu, memory: k.memory }, limits },
            },
          ],
          ...patch,
        },
      },
    },
  };
}
