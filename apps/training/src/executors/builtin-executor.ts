import { join, resolve } from 'node:path';
import type { PhaseCallbacks, PhaseOutcome, PhaseSpec, TrainingExecutor } from './executor';
import { runJsonLinesCommand } from './json-lines-command';

const WORKSPACE = resolve(__dirname, '../../../..');
export const ENGINE_TRAINING_CLI = join(WORKSPACE, 'libs/engine/src/training/cli.ts');

/** The engine's training CLI arguments for one phase. */
export function engineCliArgs(spec: PhaseSpec, threads: number): string[] {
  const s = spec.settings;
  const args = [
    '--model-dir',
    spec.modelDir,
    '--data',
    spec.dataPath,
    '--output-dir',
    spec.outputDir,
    '--mode',
    s.mode,
    '--epochs',
    String(s.epochs),
    '--learning-rate',
    String(s.learningRate),
    '--batch-size',
    String(s.batchSize),
    '--max-seq-len',
    String(s.maxSeqLen),
    '--warmup-steps',
    String(s.warmupSteps),
    '--seed',
    String(s.seed),
    '--threads',
    String(threads),
  ];
  if (s.mode === 'lora') args.push('--lora-rank', String(s.loraRank), '--lora-alpha', String(s.loraAlpha));
  return args;
}

/** The embedded default: the engine's CPU trainer as a child process of the worker. */
export class BuiltinExecutor implements TrainingExecutor {
  readonly kind = 'builtin' as const;
  readonly local = true;

  constructor(private readonly threads = 1) {}

  describe(): Record<string, unknown> {
    return { executor: this.kind, trainer: 'libs/engine/src/training/cli.ts', threads: this.threads, node: process.version };
  }

  runPhase(spec: PhaseSpec, cb: PhaseCallbacks): Promise<PhaseOutcome> {
    return runJsonLinesCommand(
      {
        command: process.execPath,
        args: ['-r', '@swc-node/register', ENGINE_TRAINING_CLI, ...engineCliArgs(spec, this.threads)],
        cwd: WORKSPACE,
        env: { ...process.env, SWC_NODE_PROJECT: join(WORKSPACE, 'tsconfig.json') },
        outputDir: spec.outputDir,
        reportedEpochs: spec.resumeFromEpoch,
      },
      cb,
    );
  }
}
