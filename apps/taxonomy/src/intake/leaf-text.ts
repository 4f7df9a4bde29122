import { parseDocument } from 'yaml';
import { scanAliases } from '@platform/taxonomy-rules';

/**
 * The strings of a qna.yaml that become training data: the document outline and, for each seed example,
 * its context, question and answer (skills, v2/v3) or its questions_and_answers pairs (knowledge, v3).
 * Metadata (created_by, domain, document.repo...) is not counted.
 *
 * This is deliberately shape-tolerant, not a validator: the taxonomy service refuses invalid leaves first
 * (see ../validation), so here every leaf it sees already has the shape the schema demands.
 * Returns null when `doc` is not a mapping at all.
 */
export function trainingTextOf(doc: unknown): string[] | null {
  if (!isRecord(doc)) return null;
  const texts: string[] = [];
  pushString(texts, doc.document_outline);
  for (const example of arrayOf(doc.seed_examples)) {
    if (!isRecord(example)) continue;
    pushString(texts, example.context);
    pushString(texts, example.question);
    pushString(texts, example.answer);
    for (const pair of arrayOf(example.questions_and_answers)) {
      if (!isRecord(pair)) continue;
      pushString(texts, pair.question);
      pushString(texts, pair.answer);
    }
  }
  return texts;
}

export interface LeafText {
  texts: string[];
  /** False when the YAML did not parse into a mapping and the raw file text was used instead. */
  parsed: boolean;
  /** The document as plain values, when it parsed (a mapping or not), for other readers of the same leaf. */
  value?: unknown;
}

/** Training text of one qna.yaml source; falls back to the whole raw text so a broken leaf is never "free". */
export function leafText(source: string): LeafText {
  let doc: unknown;
  try {
    // YAML 1.1, like the validator (and InstructLab's PyYAML), so a value counts as text here exactly when it was
    // accepted as text there. Duplicate keys are the validator's to find (the yaml package's check is quadratic in a
    // mapping's keys). A document with more aliases than the validator allows is counted as raw text: reading it
    // would cost time quadratic in their number.
    const parsed = parseDocument(source, { version: '1.1', uniqueKeys: false });
    if (parsed.errors.length > 0 || scanAliases(parsed).tooMany) return { texts: [source], parsed: false };
    doc = parsed.toJS();
  } catch {
    return { texts: [source], parsed: false };
  }
  const texts = trainingTextOf(doc);
  return texts === null ? { texts: [source], parsed: false, value: doc } : { texts, parsed: true, value: doc };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function pushString(into: string[], value: unknown): void {
  if (typeof value === 'string' && value.length > 0) into.push(value);
}
