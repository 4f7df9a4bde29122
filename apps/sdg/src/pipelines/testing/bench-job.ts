/**
 * One whole SDG job run by `runSdg` against the inference service at PLATFORM_INFERENCE_GRPC_URL, for
 * tools/bench/sdg (which starts the servers and watches the backend while this runs). Prints one JSON line.
 *   BENCH_COPIES (copies of the sample taxonomy's three leaves), BENCH_NUM_INSTRUCTIONS, PLATFORM_SDG_CONCURRENCY
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { envInt } from '@platform/common';
import { SdgConfig } from '../../sdg.config';
import { createRunSdg } from '../run-sdg';
import { MemoryCheckpoints } from './memory-checkpoints';
import { SUN_DOCUMENT, sampleLeaves } from './sample-taxonomy';
import { STARTER_MODEL } from './starter-stack';

async function main(): Promise<void> {
  const copies = envInt('BENCH_COPIES', 4);
  const leaves = Array.from({ length: copies }, (_, c) =>
    sampleLeaves('doc').map((l) => ({ ...l, path: l.path.replace(/\/qna\.yaml$/, `_${c}/qna.yaml`) })),
  ).flat();
  const out = mkdtempSync(join(tmpdir(), 'bench-sdg-'));
  const started = performance.now();
  let generatingSince = 0;
  let generatingUntil = 0;
  try {
    const result = await createRunSdg(SdgConfig.load().generation)({
      jobId: 'bench',
      projectId: '00000000-0000-4000-8000-000000000001',
      taxonomyId: 'bench',
      leaves,
      readObject: async () => SUN_DOCUMENT,
      writeOutput: async (rel, body) => {
        mkdirSync(dirname(join(out, rel)), { recursive: true });
        writeFileSync(join(out, rel), body);
      },
      teacherModel: process.env.BENCH_MODEL || STARTER_MODEL,
      judgeModel: process.env.BENCH_MODEL || STARTER_MODEL,
      checkpoints: new MemoryCheckpoints(),
      progress: (p) => {
        if (p.stage !== 'preparing' && !generatingSince) generatingSince = Date.now();
        if (p.stage === 'mixing' && !generatingUntil) generatingUntil = Date.now();
      },
      signal: new AbortController().signal,
      options: { numInstructions: envInt('BENCH_NUM_INSTRUCTIONS', 4), seed: 1 },
    });
    const samples = Object.values(result.samples).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `${JSON.stringify({ ms: performance.now() - started, samples, generatingSince, generatingUntil, leaves: leaves.length, tokens: result.tokens })}\n`,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
