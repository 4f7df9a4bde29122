import { byFileThenLine, misnamedLeafIssues, type LeafIssue } from '@platform/taxonomy-rules';
import { taxonomyRefusal } from '../validation';
import { LeafReadLimitError } from './leaf-reader';
import type { LeafReading } from './read-leaf';

/** Every problem of a taxonomy from its leaves' readings, with its misnamed leaves, ordered by file and line. */
export function readingProblems(paths: Iterable<string>, readings: readonly LeafReading[]): LeafIssue[] {
  const issues = misnamedLeafIssues(paths);
  for (const r of readings) for (const issue of r.issues) issues.push({ file: r.path, ...issue });
  return issues.sort(byFileThenLine);
}

/** The seed-data token estimate of each leaf and their sum, as estimateTaxonomyTokens gives it. */
export function readingTokens(readings: readonly LeafReading[]): { dataTokensEstimated: number; perLeaf: Record<string, number> } {
  const perLeaf: Record<string, number> = {};
  let dataTokensEstimated = 0;
  for (const r of readings) {
    perLeaf[r.path] = r.tokens;
    dataTokensEstimated += r.tokens;
  }
  return { dataTokensEstimated, perLeaf };
}

/** A leaf that hit a reading limit is the upload's problem: the 400 of an invalid taxonomy, naming the file. */
export function leafReadingRefusal(err: unknown): never {
  if (err instanceof LeafReadLimitError) throw taxonomyRefusal([{ file: err.leaf, line: 1, rule: 'read-limit', message: err.message }]);
  throw err;
}
