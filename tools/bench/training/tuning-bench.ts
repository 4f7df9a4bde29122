/**
 * Prompt tuning and DPO on the starter model, side by side in one run: the engine's training CLI as a child process,
 * as the training service's executors run it. Run by `npm run bench:training` after the InstructLab phases.
 *
 *   node -r @swc-node/register tools/bench/training/tuning-bench.ts [--quick]
 *
 * Per row: epochs, optimizer steps, records (pairs for DPO), training tokens (both answers of every pair for DPO),
 * wall time (process start, DPO's reference pass and checkpoint writes included), tokens/s, pairs/s, the trainer's
 * own mean per-step tokens/s, and what the run changed on its data: the loss for prompt tuning, the held-out
 * log p(chosen) − log p(rejected) margin for DPO.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Tokenizer, training } from '@platform/engine';

const quick = process.argv.includes('--quick');
const root = resolve(__dirname, '../../..');
const STARTER = join(root, 'models/starter');
const CLI = join(root, 'libs/engine/src/training/cli.ts');
const COPIES = quick ? 2 : 6;
const MAX_SEQ_LEN = 256;
const EPOCHS = quick ? 1 : 3;
/** LoRA's engine default (2e-4) barely moves a sub-million-parameter model in three epochs. */
const DPO_LR = 2e-3;

const FACTS: [string, string][] = [
  ['What colour is the sky?', 'The sky is blue.'],
  ['What colour is grass?', 'Grass is green.'],
  ['What do cats say?', 'Cats say meow.'],
  ['What do dogs say?', 'Dogs say woof.'],
  ['How many legs does a spider have?', 'A spider has eight legs.'],
  ['What is two plus two?', 'Two plus two is four.'],
  ['What colour is snow?', 'Snow is white.'],
];
const HELD_OUT: [string, string][] = [
  ['What do cows say?', 'Cows say moo.'],
  ['What colour is coal?', 'Coal is black.'],
  ['What is one plus one?', 'One plus one is two.'],
];

const copies = <T>(xs: T[], n: number): T[] => Array.from({ length: n }, () => xs).flat();
/** watsonx prompt-tuning data: the answers to learn, in a style the starter model does not have. */
const ioRecords = copies(
  FACTS.map(([q, a]) => ({ input: `Question: ${q}\nAnswer:`, output: ` Sure! ${a}` })),
  COPIES,
);
/** A kind sign-off preferred to a glum one of the same length (as the engine's DPO spec). */
const pairs = (facts: [string, string][]): training.PreferenceRecord[] =>
  facts.map(([q, a]) => ({ prompt: [{ role: 'user', content: q }], chosen: `${a} Have a good day.`, rejected: `${a} Have a grim day.` }));
const trainPairs = copies(pairs(FACTS), COPIES);
const heldOutPairs = pairs(HELD_OUT);

interface Row {
  row: string;
  epochs: number;
  steps: number;
  records: number;
  tokens: number;
  seconds: number;
  pairs?: number;
  stepTokensPerSecond: number;
  quality: string;
}

/** Runs the CLI; returns the metrics lines and the last checkpoint directory. */
function runCli(args: string[]): Promise<{ steps: training.StepMetrics[]; checkpoint: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', CLI, ...args], {
      cwd: root,
      env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`training CLI exited ${code}`));
      const lines = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const done = lines.at(-1) as { checkpoints: string[] };
      resolvePromise({ steps: lines.slice(0, -1) as unknown as training.StepMetrics[], checkpoint: done.checkpoints.at(-1)! });
    });
  });
}

const meanStepTokens = (steps: training.StepMetrics[]): number =>
  steps.reduce((a, s) => a + s.tokens_per_second, 0) / Math.max(1, steps.length);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-tuning-'));
  const tok = Tokenizer.fromDir(STARTER);
  const rows: Row[] = [];
  try {
    const common = [
      '--model-dir',
      STARTER,
      '--epochs',
      String(EPOCHS),
      '--batch-size',
      '8',
      '--max-seq-len',
      String(MAX_SEQ_LEN),
      '--threads',
      '1',
    ];

    // Prompt tuning: 8 virtual tokens, the engine's default learning rate for the mode (3e-2).
    const ptData = join(dir, 'pt.jsonl');
    writeFileSync(ptData, ioRecords.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const ptLossBefore = training.evaluateLoss(STARTER, ioRecords, { maxSeqLen: MAX_SEQ_LEN });
    let started = performance.now();
    const pt = await runCli([...common, '--data', ptData, '--output-dir', join(dir, 'pt'), '--mode', 'prompt_tuning']);
    let seconds = (performance.now() - started) / 1000;
    const ptSeqs = training.buildDataset(ioRecords, tok, { maxSeqLen: MAX_SEQ_LEN }).sequences;
    rows.push({
      row: 'prompt tuning (8 virtual tokens)',
      epochs: EPOCHS,
      steps: pt.steps.length,
      records: ioRecords.length,
      tokens: ptSeqs.reduce((n, s) => n + s.ids.length, 0),
      seconds,
      stepTokensPerSecond: meanStepTokens(pt.steps),
      quality: `loss ${ptLossBefore.toFixed(3)} → ${training.evaluateLoss(pt.checkpoint, ioRecords, { maxSeqLen: MAX_SEQ_LEN }).toFixed(3)}`,
    });

    // DPO with LoRA (policy = merged adapters, reference = the starter model).
    const dpoData = join(dir, 'dpo.jsonl');
    writeFileSync(dpoData, trainPairs.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const marginBefore = training.evaluatePreferences(STARTER, heldOutPairs, { maxSeqLen: MAX_SEQ_LEN }).meanMargin;
    started = performance.now();
    const dpo = await runCli([
      ...common,
      '--data',
      dpoData,
      '--output-dir',
      join(dir, 'dpo'),
      '--mode',
      'lora',
      '--objective',
      'dpo',
      '--learning-rate',
      String(DPO_LR),
    ]);
    seconds = (performance.now() - started) / 1000;
    const ds = training.buildPreferenceDataset(trainPairs, tok, { maxSeqLen: MAX_SEQ_LEN });
    const marginAfter = training.evaluatePreferences(dpo.checkpoint, heldOutPairs, { maxSeqLen: MAX_SEQ_LEN }).meanMargin;
    rows.push({
      row: `DPO, LoRA rank 8, β 0.1, lr ${DPO_LR}`,
      epochs: EPOCHS,
      steps: dpo.steps.length,
      records: trainPairs.length,
      pairs: ds.pairs.length,
      tokens: ds.pairs.reduce((n, p) => n + p.chosen.ids.length + p.rejected.ids.length, 0),
      seconds,
      stepTokensPerSecond: meanStepTokens(dpo.steps),
      quality: `held-out margin ${marginBefore.toFixed(2)} → ${marginAfter.toFixed(2)}`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  print(rows);
}

function print(rows: Row[]): void {
  console.log(`\ntuning benchmark: starter model (models/starter), engine training CLI, batch 8, 1 thread`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n`);
  const head = ['run', 'epochs', 'steps', 'records', 'tokens', 'time s', 'tokens/s', 'pairs/s', 'step tokens/s', 'on its data'];
  const body = rows.map((r) => [
    r.row,
    String(r.epochs),
    String(r.steps),
    String(r.records),
    String(r.tokens * r.epochs),
    r.seconds.toFixed(1),
    ((r.tokens * r.epochs) / r.seconds).toFixed(0),
    r.pairs === undefined ? '' : ((r.pairs * r.epochs) / r.seconds).toFixed(1),
    r.stepTokensPerSecond.toFixed(0),
    r.quality,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const b of body) console.log(line(b));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
