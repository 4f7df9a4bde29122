/** One problem of one taxonomy file, where a contributor would look for it. */
export interface LeafIssue {
  /** Path of the file inside the taxonomy (wrapper folder removed). */
  file: string;
  /** 1-based line in that file. */
  line: number;
  /** Short rule id, stable for tests and logs (e.g. `trailing-spaces`, `min-items`). */
  rule: string;
  message: string;
}

/** Issues of one file before the file path is known to them. */
export type FileIssue = Omit<LeafIssue, 'file'>;

export function byFileThenLine(a: LeafIssue, b: LeafIssue): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line;
}

export function describeIssue(issue: LeafIssue): string {
  return `${issue.file}:${issue.line}: ${issue.message}`;
}
