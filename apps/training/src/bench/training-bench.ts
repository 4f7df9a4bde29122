/**
 * Training benchmark: the two InstructLab phases on the starter model with the built-in CPU trainer, exactly as the
 * training service runs them (the engine CLI as a child process, the service's CPU defaults).
 *
 *   npm run bench:training [-- --quick]   (tools/bench/training/main.ts runs this file)
 *
 * Prints, per phase, epochs, optimizer steps, training tokens, wall time, tokens/s (whole phase, process start and
 * checkpoint writes included, and the trainer's own per-step figure), and the loss on the phase's facts before and after, so the
 * table also shows the training moves the model.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Tokenizer, training } from '@platform/engine';
import { BuiltinExecutor } from '../executors/builtin-executor';
import type { PhaseSpec, StepReport } from '../executors/executor';
import { defaultHyperparameters, phaseRunSettings } from '../hyperparameters';
import { testRecords, toJsonl } from '../testing/records';

const quick = process.argv.includes('--quick');
const STARTER = resolve(__dirname, '../../../../models/starter');
const COPIES = quick ? 4 : 16;

interface PhaseRow {
  phase: string;
  epochs: number;
  steps: number;
  tokens: number;
  seconds: number;
  stepTokensPerSecond: number;
  lossBefore: number;
  lossAfter: number;
}

function epochTokens(modelDir: string, records: training.InstructLabRecord[], maxSeqLen: number): number {
  const ds = training.buildDataset(records, Tokenizer.fromDir(modelDir), { maxSeqLen });
  return ds.sequences.reduce((n, s) => n + s.ids.length, 0);
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'bench-training-'));
  const h = defaultHyperparameters('builtin');
  if (quick) {
    h.phase1.epochs = 1;
    h.phase2.epochs = 1;
  }
  const executor = new BuiltinExecutor(1);
  const rows: PhaseRow[] = [];
  try {
    let modelDir = STARTER;
    const phases = [
      { phase: 1 as const, name: 'phase 1 knowledge', records: testRecords(COPIES), settings: h.phase1 },
      { phase: 2 as const, name: 'phase 2 skills', records: testRecords(COPIES, 'Sure! '), settings: h.phase2 },
    ];
    for (const p of phases) {
      const dataPath = join(root, `phase${p.phase}.jsonl`);
      writeFileSync(dataPath, toJsonl(p.records));
      const held = p.records.slice(0, 7) as training.InstructLabRecord[];
      const lossBefore = training.evaluateLoss(modelDir, held, { maxSeqLen: h.maxSeqLen });
      const spec: PhaseSpec = {
        modelId: 'bench',
        phase: p.phase,
        settings: phaseRunSettings(h, p.phase),
        dataPath,
        dataKey: 'unused',
        modelDir,
        outputDir: join(root, `out${p.phase}`),
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
      const tokens = p.settings.epochs * epochTokens(modelDir, p.records as training.InstructLabRecord[], h.maxSeqLen);
      modelDir = last;
      rows.push({
        phase: p.name,
        epochs: p.settings.epochs,
        steps: steps.length,
        tokens,
        seconds,
        stepTokensPerSecond: steps.reduce((a, s) => a + s.tokensPerSecond, 0) / Math.max(1, steps.length),
        lossBefore,
        lossAfter: training.evaluateLoss(modelDir, held, { maxSeqLen: h.maxSeqLen }),
      });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  console.log(
    `training benchmark: starter model (models/starter), built-in CPU trainer, ${h.mode} fine-tuning, batch ${h.batchSize}, 1 thread`,
  );
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}; data: ${COPIES * 7} records per phase\n`);
  const head = ['phase', 'epochs', 'steps', 'tokens', 'time s', 'tokens/s', 'step tokens/s', 'loss on its data'];
  const body = rows.map((r) => [
    r.phase,
    String(r.epochs),
    String(r.steps),
    String(r.tokens),
    r.seconds.toFixed(1),
    (r.tokens / r.seconds).toFixed(0),
    r.stepTokensPerSecond.toFixed(0),
    `${r.lossBefore.toFixed(3)} → ${r.lossAfter.toFixed(3)}`,
  ]);
  const total = rows.reduce((a, r) => ({ tokens: a.tokens + r.tokens, seconds: a.seconds + r.seconds }), { tokens: 0, seconds: 0 });
  body.push(['total', '', '', String(total.tokens), total.seconds.toFixed(1), (total.tokens / total.seconds).toFixed(0), '', '']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const b of body) console.log(line(b));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
