import { createHash } from 'node:crypto';
import { asText, rng, type Row } from '../pipelines/engine/row';

/** A line of an InstructLab training file (what libs/engine/src/training/data.ts reads). */
export interface InstructLabRecord {
  id: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  /** JSON text. */
  metadata: string;
  unmask: boolean;
}

/** Stable ids (UUID-shaped, from a hash), so a rerun of the same job writes the same records. */
export function stableId(...parts: (string | number)[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const RECORD_COLUMNS = new Set(['question', 'response']);

/** Every generated column that is not the message text goes into the record's metadata, as InstructLab mixes it. */
function metadataOf(row: Row, extra: Record<string, unknown>): string {
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (!RECORD_COLUMNS.has(k) && v !== undefined) meta[k] = v;
  return JSON.stringify({ ...meta, ...extra });
}

/** Phase-1 style: the chunk and the question as the user turn; trained on every token (unmask). */
export function knowledgeRecord(row: Row, id: string): InstructLabRecord {
  const document = asText(row.document);
  return {
    id,
    messages: [
      { role: 'user', content: `${document}\n\n${asText(row.question)}` },
      { role: 'assistant', content: asText(row.response) },
    ],
    metadata: metadataOf(row, {
      sdg_document: document,
      raw_document: document,
      dataset: 'document_knowledge_qa',
      dataset_type: 'base_document',
    }),
    unmask: true,
  };
}

export const RAFT_P = 0.4;
const RAFT_DOCS = 4;

/**
 * RAFT-style phase-2 row: four documents in random order — with probability 0.4 the golden chunk and three
 * distractors, otherwise four distractors — then the question; only the answer is trained on.
 */
export function raftRecord(row: Row, id: string, otherChunks: string[], seed: number): InstructLabRecord {
  const random = rng(seed);
  const golden = asText(row.document);
  const distractors = [...otherChunks];
  for (let i = distractors.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [distractors[i], distractors[j]] = [distractors[j], distractors[i]];
  }
  const withGolden = random() < RAFT_P;
  const docs = withGolden ? [golden, ...distractors.slice(0, RAFT_DOCS - 1)] : distractors.slice(0, RAFT_DOCS);
  for (let i = docs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [docs[i], docs[j]] = [docs[j], docs[i]];
  }
  const context = docs.map((d) => `Document:\n${d}\n\n`).join('\n');
  return {
    id,
    messages: [
      { role: 'user', content: `${context}\n\n${asText(row.question)}`.trimStart() },
      { role: 'assistant', content: asText(row.response) },
    ],
    metadata: metadataOf(row, {
      sdg_document: golden,
      raw_document: golden,
      dataset: `document_knowledge_qa_raft_p${RAFT_P}`,
      dataset_type: 'base_document',
      golden_included: withGolden,
    }),
    unmask: false,
  };
}

/** Skill rows: system, question, response; only the response is trained on. */
export function skillRecord(row: Row, id: string, systemPrompt: string): InstructLabRecord {
  return {
    id,
    messages: [
      { role: 'system', content: systemPrompt },
      { role: 'user', content: asText(row.question) },
      { role: 'assistant', content: asText(row.response) },
    ],
    metadata: metadataOf(row, { dataset: asText(row.leaf_node_type) || 'skill' }),
    unmask: false,
  };
}

export const toJsonl = (items: unknown[]): string => items.map((r) => `${JSON.stringify(r)}\n`).join('');
