import { setImmediate as nextTurn } from 'node:timers/promises';
import { LEAF_ROOTS } from '../intake';
import { byFileThenLine, type LeafIssue } from './leaf-issue';
import { validateLeaf } from './validate-leaf';

/**
 * Every problem of every leaf of a taxonomy (empty when it is valid), ordered by file and line.
 * `leaves` are the qna.yaml paths readTaxonomyArchive found; `files` is searched too for leaves InstructLab
 * would skip without a word because of their name (qna.yml, QNA.yaml), a classic cause of "my data is missing".
 */
export async function validateTaxonomy(files: ReadonlyMap<string, Buffer>, leaves: readonly string[]): Promise<LeafIssue[]> {
  const issues: LeafIssue[] = misnamedLeafIssues(files.keys());
  let turnStarted = performance.now();
  for (const file of leaves) {
    const data = files.get(file);
    if (data !== undefined) issues.push(...validateLeaf(file, data).map((issue) => ({ file, ...issue })));
    // Parsing takes about a millisecond per leaf and an archive may hold thousands: let other calls and
    // health checks through now and then instead of blocking the service for seconds.
    if (performance.now() - turnStarted > YIELD_AFTER_MS) {
      await nextTurn();
      turnStarted = performance.now();
    }
  }
  return issues.sort(byFileThenLine);
}

const YIELD_AFTER_MS = 20;

/** Files InstructLab would skip without a word because of their name (qna.yml, QNA.yaml): "my data is missing". */
export function misnamedLeafIssues(paths: Iterable<string>): LeafIssue[] {
  const issues: LeafIssue[] = [];
  for (const file of paths) {
    if (isMisnamedLeaf(file))
      issues.push({ file, line: 1, rule: 'file-name', message: 'InstructLab only reads files named "qna.yaml"; rename this file' });
  }
  return issues;
}

function isMisnamedLeaf(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return LEAF_ROOTS.some((root) => path.startsWith(`${root}/`)) && /^qna\.ya?ml$/i.test(name) && name !== 'qna.yaml';
}
