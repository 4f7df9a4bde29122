import { leafKindOfDoc } from '../content/leaf-kind';
import { knowledgeSourceOf, type KnowledgeSource } from '../documents/knowledge-sources';
import { countTokens } from '../intake/tokenizer';
import { leafText } from '../intake/leaf-text';
import type { StoredLeafKind } from '../leaf.entity';
import { validateLeaf, type FileIssue } from '@platform/taxonomy-rules';

/** Everything the service needs from one qna.yaml, read in one place so that only the leaf reader parses YAML. */
export interface LeafReading {
  path: string;
  /** Validation problems; when there are any, nothing else was read. */
  issues: FileIssue[];
  /** Estimated tokens of its seed data (see estimateTaxonomyTokens). */
  tokens: number;
  /** Knowledge, grounded or freeform skill (from its folder alone when the leaf is invalid). */
  kind: StoredLeafKind;
  /** Where a knowledge leaf's documents come from. */
  source?: KnowledgeSource;
}

/** Validates one leaf and, when it is valid, estimates its tokens and reads its kind and document source. */
export function readLeaf(path: string, data: Buffer): LeafReading {
  const issues = validateLeaf(path, data);
  if (issues.length > 0) return { path, issues, tokens: 0, kind: leafKindOfDoc(path, undefined) };
  const text = data.toString('utf8');
  const { texts, value } = leafText(text);
  const source = path.startsWith('knowledge/') ? knowledgeSourceOf(path, value, text) : null;
  return {
    path,
    issues,
    tokens: texts.reduce((sum, t) => sum + countTokens(t), 0),
    kind: leafKindOfDoc(path, value),
    ...(source ? { source } : {}),
  };
}
