import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { FileIssue } from './leaf-issue';

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
  const doc = parseDocument(text, { lineCounter: lines, version: '1.1', uniqueKeys: true, prettyErrors: false });
  const lineAt = (offset: number) => lines.linePos(offset).line;
  const syntaxIssues = doc.errors.map((e) => ({
    line: lineAt(e.pos[0]),
    rule: e.code === 'DUPLICATE_KEY' ? 'key-duplicates' : 'syntax',
    message:
      e.code === 'DUPLICATE_KEY' ? 'duplicate key: each key may appear once in a mapping' : `YAML syntax error: ${plainMessage(e.message)}`,
  }));
  // The parser accepts an alias to a missing anchor and fails only when values are read; report it here.
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) {
        syntaxIssues.push({
          line: lineAt(alias.range?.[0] ?? 0),
          rule: 'syntax',
          message: `YAML syntax error: the alias *${alias.source} has no anchor &${alias.source} before it`,
        });
      }
    },
  });
  return { text, doc, lineAt, syntaxIssues };
}

/** The yaml package appends " at line L, column C" and a code frame; the line is reported separately. */
function plainMessage(message: string): string {
  const cut = message.search(/ at line \d+, column \d+/);
  const first = (cut >= 0 ? message.slice(0, cut) : message).split('\n')[0];
  return first.charAt(0).toLowerCase() + first.slice(1);
}
