/**
 * Training benchmark: the two InstructLab phases on the starter model with the built-in CPU trainer, exactly as the
 * training service runs them (the engine CLI as a child process, the service's CPU defaults, every core), then one
 * epoch on samples as long as SDG's, and the peak of the trainer's SIMD kernels on the same cores.
 *
 *   npm run bench:training [-- --quick]   (tools/bench/training/main.ts runs this file)
 *
 * Prints, per run, epochs, optimizer steps, training tokens, wall time, tokens/s (whole run, process start and
 * checkpoint writes included, and over the trainer's steps alone), the steps' GFLOP/s (formula in
 * libs/engine/src/training/flops.ts) and their share of the measured kernel peak, and the loss on the run's data
 * before and after, so the table also shows the training moves the model. Ends with the time the InstructLab flow's
 * training takes at the measured rate. A shared host moves these figures by ±15 % from one run to the next, so the
 * runs and the peak are taken ROUNDS times, each round's share computed against its own peak, and each row shows
 * its median round with the rounds' range beside it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuBudget } from '@platform/common/cpu-budget';
import { enableRelaxedSimd, Tokenizer, training } from '@platform/engine';
import { BuiltinExecutor } from '../executors/builtin-executor';
import type { PhaseSpec, StepReport } from '../executors/executor';
import { defaultHyperparameters, phaseRunSettings, type ResolvedHyperparameters } from '../hyperparameters';
import { testRecords, toJsonl, type TestRecord } from '../testing/records';

// The peak below is measured in this process with the kernels the trainer runs: fused, as its CLI turns relaxed SIMD on.
enableRelaxedSimd();
const quick = process.argv.includes('--quick');
const STARTER = resolve(__dirname, '../../../../models/starter');
const COPIES = quick ? 4 : 16;
const ROUNDS = quick ? 1 : 3;
const THREADS = cpuBudget();
/** The InstructLab flow the README estimates: a three-leaf taxonomy's data job yields about this many samples. */
const FLOW_SAMPLES = 1100;

interface Row {
  name: string;
  epochs: number;
  steps: number;
  tokens: number;
  seconds: number;
  /** Over the trainer's steps after the first (no process start, no checkpoints, no warm-up). */
  stepTokens: number;
  stepSeconds: number;
  stepFlops: number;
  /** Sequences per epoch. */
  sequences: number;
  lossBefore: number;
  lossAfter: number;
}

/** A row of one round, with that round's kernel peak. */
interface Measured extends Row {
  round: number;
  peakGflops: number;
}

const stepRate = (r: Row): number => r.stepTokens / r.stepSeconds;
const gflops = (r: Row): number => r.stepFlops / r.stepSeconds / 1e9;
const share = (r: Measured): number => (100 * gflops(r)) / r.peakGflops;

/** Samples as long as SDG's (the CPU defaults' max_seq_len, 256 tokens): each fact's answer told many times over. */
function longRecords(copies: number): TestRecord[] {
  return testRecords(copies).map((r) => ({
    ...r,
    messages: r.messages.map((m) =>
      m.role === 'assistant' ? { ...m, content: Array.from({ length: 30 }, () => m.content).join(' ') } : m,
    ),
  }));
}

/**
 * Tokens and FLOPs of each optimizer step, rebuilt as the trainer batches (same dataset, seed and shuffle), so the
 * steps' own tokens/s reports give their durations.
 */
function stepWork(
  modelDir: string,
  records: TestRecord[],
  h: ResolvedHyperparameters,
  epochs: number,
): { sequences: number; steps: { tokens: number; flops: number }[] } {
  const ds = training.buildDataset(records as training.InstructLabRecord[], Tokenizer.fromDir(modelDir), { maxSeqLen: h.maxSeqLen });
  const config = training.loadTrainingModel(modelDir).config;
  const out: { tokens: number; flops: number }[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (const batch of training.epochBatches(ds.sequences, h.batchSize, h.seed, epoch)) {
      out.push({
        tokens: batch.reduce((n, s) => n + s.ids.length, 0),
        flops: batch.reduce((n, s) => n + training.trainingFlops(config, s), 0),
      });
    }
  }
  return { sequences: ds.sequences.length, steps: out };
}

async function runPhase(
  executor: BuiltinExecutor,
  root: string,
  name: string,
  phase: 1 | 2,
  records: TestRecord[],
  modelDir: string,
  h: ResolvedHyperparameters,
  epochs: number,
): Promise<{ row: Row; modelDir: string }> {
  const dataPath = join(root, `${name.replace(/\W+/g, '-')}.jsonl`);
  writeFileSync(dataPath, toJsonl(records));
  const held = records.slice(0, 7) as training.InstructLabRecord[];
  const lossBefore = training.evaluateLoss(modelDir, held, { maxSeqLen: h.maxSeqLen });
  const spec: PhaseSpec = {
    modelId: 'bench',
    phase,
    settings: { ...phaseRunSettings(h, phase), epochs },
    dataPath,
    dataKey: 'unused',
    modelDir,
    outputDir: join(root, `out-${name.replace(/\W+/g, '-')}`),
    outputPrefix: 'unused/',
    resumeFromEpoch: 0,
  };
  const steps: StepReport[] = [];
  let last = '';
  const started = performance.now();
  await executor.runPhase(spec, {
    signal: new AbortController().signal,
    log: () => undefined,
    onStep: (s) => steps.push(s),
    onCheckpoint: async (c) => void (last = c.localDir ?? last),
  });
  const seconds = (performance.now() - started) / 1000;
  const { sequences, steps: work } = stepWork(modelDir, records, h, epochs);
  if (work.length !== steps.length) throw new Error(`${name}: ${steps.length} steps reported, ${work.length} expected`);
  // The first step also waits for the worker threads to start and the JIT to warm up: steady-state figures skip it.
  const first = steps.length > 1 ? 1 : 0;
  const steady = work.slice(first);
  const stepSeconds = steps.slice(first).reduce((a, s, i) => a + steady[i].tokens / s.tokensPerSecond, 0);
  return {
    modelDir: last,
    row: {
      name,
      epochs,
      steps: steps.length,
      tokens: work.reduce((a, w) => a + w.tokens, 0),
      seconds,
      stepTokens: steady.reduce((a, w) => a + w.tokens, 0),
      stepSeconds,
      stepFlops: steady.reduce((a, w) => a + w.flops, 0),
      sequences,
      lossBefore,
      lossAfter: training.evaluateLoss(last, held, { maxSeqLen: h.maxSeqLen }),
    },
  };
}

