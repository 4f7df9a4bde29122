/**
 * Command-line entry for running a training job as a child process:
 *
 *   node -r @swc-node/register libs/engine/src/training/cli.ts --model-dir M --data train.jsonl --output-dir OUT \
 *     [--mode full|lora|prompt_tuning] [--epochs N] [--learning-rate X] [--warmup-steps N] [--batch-size N]
 *     [--grad-accum-steps N] [--max-seq-len N] [--seed N] [--lora-rank N] [--lora-alpha X] [--lora-mlp]
 *     [--num-virtual-tokens N] [--no-save-every-epoch] [--metrics-file F] [--max-grad-norm X]
 *     [--weight-decay X] [--unmask] [--no-resume] [--threads N]
 *     [--verbalizer S] [--response-template S] [--init-text S] [--lora-targets q_proj,k_proj,v_proj,o_proj]
 *     [--max-input-tokens N] [--max-output-tokens N]
 *     [--objective sft|dpo] [--dpo-beta X]
 *
 * Under `--objective dpo` the data lines are `{prompt, chosen, rejected}` preference pairs (prompt a string or a messages
 * array) and each metrics line also has `reward_margin`.
 *
 * `--threads` defaults to 1: the training service passes every core (`BuiltinExecutor`); in-process callers (the
 * specs run main() inside vitest's forks) cannot start the swc-registered gradient workers.
 *
 * stdout carries only JSON lines: one metrics object per optimizer step, then {"event":"done",...}. Errors go
 * to stderr with exit code 1; SIGINT/SIGTERM stop at the next micro-batch and exit 130 without a checkpoint.
 */
import { parseArgs } from 'node:util';
import { enableRelaxedSimd } from '../wasm-kernel';
import { ATTN_PROJS, type ProjName } from './llama-params';
import type { TrainingMode } from './modes';
import { train, type TrainingObjective } from './trainer';

const MODES: readonly TrainingMode[] = ['full', 'lora', 'prompt_tuning'];
const OBJECTIVES: readonly TrainingObjective[] = ['sft', 'dpo'];

function num(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${flag} must be a number, got ${v}`);
  return n;
}

/** `--lora-targets q_proj,v_proj`: a non-empty subset of the attention projections. */
function loraTargets(v: string | undefined): ProjName[] | undefined {
  if (v === undefined) return undefined;
  const names = v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = names.find((n) => !(ATTN_PROJS as readonly string[]).includes(n));
  if (bad !== undefined || names.length === 0) throw new Error(`--lora-targets must list some of ${ATTN_PROJS.join(', ')}, got ${v}`);
  return names as ProjName[];
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'model-dir': { type: 'string' },
      data: { type: 'string' },
      'output-dir': { type: 'string' },
      mode: { type: 'string' },
      epochs: { type: 'string' },
      'learning-rate': { type: 'string' },
      'warmup-steps': { type: 'string' },
      'batch-size': { type: 'string' },
      'grad-accum-steps': { type: 'string' },
      'max-seq-len': { type: 'string' },
      seed: { type: 'string' },
      'lora-rank': { type: 'string' },
      'lora-alpha': { type: 'string' },
      'lora-mlp': { type: 'boolean' },
      'num-virtual-tokens': { type: 'string' },
      'no-save-every-epoch': { type: 'boolean' },
      'metrics-file': { type: 'string' },
      'max-grad-norm': { type: 'string' },
      'weight-decay': { type: 'string' },
      unmask: { type: 'boolean' },
      'no-resume': { type: 'boolean' },
      threads: { type: 'string' },
      objective: { type: 'string' },
      'dpo-beta': { type: 'string' },
      verbalizer: { type: 'string' },
      'response-template': { type: 'string' },
      'init-text': { type: 'string' },
      'lora-targets': { type: 'string' },
      'max-input-tokens': { type: 'string' },
      'max-output-tokens': { type: 'string' },
    },
    strict: true,
  });
  const modelDir = values['model-dir'];
  const dataPath = values.data;
  const outputDir = values['output-dir'];
  if (!modelDir || !dataPath || !outputDir) throw new Error('--model-dir, --data and --output-dir are required');
  const mode = (values.mode ?? 'full') as TrainingMode;
  if (!MODES.includes(mode)) throw new Error(`--mode must be one of ${MODES.join(', ')}`);
  const objective = (values.objective ?? 'sft') as TrainingObjective;
  if (!OBJECTIVES.includes(objective)) throw new Error(`--objective must be one of ${OBJECTIVES.join(', ')}`);

  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let result: Awaited<ReturnType<typeof train>>;
  try {
    result = await train({
      modelDir,
      dataPath,
      outputDir,
      mode,
      epochs: num(values.epochs, 'epochs'),
      learningRate: num(values['learning-rate'], 'learning-rate'),
      warmupSteps: num(values['warmup-steps'], 'warmup-steps'),
      batchSize: num(values['batch-size'], 'batch-size'),
      gradAccumSteps: num(values['grad-accum-steps'], 'grad-accum-steps'),
      maxSeqLen: num(values['max-seq-len'], 'max-seq-len'),
      seed: num(values.seed, 'seed'),
      loraRank: num(values['lora-rank'], 'lora-rank'),
      loraAlpha: num(values['lora-alpha'], 'lora-alpha'),
      loraMlp: values['lora-mlp'],
      numVirtualTokens: num(values['num-virtual-tokens'], 'num-virtual-tokens'),
      saveEveryEpoch: !values['no-save-every-epoch'],
      metricsPath: values['metrics-file'],
      maxGradNorm: num(values['max-grad-norm'], 'max-grad-norm'),
      weightDecay: num(values['weight-decay'], 'weight-decay'),
      unmask: values.unmask,
      resume: !values['no-resume'],
      threads: num(values.threads, 'threads'),
      objective,
      dpoBeta: num(values['dpo-beta'], 'dpo-beta'),
      verbalizer: values.verbalizer,
      responseTemplate: values['response-template'],
      initText: values['init-text'],
      loraTargets: loraTargets(values['lora-targets']),
      maxInputTokens: num(values['max-input-tokens'], 'max-input-tokens'),
      maxOutputTokens: num(values['max-output-tokens'], 'max-output-tokens'),
      signal: ac.signal,
      onMetrics: (m) => process.stdout.write(JSON.stringify(m) + '\n'),
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  process.stdout.write(JSON.stringify({ event: 'done', ...result }) + '\n');
  return result.aborted ? 130 : 0;
}

if (require.main === module) {
  // Fused multiply-adds in the matmul and gradient blocks, the gradient workers included (tools/bench/training).
  enableRelaxedSimd();
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
