import { SDG_PROGRESS_MAX_LEAVES, type SdgLeafProgress } from '@platform/events';

/**
 * Per-leaf counts of a run, for the progress events. A leaf's batches are its generation batches plus, for knowledge
 * leaves, its MMLU-branch batches; its samples are the generated rows kept (what data_metrics.samples counts).
 */
export class LeafProgress {
  private readonly leaves = new Map<string, SdgLeafProgress>();

  constructor(plan: { leaf: string; batches: number }[]) {
    for (const p of plan) {
      const known = this.leaves.get(p.leaf);
      if (known) known.batchesTotal += p.batches;
      else this.leaves.set(p.leaf, { leaf: p.leaf, batchesDone: 0, batchesTotal: p.batches, samples: 0 });
    }
  }

  finished(leaf: string, samples: number): void {
    const l = this.leaves.get(leaf);
    if (!l) return;
    l.batchesDone++;
    l.samples += samples;
  }

  /**
   * At most `max` leaves, so an event stays small for any taxonomy: all of them when they fit, else the unfinished
   * ones first (what a reader is waiting for; a finished leaf's last report stays true), each group in path order.
   */
  snapshot(max = SDG_PROGRESS_MAX_LEAVES): SdgLeafProgress[] {
    const all = [...this.leaves.values()].sort((a, b) => a.leaf.localeCompare(b.leaf));
    const chosen =
      all.length <= max
        ? all
        : [...all.filter((l) => l.batchesDone < l.batchesTotal), ...all.filter((l) => l.batchesDone >= l.batchesTotal)].slice(0, max);
    return chosen.map((l) => ({ ...l }));
  }
}
