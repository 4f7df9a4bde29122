import type { DataJson, DataProgressJson, PublicEvent, TaxonomyLeafJson } from '@platform/api-types';

/** The data job types a detail page follows. */
export const DATA_EVENTS = ['sdg.job.progress', 'sdg.job.completed', 'sdg.job.failed', 'sdg.job.canceled'];

/** The progress an `sdg.job.progress` event carries, in the shape GET /v1/data/{id} answers it. */
export function progressOf(e: PublicEvent): DataProgressJson | undefined {
  if (e.type !== 'sdg.job.progress') return undefined;
  const n = (k: string) => (typeof e.data[k] === 'number' ? (e.data[k] as number) : 0);
  return { stage: String(e.data.stage ?? ''), done: n('done'), total: n('total'), samples: n('samples') };
}

export interface LeafRow {
  leaf: string;
  kind?: TaxonomyLeafJson['kind'];
  samples?: number;
  tokens?: number;
}

/**
 * Every leaf (`…/qna.yaml`) of the job's taxonomy with the samples and tokens generated for it (the API reports them
 * per leaf once the run completed), in path order.
 */
export function leafRows(job: Pick<DataJson, 'data_metrics'>, leaves: readonly Pick<TaxonomyLeafJson, 'path' | 'kind'>[] = []): LeafRow[] {
  const samples = job.data_metrics?.samples ?? {};
  const tokens = job.data_metrics?.tokens?.data_leaf_nodes ?? {};
  const kinds = new Map(leaves.map((l) => [l.path, l.kind]));
  const all = new Set([...kinds.keys(), ...Object.keys(samples), ...Object.keys(tokens)]);
  return [...all].sort().map((leaf) => ({ leaf, kind: kinds.get(leaf), samples: samples[leaf], tokens: tokens[leaf] }));
}

/** Share of the stage done, 0–100; undefined while the total is not known (Carbon then draws an indeterminate bar). */
export function percentDone(p: DataProgressJson | undefined): number | undefined {
  if (!p || p.total <= 0) return undefined;
  return Math.min(100, Math.round((100 * p.done) / p.total));
}
