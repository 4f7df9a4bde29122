import { type FirstBytes, leadByte, NON_ASCII_BYTES, RuleSink } from './alternation';
import { type ClassToken, classRanges, readChar } from './ebnf-escapes';
import { tokenize, Unreadable, type Token, type TokenKind } from './ebnf-tokens';
import { TranslationError } from './translation-error';

/**
 * Guards the alternations of a user's EBNF against xgrammar 0.1.27's over-merging (see alternation.ts): in every
 * rule body and parenthesised group, an option whose first step it shares with another option moves into a rule of
 * its own (`<prefix>_gN ::= <option> <prefix>_empty`), referenced where it was; the others stay as written. A first
 * step is a byte for options starting with a string or class (what xgrammar's automaton sees; a reference to a rule
 * xgrammar inlines counts as that rule's first bytes), or the rule itself for a reference to a rule it keeps.
 * A grammar this pass cannot read is returned as it is, for xgrammar to report; lines keep their numbers (a moved
 * option spanning lines leaves its line breaks behind) and the new rules go after the last line.
 */
export function guardAlternations(grammar: string): string {
  try {
    const tokens = tokenize(grammar);
    return new Guard(grammar, tokens, new Parser(tokens).grammar()).run();
  } catch (err) {
    if (err instanceof Unreadable) return grammar;
    throw err;
  }
}

/** xgrammar's EBNF macros: an identifier that is one of these is a call, not a rule reference. */
const MACROS = new Set(['TagDispatch']);

type Element =
  | { kind: 'str' | 'cls'; token: Token }
  | { kind: 'ref'; name: string }
  | { kind: 'group'; body: Choices }
  | { kind: 'macro' }
  | { kind: 'quant'; inner: Element; nullable: boolean; star: boolean };

interface Option {
  elements: Element[];
  /** Token indices [first, last] of the option's text. */
  from: number;
  to: number;
}

interface Choices {
  options: Option[];
}

interface Rule {
  name: string;
  body: Choices;
}

/** Deeper nesting is left to xgrammar as it is (the walks here recurse once per level). */
const MAX_DEPTH = 200;

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  grammar(): Rule[] {
    const rules: Rule[] = [];
    while (this.i < this.tokens.length) {
      if (!this.ruleStart()) throw new Unreadable();
      const name = this.tokens[this.i].text;
      this.i += 2;
      rules.push({ name, body: this.choices() });
      if (this.peek()?.kind === '(=') {
        this.i++;
        this.choices(); // a lookahead assertion: not part of what the rule matches
        this.expect(')');
      }
    }
    return rules;
  }

  private peek(delta = 0): Token | undefined {
    return this.tokens[this.i + delta];
  }

  private expect(kind: TokenKind): void {
    if (this.peek()?.kind !== kind) throw new Unreadable();
    this.i++;
  }

  private ruleStart(): boolean {
    return this.peek()?.kind === 'id' && this.peek(1)?.kind === 'assign';
  }

  private choices(): Choices {
    const options = [this.sequence()];
    while (this.peek()?.kind === '|') {
      this.i++;
      options.push(this.sequence());
    }
    return { options };
  }

  private sequence(): Option {
    const from = this.i;
    const elements: Element[] = [];
    for (let t = this.peek(); t && t.kind !== '|' && t.kind !== ')' && t.kind !== '(=' && !this.ruleStart(); t = this.peek()) {
      elements.push(this.quantified());
    }
    if (elements.length === 0) throw new Unreadable(); // xgrammar wants an element
    return { elements, from, to: this.i - 1 };
  }

  private quantified(): Element {
    const inner = this.element();
    const q = this.peek();
    if (q?.kind === '*' || q?.kind === '?') {
      this.i++;
      return { kind: 'quant', inner, nullable: true, star: q.kind === '*' };
    }
    if (q?.kind === '+') {
      this.i++;
      return { kind: 'quant', inner, nullable: false, star: false };
    }
    if (q?.kind === 'brace') {
      this.i++;
      const min = /^\{\s*(\d+)/.exec(q.text);
      if (!min) throw new Unreadable();
      return { kind: 'quant', inner, nullable: Number(min[1]) === 0, star: false };
    }
    return inner;
  }

  private element(): Element {
    const t = this.peek();
    if (!t) throw new Unreadable();
    this.i++;
    if (t.kind === 'str' || t.kind === 'cls') return { kind: t.kind, token: t };
    if (t.kind === '(') {
      if (this.peek()?.kind === ')' || ++this.depth > MAX_DEPTH) throw new Unreadable(); // `( )` is rare: xgrammar's
      const body = this.choices();
      this.expect(')');
      this.depth--;
      return { kind: 'group', body };
    }
    if (t.kind === 'id') {
      if (!MACROS.has(t.text)) return { kind: 'ref', name: t.text };
      // A macro (TagDispatch(…)): skipped whole, treated as matching anything.
      let depth = 0;
      do {
        const k = this.peek()?.kind;
        if (k === undefined) throw new Unreadable();
        if (k === '(') depth++;
        if (k === ')') depth--;
        this.i++;
      } while (depth > 0);
      return { kind: 'macro' };
    }
    throw new Unreadable();
  }
}

