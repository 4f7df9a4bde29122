import { parse } from 'yaml';
import type { StoredLeafKind } from '../leaf.entity';

/**
 * Knowledge or skill comes from the leaf's folder; a skill is grounded when its seed examples carry a
 * `context` (validation already made the seeds of one leaf uniform, so the first one decides).
 */
export function leafKindOf(path: string, qnaYaml: string): StoredLeafKind {
  return path.startsWith('knowledge/') ? 'knowledge' : leafKindOfDoc(path, parse(qnaYaml, { version: '1.1' }));
}

/** The same, from the leaf already parsed into plain values. */
export function leafKindOfDoc(path: string, doc: unknown): StoredLeafKind {
  if (path.startsWith('knowledge/')) return 'knowledge';
  const seeds = isRecord(doc) && Array.isArray(doc.seed_examples) ? doc.seed_examples : [];
  const first: unknown = seeds[0];
  return isRecord(first) && 'context' in first ? 'grounded_skill' : 'freeform_skill';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
