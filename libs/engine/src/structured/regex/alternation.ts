/**
 * Alternations xgrammar 0.1.27 compiles right. It builds one byte-level automaton per rule and simplifies it with a
 * state-merging pass that over-merges (mlc-ai/xgrammar#618, fixed upstream in #632, after the last web build): when
 * two options of a rule start with the same bytes, states of different options can end up merged, and the rule then
 * accepts strings no option spells. Measured: `"\u1680" | "\u2000" | "\u2001" | "\u3000"` accepts U+1681 and U+3001.
 * So an option whose first byte it shares with another option becomes a rule of its own, written so that xgrammar
 * neither inlines it back (it ends in a reference to an empty rule) nor merges it (distinct rules are distinct
 * edges); options that start differently stay as they are, so the usual alternation costs nothing more.
 */

import { TranslationError } from './translation-error';

/**
 * Most guarded rules in one translation: each costs xgrammar compile time (10000 took 3 s over a 32k vocabulary,
 * 1000 under 0.5 s) and compiles block the engine.
 */
export const MAX_GUARDED_RULES = 4096;

/** The bytes an option's UTF-8 text can start with. */
export type FirstBytes = ReadonlySet<number>;

/** The first UTF-8 byte of a code point. */
export function leadByte(cp: number): number {
  if (cp < 0x80) return cp;
  if (cp < 0x800) return 0xc0 | (cp >> 6);
  if (cp < 0x10000) return 0xe0 | (cp >> 12);
  return 0xf0 | (cp >> 18);
}

/** Every non-ASCII lead byte, for sets whose non-ASCII part is not looked at member by member. */
export const NON_ASCII_BYTES: FirstBytes = new Set(Array.from({ length: 0x80 }, (_, i) => 0x80 + i));

/** The helper rules of one translation, named `<prefix>_…`, one per line. */
export class RuleSink {
  readonly lines: string[] = [];
  private readonly counts = new Map<string, number>();
  private empty?: string;

  constructor(readonly prefix: string) {}

  /** A new rule `<prefix>_<tag><n>`. */
  add(body: string, tag: string): string {
    const n = (this.counts.get(tag) ?? 0) + 1;
    this.counts.set(tag, n);
    const name = `${this.prefix}_${tag}${n}`;
    this.lines.push(`${name} ::= ${body}`);
    return name;
  }

  /** A rule for `body` that xgrammar keeps as a rule (see above). */
  guarded(body: string): string {
    if ((this.counts.get('g') ?? 0) >= MAX_GUARDED_RULES) {
      throw new TranslationError(`more than ${MAX_GUARDED_RULES} alternatives start like another one (each needs a rule of its own)`);
    }
    if (!this.empty) {
      this.empty = `${this.prefix}_empty`;
      this.lines.push(`${this.empty} ::= ""`);
    }
    return this.add(`${body} ${this.empty}`, 'g');
  }
}

export interface AlternationOption {
  /** The option as EBNF: an element or a sequence, never an unparenthesised alternation. */
  text: string;
  first: FirstBytes;
}

/** `a | b | …` with the options that share a first byte with another option moved into guarded rules. */
export function writeAlternation(options: readonly AlternationOption[], sink: RuleSink): string {
  const unique = new Map<string, AlternationOption>();
  for (const o of options) if (!unique.has(o.text)) unique.set(o.text, o);
  const kept = [...unique.values()];
  const starters = new Map<number, number>();
  for (const o of kept) for (const b of o.first) starters.set(b, (starters.get(b) ?? 0) + 1);
  return kept.map((o) => ([...o.first].some((b) => (starters.get(b) ?? 0) > 1) ? sink.guarded(o.text) : o.text)).join(' | ');
}
