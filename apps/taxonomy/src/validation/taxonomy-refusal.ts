import { PlatformError } from '@platform/common';
import { describeIssue, type LeafIssue } from '@platform/taxonomy-rules';

export const INVALID_TAXONOMY = 'invalid_taxonomy';

/** The 400 for an invalid taxonomy: one envelope entry per problem, each naming its file and line. */
export function taxonomyRefusal(issues: readonly LeafIssue[]): PlatformError {
  const files = new Set(issues.map((i) => i.file)).size;
  const summary = `The taxonomy is invalid: ${count(issues.length, 'problem')} in ${count(files, 'file')}; the first: ${issues[0] ? describeIssue(issues[0]) : 'unknown'}`;
  return PlatformError.invalidMany(
    issues.map((i) => ({ code: INVALID_TAXONOMY, message: describeIssue(i), target: { type: 'field', name: i.file } })),
    summary,
  );
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
