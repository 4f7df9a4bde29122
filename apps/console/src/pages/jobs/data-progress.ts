import type { DataJson, DataLeafProgressJson, DataProgressJson, PublicEvent, TaxonomyLeafJson } from '@platform/api-types';

/** The data job types a detail page follows. */
export const DATA_EVENTS = ['sdg.job.progress', 'sdg.job.completed', 'sdg.job.failed', 'sdg.job.canceled'];

/** The progress an `sdg.job.progress` event carries, in the shape GET /v1/data/{id} answers it. */
export function progressOf(e: PublicEvent): DataProgressJson | undefined {
  if (e.type !== 'sdg.job.progress') return undefined;
  const n = (k: string) => (typeof e.data[k] === 'number' ? (e.data[k] as number) : 0);
  const leaves = Array.isArray(e.data.leaves) ? e.data.leaves.filter(isLeafProgress) : undefined;
  return { stage: String(e.data.stage ?? ''), done: n('done'), total: n('total'), samples: n('samples'), ...(leaves ? { leaves } : {}) };
}

function isLeafProgress(v: unknown): v is DataLeafProgressJson {
  const l = v as Partial<DataLeafProgressJson> | null;
  return (
    typeof l === 'object' &&
    l !== null &&
    typeof l.leaf === 'string' &&
    typeof l.batches_done === 'number' &&
    typeof l.batches_total === 'number' &&
    typeof l.samples === 'number'
  );
}

/** Leaf path → its latest reported progress: an event lists at most 100 leaves, so a leaf keeps its last report. */
export type LiveLeaves = Readonly<Record<string, DataLeafProgressJson>>;

export function mergeLeafProgress(known: LiveLeaves, p: DataProgressJson | undefined): LiveLeaves {
  if (!p?.leaves?.length) return known;
  const next = { ...known };
  for (const l of p.leaves) next[l.leaf] = l;
  return next;
}

export interface LeafRow {
  leaf: string;
  kind?: TaxonomyLeafJson['kind'];
  samples?: number;
  tokens?: number;
  /** While the run is live: batches done of the leaf's batches. */
  batchesDone?: number;
  batchesTotal?: number;
}

/**
 * Every leaf (`…/qna.yaml`) of the job's taxonomy with the samples and tokens generated for it (the API reports them
 * per leaf once the run completed), in path order.
 */
export function leafRows(
  job: Pick<DataJson, 'data_metrics'>,
  leaves: readonly Pick<TaxonomyLeafJson, 'path' | 'kind'>[] = [],
  live: LiveLeaves = {},
): LeafRow[] {
  const samples = job.data_metrics?.samples ?? {};
  const tokens = job.data_metrics?.tokens?.data_leaf_nodes ?? {};
  const kinds = new Map(leaves.map((l) => [l.path, l.kind]));
  const all = new Set([...kinds.keys(), ...Object.keys(samples), ...Object.keys(tokens), ...Object.keys(live)]);
  return [...all].sort().map((leaf) => {
    const l = live[leaf];
    return {
      leaf,
      kind: kinds.get(leaf),
      // The job's own count once it completed; the live one while it runs.
      samples: samples[leaf] ?? l?.samples,
      tokens: tokens[leaf],
      ...(l ? { batchesDone: l.batches_done, batchesTotal: l.batches_total } : {}),
    };
  });
}

/** Share of the stage done, 0–100; undefined while the total is not known (Carbon then draws an indeterminate bar). */
export function percentDone(p: DataProgressJson | undefined): number | undefined {
  if (!p || p.total <= 0) return undefined;
  return Math.min(100, Math.round((100 * p.done) / p.total));
}
