import type { MmluMetrics, TrainingCheckpointSaved } from '@platform/events';
import { loadMmlu } from '../benchmarks/mmlu/mmlu-data';
import { mmluMetrics } from '../benchmarks/mmlu/mmlu-metrics';
import { runMcq } from '../benchmarks/mmlu/run-mcq';
import { ModelClient } from '../clients/model-client';
import { serveCheckpoint } from '../serving/served-checkpoint';
import { EvalFiles } from './eval-files';
import type { PipelineDeps } from './evaluate-trained-model';

/** A phase-1 checkpoint's MMLU (knowledge) score, written to `eval/checkpoints/phase<p>-epoch<e>-mmlu.json`. */
export async function evaluateCheckpoint(deps: PipelineDeps, ev: TrainingCheckpointSaved): Promise<MmluMetrics> {
  const s = deps.settings;
  const tasks = loadMmlu(s.mmluDir, { subjects: s.mmluSubjects, limit: s.mmluLimit || undefined });
  const replica = await serveCheckpoint(deps, ev.projectId, ev.objectPrefix, `${ev.modelId}-p${ev.phase}-e${ev.epoch}`);
  try {
    const run = await runMcq(new ModelClient(deps.inference, ev.projectId), replica.modelId, tasks, {
      shots: s.mmluShots,
      onItem: () => deps.progress('mmlu'),
    });
    const metrics = mmluMetrics(run);
    const files = new EvalFiles(deps.store, ev.modelId);
    await files.json(`checkpoints/phase${ev.phase}-epoch-${ev.epoch}-mmlu.json`, {
      checkpoint: { phase: ev.phase, epoch: ev.epoch, objectPrefix: ev.objectPrefix },
      metrics,
      tasks: run.tasks,
    });
    return metrics;
  } finally {
    await replica.stop();
  }
}
