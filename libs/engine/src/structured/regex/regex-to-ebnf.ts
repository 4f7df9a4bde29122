import { type AlternationOption, type FirstBytes, leadByte, RuleSink, writeAlternation } from './alternation';
import { CodePointSet } from './code-point-set';
import { literalPieces } from './ebnf-text';
import type { RegexNode } from './regex-ast';
import { parseRegex } from './regex-parser';
import { JSON_STRING_FORBIDDEN, type SetContext, setFirstBytes, writeCharSet } from './safe-char-set';
import { TranslationError } from './translation-error';

/**
 * A regex as xgrammar EBNF whose language is the regex's (or, where xgrammar 0.1.27 cannot express a character set,
 * a subset of it: see safe-char-set.ts), so every output matches. Throws TranslationError otherwise.
 */

export interface RegexToEbnfOptions {
  /**
   * Emit only characters a JSON string holds unescaped (no `"`, `\`, U+0000–U+001F): for a JSON Schema `pattern`,
   * whose rule then goes between the string's quotes. A pattern that needs one of them is refused.
   */
  jsonString?: boolean;
  /**
   * JSON Schema's reading: the pattern may match anywhere in the string (each branch not anchored by `^` / `$` gets
   * any text before / after it). Without it, the whole output must match (vLLM's `regex`), and anchors change nothing.
   */
  search?: boolean;
}

/** A whole grammar, root rule `root`. */
export function regexToEbnf(pattern: string, opts: RegexToEbnfOptions = {}): string {
  return regexToEbnfRules(pattern, 'root', opts);
}

/**
 * The rule `name` (and helper rules named `name_…`, one per line) matching the pattern, to embed in a larger
 * grammar. `name` must be a valid EBNF rule name.
 */
export function regexToEbnfRules(pattern: string, name: string, opts: RegexToEbnfOptions = {}): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`bad rule name ${name}`);
  const branches = splitAnchors(parseRegex(pattern));
  const sink = new RuleSink(name);
  const writer = new Writer({ jsonString: opts.jsonString ?? false, literalBudget: { used: 0 }, sink });
  let body: string;
  if (!opts.search) body = writer.alternation(branches.map((b) => b.node));
  else {
    const options = branches.map(({ node, start, end }): AlternationOption => {
      const parts = [writer.expr(node)];
      if (!start) parts.unshift(writer.anyText());
      if (!end) parts.push(writer.anyText());
      return { text: parenthesised(joinSequence(parts)), first: start ? firstBytes(node) : ANY_BYTE };
    });
    body = writeAlternation(options, sink);
  }
  return [`${name} ::= ${body}`, ...sink.lines].join('\n') + '\n';
}

interface Branch {
  node: RegexNode;
  /** Anchored at the start (`^`, `\A`) / at the end (`$`, `\Z`). */
  start: boolean;
  end: boolean;
}

/**
 * The top-level alternatives with their leading `^` and trailing `$` taken off. An anchor anywhere else could only
 * be honoured with lookaround, so it is refused.
 */
function splitAnchors(root: RegexNode): Branch[] {
  const options = root.type === 'alt' ? root.options : [root];
  return options.map((option) => {
    const items = option.type === 'seq' ? [...option.items] : [option];
    let start = false;
    let end = false;
    for (;;) {
      const first = items[0];
      if (first?.type === 'seq') items.splice(0, 1, ...first.items);
      else if (first?.type === 'anchor' && first.at === 'start') {
        items.shift();
        start = true;
      } else break;
    }
    for (;;) {
      const last = items[items.length - 1];
      if (last?.type === 'seq') items.splice(items.length - 1, 1, ...last.items);
      else if (last?.type === 'anchor' && last.at === 'end') {
        items.pop();
        end = true;
      } else break;
    }
    const node: RegexNode = items.length === 1 ? items[0] : { type: 'seq', items };
    const stray = findAnchor(node);
    if (stray) {
      throw new TranslationError(
        `the anchor ${stray.source} at position ${stray.pos} is not at the ${stray.at} of the pattern (anchors are supported only there)`,
      );
    }
    return { node, start, end };
  });
}

function findAnchor(node: RegexNode): Extract<RegexNode, { type: 'anchor' }> | undefined {
  switch (node.type) {
    case 'anchor':
      return node;
    case 'seq':
      return node.items.map(findAnchor).find((a) => a !== undefined);
    case 'alt':
      return node.options.map(findAnchor).find((a) => a !== undefined);
    case 'repeat':
      return findAnchor(node.body);
    default:
      return undefined;
  }
}

/** A piece of EBNF: an element takes a quantifier as it is; a sequence or alternation needs parentheses first. */
interface Piece {
  text: string;
  kind: 'element' | 'sequence' | 'alternation';
}

const EMPTY: Piece = { text: '""', kind: 'element' };

function joinSequence(parts: Piece[]): Piece {
  const nonEmpty = parts.filter((p) => p.text !== '""');
  if (nonEmpty.length === 0) return EMPTY;
  if (nonEmpty.length === 1) return nonEmpty[0];
  return { text: nonEmpty.map((p) => (p.kind === 'alternation' ? `(${p.text})` : p.text)).join(' '), kind: 'sequence' };
}