function table(head: string[], body: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const b of body) console.log(line(b));
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'bench-training-'));
  const h = defaultHyperparameters('builtin');
  if (quick) {
    h.phase1.epochs = 1;
    h.phase2.epochs = 1;
  }
  const executor = new BuiltinExecutor(THREADS);
  const rounds: Measured[][] = [];
  const peaks: training.KernelPeak[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const at = join(root, `round-${round}`);
      mkdirSync(at);
      const p1 = await runPhase(executor, at, 'phase 1 knowledge', 1, testRecords(COPIES), STARTER, h, h.phase1.epochs);
      const p2 = await runPhase(executor, at, 'phase 2 skills', 2, testRecords(COPIES, 'Sure! '), p1.modelDir, h, h.phase2.epochs);
      const long = await runPhase(executor, at, 'SDG-length samples', 1, longRecords(quick ? 2 : 4), STARTER, h, 1);
      const peak = await training.measureKernelPeak(THREADS, quick ? 0.5 : 1);
      const peakGflops = Math.max(peak.matmulGflops, peak.accumulateGflops);
      peaks.push(peak);
      rounds.push([p1.row, p2.row, long.row].map((row) => ({ ...row, round, peakGflops })));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  // Per row, the round whose share of its peak is the median, and the rounds' range.
  const rows = rounds[0].map((_, i) => {
    const each = rounds.map((r) => r[i]).sort((a, b) => share(a) - share(b));
    const range = (f: (r: Measured) => number, digits: number): string => {
      const values = each.map(f);
      return `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
    };
    return { median: each[each.length >> 1], range: each.length > 1 ? `${range(stepRate, 0)} / ${range(share, 0)} %` : '—' };
  });
  const peak = peaks[rows[2].median.round];
  console.log(
    `training benchmark: starter model (models/starter), built-in CPU trainer, ${h.mode} fine-tuning, batch ${h.batchSize}, ${THREADS} threads`,
  );
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}; data: ${COPIES * 7} records per phase\n`);
  table(
    [
      'run',
      'epochs',
      'steps',
      'tokens',
      'time s',
      'tokens/s',
      'step tokens/s',
      'GFLOP/s',
      'of peak',
      `rounds (${ROUNDS}): step tokens/s / of peak`,
      'loss on its data',
    ],
    rows.map(({ median: r, range }) => [
      r.name,
      String(r.epochs),
      String(r.steps),
      String(r.tokens),
      r.seconds.toFixed(1),
      (r.tokens / r.seconds).toFixed(0),
      stepRate(r).toFixed(0),
      gflops(r).toFixed(1),
      `${share(r).toFixed(0)} %`,
      range,
      `${r.lossBefore.toFixed(3)} → ${r.lossAfter.toFixed(3)}`,
    ]),
  );
  console.log(
    `\nkernel peak, ${peak.threads} threads at once, in-cache operands (${training.PEAK_SHAPE.outDim}×${training.PEAK_SHAPE.inDim} weight, ${training.PEAK_SHAPE.rows} rows), ` +
      `the SDG-length row's round: engine matmul (forward) ${peak.matmulGflops.toFixed(1)} GFLOP/s, accumulate (backward) ` +
      `${peak.accumulateGflops.toFixed(1)} GFLOP/s; "of peak" divides by the higher of its round's. All rounds: ` +
      peaks.map((p) => Math.max(p.matmulGflops, p.accumulateGflops).toFixed(1)).join(', ') +
      ' GFLOP/s.',
  );
  console.log(
    'FLOPs per sequence of T rows with R scored: 6·T·P_layers + 6·R·V·H + 6·L·heads·hd·T·(T+1) ' +
      '(P_layers the projection weights, V·H the head; libs/engine/src/training/flops.ts).',
  );
  const long = rows[2].median;
  const perSample = long.tokens / long.epochs / long.sequences;
  const flow = defaultHyperparameters('builtin'); // the flow's epochs, also under --quick
  const flowTokens = FLOW_SAMPLES * perSample * (flow.phase1.epochs + flow.phase2.epochs);
  const flowSeconds = flowTokens / (long.stepTokens / long.stepSeconds);
  console.log(
    `InstructLab flow: ${FLOW_SAMPLES} samples of ~${perSample.toFixed(0)} tokens, ${flow.phase1.epochs} + ${flow.phase2.epochs} epochs ` +
      `≈ ${(flowTokens / 1e6).toFixed(2)} M training tokens ≈ ${(flowSeconds / 60).toFixed(1)} min of training at the SDG-length rate.`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
