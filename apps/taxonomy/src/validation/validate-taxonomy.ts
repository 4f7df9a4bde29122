import { setImmediate as nextTurn } from 'node:timers/promises';
import { byFileThenLine, misnamedLeafIssues, validateLeaf, type LeafIssue } from '@platform/taxonomy-rules';

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
