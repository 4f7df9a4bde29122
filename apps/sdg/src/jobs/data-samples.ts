import { PlatformError, decodePageToken, encodePageToken, pageRequest, type PageBounds } from '@platform/common';
import type { DataSource } from 'typeorm';
import { SDG_SCHEMA } from './data-job.store';

export const SAMPLES_PAGE: PageBounds = { defaultLimit: 20, maxLimit: 100 };
/** Each text of a sample is cut here, so one page stays bounded whatever the teacher wrote. */
export const SAMPLE_TEXT_CHARS = 4000;
/** The multiple-choice (MMLU-branch) batches of a knowledge leaf are checkpointed under `<leaf>#mmlu`: not samples. */
const MMLU_SUFFIX = '#mmlu';
const MAX_LEAF_CHARS = 1024;

export interface DataSampleRow {
  leaf: string;
  index: number;
  question: string;
  response: string;
  context: string;
  truncated: boolean;
}

export interface SamplesPage {
  samples: DataSampleRow[];
  nextStart: string;
  limit: number;
}

const isCount = (k: string) => /^\d{1,9}$/.test(k);
// PostgreSQL text holds no NUL; no leaf path holds a control character.
const isLeafPath = (k: string) => k.length <= MAX_LEAF_CHARS && !/[\u0000-\u001f]/.test(k);

/**
 * The samples a job generated, read from its checkpointed batches (saved as each batch finishes, kept until the job is
 * deleted): the rows each leaf's pipeline kept, the same ones `data_metrics.samples` counts and the output files hold,
 * also while the job still runs. Ordered by leaf path, batch, row; the page token is the last (leaf, batch, row).
 */
export async function listDataSamples(
  db: DataSource,
  jobId: string,
  q: { leaf: string; start: string; limit: number },
): Promise<SamplesPage> {
  const { limit, start } = pageRequest(q, SAMPLES_PAGE);
  if (!isLeafPath(q.leaf) || q.leaf.endsWith(MMLU_SUFFIX)) {
    throw PlatformError.invalid('leaf must be a leaf path of the job, as data_metrics.samples names it.', 'leaf');
  }
  const after = start ? decodePageToken(start, [isLeafPath, isCount, isCount]) : null;
  const rows: { leaf_path: string; batch_index: number; row_index: string; q: string; r: string; c: string; cut: boolean }[] =
    await db.query(
      `SELECT c.leaf_path, c.batch_index, e.ord - 1 AS row_index,
              left(e.q, ${SAMPLE_TEXT_CHARS}) AS q, left(e.r, ${SAMPLE_TEXT_CHARS}) AS r, left(e.c, ${SAMPLE_TEXT_CHARS}) AS c,
              greatest(length(e.q), length(e.r), length(e.c)) > ${SAMPLE_TEXT_CHARS} AS cut
         FROM ${SDG_SCHEMA}.checkpoints c,
              LATERAL (SELECT coalesce(x.elem->>'question', '') AS q, coalesce(x.elem->>'response', '') AS r,
                              coalesce(x.elem->>'document', '') AS c, x.ord
                         FROM jsonb_array_elements(c.rows) WITH ORDINALITY AS x(elem, ord)) e
        WHERE c.job_id = $1 AND right(c.leaf_path, ${MMLU_SUFFIX.length}) <> '${MMLU_SUFFIX}'
          AND ($2 = '' OR c.leaf_path = $2)
          AND ($3::text IS NULL OR (c.leaf_path, c.batch_index, e.ord - 1) > ($3::text, $4::int, $5::bigint))
        ORDER BY c.leaf_path, c.batch_index, e.ord
        LIMIT $6`,
      [jobId, q.leaf, after?.[0] ?? null, after ? Number(after[1]) : null, after ? Number(after[2]) : null, limit + 1],
    );
  const page = rows.slice(0, limit);
  const indexes = await leafOffsets(db, jobId, page);
  const samples = page.map((r) => ({
    leaf: r.leaf_path,
    index: (indexes.get(`${r.leaf_path}\u0000${r.batch_index}`) ?? 0) + Number(r.row_index),
    question: r.q,
    response: r.r,
    context: r.c,
    truncated: r.cut,
  }));
  const last = page[page.length - 1];
  const nextStart = rows.length > limit && last ? encodePageToken([last.leaf_path, String(last.batch_index), String(last.row_index)]) : '';
  return { samples, nextStart, limit };
}

/** Rows in the leaf's earlier batches, per (leaf, batch) on the page: a sample's index within its leaf. */
async function leafOffsets(
  db: DataSource,
  jobId: string,
  page: { leaf_path: string; batch_index: number }[],
): Promise<Map<string, number>> {
  const keys = Array.from(new Map(page.map((r) => [`${r.leaf_path}\u0000${r.batch_index}`, r])).values());
  if (keys.length === 0) return new Map();
  const found: { leaf_path: string; batch_index: number; before: string }[] = await db.query(
    `SELECT k.leaf_path, k.batch_index,
            (SELECT coalesce(sum(jsonb_array_length(c.rows)), 0) FROM ${SDG_SCHEMA}.checkpoints c
              WHERE c.job_id = $1 AND c.leaf_path = k.leaf_path AND c.batch_index < k.batch_index) AS before
       FROM unnest($2::text[], $3::int[]) AS k(leaf_path, batch_index)`,
    [jobId, keys.map((k) => k.leaf_path), keys.map((k) => k.batch_index)],
  );
  return new Map(found.map((f) => [`${f.leaf_path}\u0000${f.batch_index}`, Number(f.before)]));
}
