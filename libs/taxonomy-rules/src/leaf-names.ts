import type { LeafIssue } from './leaf-issue';

/** Top-level folders of an InstructLab taxonomy whose qna.yaml files are training leaves. */
export const LEAF_ROOTS: readonly string[] = ['knowledge', 'compositional_skills'];

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