const ANY: FirstBytes = new Set(Array.from({ length: 256 }, (_, b) => b));

/** What an option's first step is, as the per-rule automaton sees it. */
type Step = { rule: string } | { bytes: FirstBytes };

class Guard {
  private readonly rules = new Map<string, Rule>();
  private readonly first = new Map<string, Set<number>>();
  private readonly nullableRules = new Set<string>();
  /** Options moved into rules: their first token index → [last token index, rule name]. */
  private readonly moved = new Map<number, [number, string]>();
  private readonly sink: RuleSink;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
    rules: Rule[],
  ) {
    for (const r of rules) if (!this.rules.has(r.name)) this.rules.set(r.name, r);
    let prefix = 'safe_alt';
    while (text.includes(prefix)) prefix += '_';
    this.sink = new RuleSink(prefix);
  }

  run(): string {
    this.fixpoint();
    // Bodies first, then groups inside out: a moved option's text is written with its own moved parts in place.
    for (const rule of this.rules.values()) this.guard(rule.body);
    if (this.moved.size === 0) return this.text;
    let out = '';
    let at = 0;
    for (let t = 0; t < this.tokens.length; t++) {
      const m = this.moved.get(t);
      if (!m) continue;
      const [last, name] = m;
      const start = this.tokens[t].start;
      const end = this.tokens[last].end;
      out += this.text.slice(at, start) + name + '\n'.repeat((this.text.slice(start, end).match(/\r\n|\r|\n/g) ?? []).length);
      at = end;
      t = last;
    }
    out += this.text.slice(at);
    return `${out}\n${this.sink.lines.join('\n')}\n`;
  }

  /** FIRST bytes and nullability of every rule, to a fixed point (an undefined rule is xgrammar's to report). */
  private fixpoint(): void {
    for (const name of this.rules.keys()) this.first.set(name, new Set());
    for (let changed = true; changed;) {
      changed = false;
      for (const rule of this.rules.values()) {
        const { bytes, nullable } = this.choicesFirst(rule.body);
        const known = this.first.get(rule.name) as Set<number>;
        for (const b of bytes)
          if (!known.has(b)) {
            known.add(b);
            changed = true;
          }
        if (nullable && !this.nullableRules.has(rule.name)) {
          this.nullableRules.add(rule.name);
          changed = true;
        }
      }
    }
  }

  private choicesFirst(c: Choices): { bytes: Set<number>; nullable: boolean } {
    const bytes = new Set<number>();
    let nullable = false;
    for (const o of c.options) {
      const f = this.optionFirst(o.elements);
      f.bytes.forEach((b) => bytes.add(b));
      nullable ||= f.nullable;
    }
    return { bytes, nullable };
  }

  private optionFirst(elements: Element[]): { bytes: Set<number>; nullable: boolean } {
    const bytes = new Set<number>();
    for (const e of elements) {
      const f = this.elementFirst(e);
      f.bytes.forEach((b) => bytes.add(b));
      if (!f.nullable) return { bytes, nullable: false };
    }
    return { bytes, nullable: true };
  }

  private elementFirst(e: Element): { bytes: FirstBytes; nullable: boolean } {
    switch (e.kind) {
      case 'str': {
        const ch = readChar(e.token.text, 1, false);
        if (e.token.text === '""') return { bytes: new Set(), nullable: true };
        return { bytes: ch ? new Set([leadByte(ch[0])]) : ANY, nullable: false };
      }
      case 'cls':
        return { bytes: classBytes(e.token.text), nullable: false };
      case 'ref': {
        if (!this.rules.has(e.name)) throw new Unreadable(); // xgrammar names the undefined rule
        return { bytes: this.first.get(e.name) as Set<number>, nullable: this.nullableRules.has(e.name) };
      }
      case 'group':
        return this.choicesFirst(e.body);
      case 'macro':
        return { bytes: ANY, nullable: true };
      case 'quant': {
        const f = this.elementFirst(e.inner);
        return { bytes: f.bytes, nullable: e.nullable || f.nullable };
      }
    }
  }

  private guard(c: Choices): void {
    for (const o of c.options) for (const e of o.elements) this.guardInside(e);
    if (c.options.length < 2) return;
    const steps = c.options.map((o) => this.step(o));
    const byteCount = new Map<number, number>();
    const ruleCount = new Map<string, number>();
    for (const s of steps) {
      if ('rule' in s) ruleCount.set(s.rule, (ruleCount.get(s.rule) ?? 0) + 1);
      else for (const b of s.bytes) byteCount.set(b, (byteCount.get(b) ?? 0) + 1);
    }
    c.options.forEach((o, k) => {
      const s = steps[k];
      const shared = 'rule' in s ? (ruleCount.get(s.rule) ?? 0) > 1 : [...s.bytes].some((b) => (byteCount.get(b) ?? 0) > 1);
      if (shared) this.moved.set(o.from, [o.to, this.sink.guarded(this.render(o.from, o.to))]);
    });
  }

  private guardInside(e: Element): void {
    if (e.kind === 'group') this.guard(e.body);
    else if (e.kind === 'quant') this.guardInside(e.inner);
  }

  /** An option's first step: a reference to a rule xgrammar keeps is its own; anything else, its first bytes. */
  private step(o: Option): Step {
    const first = o.elements.find((e) => !(e.kind === 'str' && e.token.text === '""'));
    if (first?.kind === 'ref' && !this.inlined(first.name)) return { rule: first.name };
    return { bytes: this.optionFirst(o.elements).bytes };
  }

  /**
   * Whether xgrammar may inline references to the rule (it does for rules whose options hold no rule reference and
   * none is empty). Only a rule that surely stays a rule is treated as one: an option is empty, or holds a reference
   * or an element xgrammar turns into one (`x?`, `x+`, and `x*` but for a class).
   */
  private inlined(name: string): boolean {
    const rule = this.rules.get(name);
    if (!rule) return true;
    const staysRule = rule.body.options.some(
      (o) =>
        o.elements.every((e) => e.kind === 'str' && e.token.text === '""') ||
        o.elements.some((e) => e.kind === 'ref' || (e.kind === 'quant' && !(e.star && e.inner.kind === 'cls'))),
    );
    return !staysRule;
  }

  /** The tokens from..to on one line, with the options moved from inside them replaced by their rules. */
  private render(from: number, to: number): string {
    const parts: string[] = [];
    for (let t = from; t <= to; t++) {
      const m = this.moved.get(t);
      if (m) {
        parts.push(m[1]);
        t = m[0];
      } else parts.push(this.tokens[t].text);
    }
    return parts.join(' ');
  }
}

/** The bytes a class's characters can start with (every non-ASCII lead byte once any member is above U+007F). */
function classBytes(text: string): FirstBytes {
  const negated = text[1] === '^';
  const tokens: ClassToken[] = [];
  for (let i = negated ? 2 : 1; i < text.length - 1;) {
    if (text[i] === '-') {
      tokens.push({ kind: 'dash' });
      i++;
      continue;
    }
    const ch = readChar(text, i, true);
    if (!ch) return ANY;
    tokens.push({ kind: 'char', cp: ch[0], hexEscape: false });
    i += ch[1];
  }
  let ranges: [number, number][];
  try {
    ranges = classRanges(tokens, (message) => new TranslationError(message));
  } catch {
    return ANY;
  }
  if (negated) return ANY;
  const bytes = new Set<number>();
  for (const [lo, hi] of ranges) {
    for (let cp = lo; cp <= Math.min(hi, 0x7f); cp++) bytes.add(cp);
    if (hi > 0x7f) NON_ASCII_BYTES.forEach((b) => bytes.add(b));
  }
  return bytes;
}
