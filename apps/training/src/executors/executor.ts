/** What a phase trains: every weight, LoRA adapters beside frozen weights, or (tunings) a soft prompt only. */
export type TrainMode = 'full' | 'lora' | 'prompt_tuning';

export type ExecutorKind = 'builtin' | 'process' | 'kubernetes';
export const EXECUTOR_KINDS: readonly ExecutorKind[] = ['builtin', 'process', 'kubernetes'];

/** One optimizer step as the trainer reports it (the engine CLI's JSON line). */
export interface StepReport {
  step: number;
  epoch: number;
  loss: number;
  lr: number;
  tokensPerSecond: number;
  /** DPO: the step's mean chosen-minus-rejected log-probability margin. */
  rewardMargin?: number;
}

export interface PhaseSettingsForRun {
  mode: TrainMode;
  epochs: number;
  learningRate: number;
  batchSize: number;
  maxSeqLen: number;
  loraRank: number;
  loraAlpha: number;
  warmupSteps: number;
  seed: number;
  /** Tunings only: what they set beyond an InstructLab phase (the engine CLI's tuning flags). */
  tuning?: TuningRunSettings;
}

/** The engine CLI's tuning flags (`--objective --dpo-beta --verbalizer …`); an unset one is left to the CLI's default. */
export interface TuningRunSettings {
  objective: 'sft' | 'dpo';
  dpoBeta?: number;
  gradAccumSteps?: number;
  verbalizer?: string;
  responseTemplate?: string;
  initText?: string;
  loraTargets?: string[];
  loraMlp?: boolean;
  maxInputTokens?: number;
  maxOutputTokens?: number;
  numVirtualTokens?: number;
  weightDecay?: number;
}

/** Where a phase's inputs and outputs live: local paths for executors on this host, object keys for remote ones. */
export interface PhaseSpec {
  modelId: string;
  phase: 1 | 2;
  settings: PhaseSettingsForRun;
  /** Local copy of the phase's JSONL (local executors). */
  dataPath: string;
  /** The same data in the bucket, `data/<data_id>/…_train_msgs.jsonl`. */
  dataKey: string;
  /** Local model directory training starts from (the base model, or phase 1's last checkpoint). */
  modelDir: string;
  /** The same model in the bucket when it is a checkpoint; undefined for the base model (baked into images). */
  modelPrefix?: string;
  /** Local output directory: `epoch-N/` checkpoints and `trainer_state.json` (a resumed run finds its state here). */
  outputDir: string;
  /** `trained_models/<id>/artifacts/phase<p>/`: remote executors upload `epoch-N/` there themselves. */
  outputPrefix: string;
  /** Epochs already saved (a resumed run); remote executors resume from `<outputPrefix>epoch-<N>/`. */
  resumeFromEpoch: number;
}

/** A finished epoch: local executors hand the directory to upload; remote ones already uploaded it. */
export interface EpochCheckpoint {
  epoch: number;
  localDir?: string;
  globalStep: number;
  totalSteps: number;
}

export interface PhaseCallbacks {
  signal: AbortSignal;
  onStep(step: StepReport): void;
  /** Awaited before training continues to be reported: the checkpoint is durable once this resolves. */
  onCheckpoint(c: EpochCheckpoint): Promise<void>;
  /** A line for the run's log (stderr of a trainer, executor notes). */
  log(line: string): void;
}

export type PhaseOutcome = { status: 'completed' } | { status: 'canceled' };

/** Runs one training phase somewhere (this host, an external command, a cluster) and reports as it goes. */
export interface TrainingExecutor {
  readonly kind: ExecutorKind;
  /** Whether the runner must stage data and models on local disk for it. */
  readonly local: boolean;
  /** Human-readable details for the run's system log (command, image, namespace …). */
  describe(): Record<string, unknown>;
  runPhase(spec: PhaseSpec, cb: PhaseCallbacks): Promise<PhaseOutcome>;
}
