import { isNode, isScalar, visit, type Node } from 'yaml';
import type { FileIssue } from '../leaf-issue';
import type { ParsedLeaf } from '../parse-leaf';

/**
 * yamllint's `colons` and `hyphens` rules (relaxed preset: no space before a colon, at most one after a
 * colon or a hyphen). They need to know where keys and items are, so they walk the parsed tree instead of
 * the raw lines; text inside block scalars such as "-   step one" is then never mistaken for structure.
 */
export function spacingIssues({ text, doc, lineAt }: ParsedLeaf): FileIssue[] {
  const issues: FileIssue[] = [];
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key;
      if (!isNode(key) || !key.range) return;
      let at = key.range[1];
      let before = 0;
      for (; text[at] === ' '; at++) before++;
      if (text[at] !== ':') return; // an explicit "? key" or a flow pair without colon
      if (before > 0) issues.push({ line: lineAt(at), rule: 'colons', message: 'space before the colon after a key (colons)' });
      let after = 0;
      for (at++; text[at] === ' '; at++) after++;
      if (after > 1 && !endOfContent(text[at]))
        issues.push({ line: lineAt(at), rule: 'colons', message: `${after} spaces after the colon; use one (colons)` });
    },
    Seq(_, seq) {
      if (seq.flow) return;
      for (const item of seq.items) {
        if (!isNode(item) || !item.range || isEmptyScalar(item)) continue;
        let at = item.range[0] - 1;
        let spaces = 0;
        for (; text[at] === ' '; at--) spaces++;
        if (text[at] === '-' && spaces > 1)
          issues.push({ line: lineAt(at), rule: 'hyphens', message: `${spaces} spaces after the hyphen; use one (hyphens)` });
      }
    },
  });
  return issues;
}

function endOfContent(ch: string | undefined): boolean {
  return ch === undefined || ch === '\n' || ch === '\r' || ch === '#';
}

function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.range !== null && node.range !== undefined && node.range[0] === node.range[1];
}