const asElement = (p: Piece): string => (p.kind === 'element' ? p.text : `(${p.text})`);
const parenthesised = (p: Piece): string => (p.kind === 'alternation' ? `(${p.text})` : p.text);

const ANY_BYTE: FirstBytes = new Set(Array.from({ length: 256 }, (_, i) => i));

/** The bytes the node's text can start with (a superset: non-ASCII sets count every lead byte). */
function firstBytes(node: RegexNode): FirstBytes {
  switch (node.type) {
    case 'char':
      return new Set([leadByte(node.cp)]);
    case 'set':
      return setFirstBytes(node.set);
    case 'seq': {
      const out = new Set<number>();
      for (const item of node.items) {
        for (const b of firstBytes(item)) out.add(b);
        if (!nullable(item)) break;
      }
      return out;
    }
    case 'alt':
      return new Set(node.options.flatMap((o) => [...firstBytes(o)]));
    case 'repeat':
      return node.max === 0 ? new Set() : firstBytes(node.body);
    case 'anchor':
      return new Set();
  }
}

function nullable(node: RegexNode): boolean {
  switch (node.type) {
    case 'char':
    case 'set':
      return false;
    case 'seq':
      return node.items.every(nullable);
    case 'alt':
      return node.options.some(nullable);
    case 'repeat':
      return node.min === 0 || node.max === 0 || nullable(node.body);
    case 'anchor':
      return true;
  }
}

class Writer {
  /** Sets already written, by set: a class, or the rule of an alternation (written once however often it recurs). */
  private readonly sets = new Map<string, Piece>();
  private anyRule?: string;

  constructor(private readonly ctx: SetContext) {}

  expr(node: RegexNode): Piece {
    switch (node.type) {
      case 'char':
        return this.literal([node.cp]);
      case 'set':
        return this.set(node.set, node.open, node.source);
      case 'seq':
        return this.sequence(node.items);
      case 'alt':
        return { text: this.alternation(node.options), kind: 'alternation' };
      case 'repeat':
        return this.repeat(node.body, node.min, node.max);
      case 'anchor':
        throw new Error('anchors are removed before writing'); // see splitAnchors
    }
  }

  /** Any text the mode allows, for the unanchored ends of a search. */
  anyText(): Piece {
    this.anyRule ??= this.ctx.sink.add(`${asElement(this.set(CodePointSet.ALL, true, '(any text)'))}*`, 'any');
    return { text: this.anyRule, kind: 'element' };
  }

  /** Nested alternations are flattened: `(a|b)|c` is `a|b|c`. */
  alternation(options: RegexNode[]): string {
    const flat: RegexNode[] = [];
    const add = (o: RegexNode): void => {
      if (o.type === 'alt') o.options.forEach(add);
      else flat.push(o);
    };
    options.forEach(add);
    return writeAlternation(
      flat.map((o) => ({ text: parenthesised(this.expr(o)), first: firstBytes(o) })),
      this.ctx.sink,
    );
  }

  private sequence(items: RegexNode[]): Piece {
    const parts: Piece[] = [];
    let run: number[] = [];
    const flush = (): void => {
      if (run.length > 0) parts.push(this.literal(run));
      run = [];
    };
    for (const item of items) {
      if (item.type === 'char') run.push(item.cp);
      else {
        flush();
        parts.push(this.expr(item));
      }
    }
    flush();
    return joinSequence(parts);
  }

  private literal(cps: number[]): Piece {
    if (this.ctx.jsonString) {
      const bad = cps.find((cp) => JSON_STRING_FORBIDDEN.has(cp));
      if (bad !== undefined) {
        throw new TranslationError(
          `the pattern needs the character U+${bad.toString(16).toUpperCase().padStart(4, '0')}, which a JSON string cannot hold unescaped`,
        );
      }
    }
    const pieces = literalPieces(cps);
    return pieces.length === 1 ? { text: pieces[0], kind: 'element' } : { text: pieces.join(' '), kind: 'sequence' };
  }

  private set(set: CodePointSet, open: boolean, source: string): Piece {
    const key = `${open}:${set.key}`;
    let piece = this.sets.get(key);
    if (!piece) {
      const written = writeCharSet(set, open, source, this.ctx);
      piece = { text: written.element ? written.text : this.ctx.sink.add(written.text, 'c'), kind: 'element' };
      this.sets.set(key, piece);
    }
    return piece;
  }

  private repeat(body: RegexNode, min: number, max: number | null): Piece {
    if (max === 0) return EMPTY;
    const inner = this.expr(body);
    if (inner.text === '""') return EMPTY;
    const element = asElement(inner);
    if (min === 1 && max === 1) return inner;
    const quantifier =
      min === 0 && max === 1
        ? '?'
        : min === 0 && max === null
          ? '*'
          : min === 1 && max === null
            ? '+'
            : max === null
              ? `{${min},}`
              : min === max
                ? `{${min}}`
                : `{${min},${max}}`;
    // Not an element: a second quantifier needs parentheses first.
    return { text: element + quantifier, kind: 'sequence' };
  }
}
