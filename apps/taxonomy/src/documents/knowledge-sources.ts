import { parse } from 'yaml';

/** Where a knowledge leaf's documents come from, as its (validated) qna.yaml says. */
export interface KnowledgeSource {
  leaf: string;
  /** Line of the `document:` key, for the 400 envelope. */
  line: number;
  repo: string;
  commit: string;
  patterns: string[];
}

/** The `document` of every knowledge leaf; validation already guaranteed its shape, so others are skipped. */
export function knowledgeSources(leaves: readonly { path: string; qnaYaml: string }[]): KnowledgeSource[] {
  const sources: KnowledgeSource[] = [];
  for (const { path, qnaYaml } of leaves) {
    if (!path.startsWith('knowledge/')) continue;
    const source = knowledgeSourceOf(path, parse(qnaYaml, { version: '1.1' }), qnaYaml);
    if (source) sources.push(source);
  }
  return sources;
}

/** The `document` of one knowledge leaf already parsed into plain values (`doc`), or null when it has none. */
export function knowledgeSourceOf(path: string, doc: unknown, qnaYaml: string): KnowledgeSource | null {
  const document = isRecord(doc) ? doc.document : undefined;
  if (!isRecord(document) || typeof document.repo !== 'string' || !Array.isArray(document.patterns)) return null;
  const commit = typeof document.commit === 'string' ? document.commit : String(document.commit ?? '');
  const patterns = document.patterns.filter((p): p is string => typeof p === 'string');
  const index = qnaYaml.search(/^document\s*:/m);
  const line = index < 0 ? 1 : qnaYaml.slice(0, index).split('\n').length;
  return { leaf: path, line, repo: document.repo, commit, patterns };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
