import { isMap } from 'yaml';
import { decodeLeaf } from './decode-leaf';
import type { FileIssue } from './leaf-issue';
import { lineRuleIssues } from './lint/line-rules';
import { spacingIssues } from './lint/spacing-rules';
import { parseLeaf } from './parse-leaf';
import { checkShape, MAX_ALIASES } from './schema/check-shape';
import { groundingIssues } from './schema/grounding-rule';
import { selectSchema, type LeafKind } from './schema/select-schema';

/**
 * Every problem of one qna.yaml, sorted by line: encoding, lint, YAML syntax, then schema. A file with
 * syntax errors is not schema-checked, since its tree is whatever the parser could salvage.
 * `path` is relative to the taxonomy root; its first folder decides knowledge or skill.
 */
export function validateLeaf(path: string, data: Uint8Array): FileIssue[] {
  const decoded = decodeLeaf(data);
  return 'issue' in decoded ? [decoded.issue] : validateLeafText(path, decoded.text);
}

/** The same checks on text already decoded (a leaf being written in the console). */
export function validateLeafText(path: string, text: string): FileIssue[] {
  const issues = lineRuleIssues(text);
  const parsed = parseLeaf(text);
  const root = parsed.doc.contents;
  if (parsed.syntaxIssues.length > 0) {
    issues.push(...parsed.syntaxIssues);
  } else if (root === null || (text.trim() === '' && !isMap(root))) {
    issues.push({ line: 1, rule: 'empty', message: 'the file is empty' });
  } else if (!isMap(root)) {
    issues.push({ line: 1, rule: 'type', message: 'the file must be a mapping of keys to values (version, created_by, seed_examples…)' });
  } else {
    issues.push(...spacingIssues(parsed));
    const kind: LeafKind = path.startsWith('knowledge/') ? 'knowledge' : 'compositional_skills';
    const schema = selectSchema(kind, root, parsed.lineAt);
    if ('issue' in schema) {
      issues.push(schema.issue);
    } else {
      checkShape(root, schema.shape, '', 1, { doc: parsed.doc, lineAt: parsed.lineAt, issues, aliasesLeft: MAX_ALIASES });
      if (kind === 'compositional_skills') issues.push(...groundingIssues(root, parsed.lineAt));
    }
  }
  return issues.sort((a, b) => a.line - b.line);
}
