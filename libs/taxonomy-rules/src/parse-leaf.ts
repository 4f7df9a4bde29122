import { LineCounter, parseDocument, type Document } from 'yaml';
import { MAX_YAML_ALIASES, scanAliases } from './yaml-aliases';
import type { FileIssue } from './leaf-issue';
import { MAX_MAPPING_KEYS, mappingKeyProblems } from './mapping-keys';

export interface ParsedLeaf {
  text: string;
  doc: Document.Parsed;
  /** 1-based line of a source offset. */
  lineAt(offset: number): number;
  /** Syntax errors, duplicate keys included; when there are any the tree is not worth checking further. */
  syntaxIssues: FileIssue[];
}

/**
 * Parses as YAML 1.1, the dialect of the PyYAML loader InstructLab uses, so `answer: yes` is a boolean here
 * exactly as it is there (and is refused as a non-string, instead of silently training on "true").
 */
export function parseLeaf(text: string): ParsedLeaf {
  const lines = new LineCounter();
  // uniqueKeys is checked below, in linear time: the yaml package's own check is quadratic in a mapping's keys.
  const doc = parseDocument(text, { lineCounter: lines, version: '1.1', uniqueKeys: false, prettyErrors: false });
  const lineAt = (offset: number) => lines.linePos(offset).line;
  const syntaxIssues: FileIssue[] = doc.errors.map((e) => ({
    line: lineAt(e.pos[0]),
    rule: 'syntax',
    message: `YAML syntax error: ${plainMessage(e.message)}`,
  }));
  const keys = mappingKeyProblems(doc);
  for (const key of keys.duplicates) {
    syntaxIssues.push({
      line: lineAt(key.range?.[0] ?? 0),
      rule: 'key-duplicates',
      message: 'duplicate key: each key may appear once in a mapping',
    });
  }
  for (const map of keys.oversized) {
    syntaxIssues.push({
      line: lineAt(map.range?.[0] ?? 0),
      rule: 'mapping-size',
      message: `a mapping has more than ${MAX_MAPPING_KEYS} keys`,
    });
  }
  // The parser accepts an alias to a missing anchor and fails only when values are read; report it here, in one
  // linear walk that also refuses documents with so many aliases that reading them would not stay linear.
  const aliases = scanAliases(doc);
  for (const alias of aliases.unresolved) {
    syntaxIssues.push({
      line: lineAt(alias.range?.[0] ?? 0),
      rule: 'syntax',
      message: `YAML syntax error: the alias *${alias.source} has no anchor &${alias.source} before it`,
    });
  }
  if (aliases.overLimit) {
    syntaxIssues.push({
      line: lineAt(aliases.overLimit.range?.[0] ?? 0),
      rule: 'aliases',
      message: `more than ${MAX_YAML_ALIASES} aliases are used; write the values out instead`,
    });
  }
  return { text, doc, lineAt, syntaxIssues };
}

/** The yaml package appends " at line L, column C" and a code frame; the line is reported separately. */
function plainMessage(message: string): string {
  const cut = message.search(/ at line \d+, column \d+/);
  const first = (cut >= 0 ? message.slice(0, cut) : message).split('\n')[0];
  return first.charAt(0).toLowerCase() + first.slice(1);
}
