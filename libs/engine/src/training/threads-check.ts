/**
 * Trains the fixture model for one epoch with 1 and with 2 threads in every mode and prints, as one JSON line,
 * how far apart the results are. Run as its own process by trainer.spec.ts (see there why). With `dpo` it compares
 * DPO runs (full and LoRA) instead, for dpo-train.spec.ts.
 *
 *   node -r @swc-node/register libs/engine/src/training/threads-check.ts WORKDIR [dpo]
 */
import { join } from 'node:path';
import { readSafetensors } from '../safetensors';
import { PROMPT_TUNING_FILE } from './checkpoint';
import { createFixtureModel, fixturePreferences, fixtureRecords } from './test-fixture';
import { train } from './trainer';

async function main(root: string, dpo: boolean): Promise<void> {
  createFixtureModel(join(root, 'base'));
  const out: Record<string, { lossDiff: number; maxWeightDiff: number; firstMargin?: number }> = {};
  for (const mode of dpo ? (['full', 'lora'] as const) : (['full', 'lora', 'prompt_tuning'] as const)) {
    let firstMargin: number | undefined;
    const run = (threads: number) =>
      train({
        onMetrics: (m) => {
          if (threads === 2 && m.step === 1) firstMargin = m.reward_margin;
        },
        modelDir: join(root, 'base'),
        ...(dpo ? { objective: 'dpo' as const, preferenceRecords: fixturePreferences() } : { records: fixtureRecords() }),
        outputDir: join(root, `${mode}-${threads}`),
        mode,
        epochs: 1,
        batchSize: 4,
        learningRate: 1e-2,
        threads,
      });
    const one = await run(1);
    const two = await run(2);
    const file = mode === 'prompt_tuning' ? PROMPT_TUNING_FILE : 'model.safetensors';
    const w1 = readSafetensors(join(one.checkpoints[0], file));
    const w2 = readSafetensors(join(two.checkpoints[0], file));
    let maxWeightDiff = 0;
    for (const [n, t] of w1) {
      const u = w2.get(n)!.data;
      for (let i = 0; i < u.length; i++) maxWeightDiff = Math.max(maxWeightDiff, Math.abs(u[i] - t.data[i]));
    }
    out[mode] = { lossDiff: Math.abs(one.finalLoss - two.finalLoss), maxWeightDiff, firstMargin };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main(process.argv[2], process.argv[3] === 'dpo').catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
