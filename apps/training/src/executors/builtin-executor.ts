import { join, resolve } from 'node:path';
import { cpuBudget } from '@platform/common/cpu-budget';
import type { PhaseCallbacks, PhaseOutcome, PhaseSpec, TrainingExecutor, TrainMode, TuningRunSettings } from './executor';
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
  if (s.tuning) args.push(...tuningCliArgs(s.tuning, s.mode));
  return args;
}

/** The tuning flags of the engine CLI, only those a tuning sets (an InstructLab phase passes none). */
export function tuningCliArgs(t: TuningRunSettings, mode: TrainMode): string[] {
  const args = ['--objective', t.objective];
  const opt = (flag: string, v: string | number | undefined) => {
    if (v !== undefined && v !== '') args.push(flag, String(v));
  };
  if (t.objective === 'dpo') opt('--dpo-beta', t.dpoBeta);
  opt('--grad-accum-steps', t.gradAccumSteps);
  opt('--verbalizer', t.verbalizer);
  opt('--response-template', t.responseTemplate);
  opt('--init-text', t.initText);
  if (mode === 'lora' && t.loraTargets && t.loraTargets.length > 0) args.push('--lora-targets', t.loraTargets.join(','));
  if (mode === 'lora' && t.loraMlp) args.push('--lora-mlp');
  opt('--max-input-tokens', t.maxInputTokens);
  opt('--max-output-tokens', t.maxOutputTokens);
  if (mode === 'prompt_tuning') opt('--num-virtual-tokens', t.numVirtualTokens);
  opt('--weight-decay', t.weightDecay);
  return args;
}

/** The embedded default: the engine's CPU trainer as a child process of the worker. */
export class BuiltinExecutor implements TrainingExecutor {
  readonly kind = 'builtin' as const;
  readonly local = true;

  /** `threads`: the trainer's data-parallel threads, every core by default. */
  constructor(private readonly threads = cpuBudget()) {}

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
