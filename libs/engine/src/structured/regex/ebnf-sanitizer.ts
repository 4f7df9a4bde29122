import { RuleSink } from './alternation';
import { CodePointSet, MAX_CODE_POINT } from './code-point-set';
import { guardAlternations } from './ebnf-alternations';
import { C_ESCAPES, CLASS_ESCAPES, type ClassToken, classRanges, isHex } from './ebnf-escapes';
import { unicodeEscape } from './ebnf-text';
import { writeCharSet } from './safe-char-set';
import { TranslationError } from './translation-error';

/**
 * Makes a user's xgrammar EBNF safe for xgrammar 0.1.27 without changing what it means, leaving the text as it was
 * wherever nothing needs changing (so xgrammar's own error positions still point at the user's text), and on the
 * same lines everywhere. It lexes just enough of the grammar (comments, string literals, character classes) to:
 * - rewrite a character class with a member above U+007F, which xgrammar mishandles, as the safe form of the same
 *   set (see safe-char-set.ts: exact, or an ASCII subset for a negated class, or refused), with any helper rules it
 *   needs appended after the user's last line;
 * - read `\x` as GBNF (which xgrammar's EBNF follows) and C/Python/JavaScript do, with at most two hex digits, where
 *   xgrammar would take every hex digit that follows (`"\x41BC"` is "ABC", not U+41BC): rewritten as `\u00HH`;
 * - refuse escapes naming surrogates or code points beyond U+10FFFF, which xgrammar would turn into invalid UTF-8,
 *   and a raw line break inside a class (xgrammar refuses it too, less clearly);
 * - then guard the alternations against xgrammar's over-merging (ebnf-alternations.ts).
 */
export function sanitizeEbnf(grammar: string): string {
  return guardAlternations(new Sanitizer(grammar).run());
}

class Sanitizer {
  private pos = 0;
  private line = 1;
  private out = '';
  /** Non-ASCII class members written as literals across the whole grammar. */
  private readonly budget = { used: 0 };
  private readonly sink: RuleSink;

  constructor(private readonly text: string) {
    let prefix = 'safe_class';
    while (text.includes(prefix)) prefix += '_';
    this.sink = new RuleSink(prefix);
  }

  run(): string {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === '#') this.copyComment();
      else if (c === '"') this.stringLiteral();
      else if (c === '[') this.charClass();
      else this.copy(1);
    }
    if (this.sink.lines.length === 0) return this.out;
    return `${this.out}\n${this.sink.lines.join('\n')}\n`;
  }

  private error(message: string): TranslationError {
    return new TranslationError(`line ${this.line}: ${message}`);
  }

  private copy(n: number): void {
    for (let i = 0; i < n && this.pos < this.text.length; i++) {
      const c = this.text[this.pos++];
      if (c === '\n' || (c === '\r' && this.text[this.pos] !== '\n')) this.line++;
      this.out += c;
    }
  }

  private copyComment(): void {
    while (this.pos < this.text.length && this.text[this.pos] !== '\n' && this.text[this.pos] !== '\r') this.copy(1);
  }

  /** Copies a string literal, rewriting `\x` escapes; an unterminated one is left for xgrammar to report. */
  private stringLiteral(): void {
    const t = this.text;
    this.copy(1);
    while (this.pos < t.length && t[this.pos] !== '"' && t[this.pos] !== '\n' && t[this.pos] !== '\r') {
      if (t[this.pos] === '\\') {
        const e = t[this.pos + 1];
        if (e === 'x') {
          const cp = this.hexEscape();
          if (cp === null) this.copy(2);
          else this.out += unicodeEscape(cp);
        } else if (e === 'u' || e === 'U') {
          const width = e === 'u' ? 4 : 8;
          const digits = t.slice(this.pos + 2, this.pos + 2 + width);
          if (digits.length === width && [...digits].every(isHex)) this.checkScalar(parseInt(digits, 16));
          this.copy(2);
        } else this.copy(2);
      } else {
        const cp = t.codePointAt(this.pos) ?? 0;
        if (cp >= 0xd800 && cp <= 0xdfff) throw this.error('a lone surrogate is not a character');
        this.copy(cp > 0xffff ? 2 : 1);
      }
    }
    this.copy(1); // the closing quote (or the line break xgrammar will complain about)
  }

  /** At a `\x`: reads up to two hex digits and returns their value (null when none follow). */
  private hexEscape(): number | null {
    let digits = '';
    while (digits.length < 2 && isHex(this.text[this.pos + 2 + digits.length])) digits += this.text[this.pos + 2 + digits.length];
    if (digits === '') return null;
    this.pos += 2 + digits.length;
    return parseInt(digits, 16);
  }

  private checkScalar(cp: number): void {
    if (cp > MAX_CODE_POINT) throw this.error(`the escape for ${cp.toString(16).toUpperCase()} is beyond Unicode (U+10FFFF)`);
    if (cp >= 0xd800 && cp <= 0xdfff)
      throw this.error(`the escape for U+${cp.toString(16).toUpperCase()} names a surrogate, not a character`);
  }

  /** A class is copied as it is when xgrammar reads it right, else written out again from its set. */
  private charClass(): void {
    const start = this.pos;
    const startLine = this.line;
    const t = this.text;
    let i = this.pos + 1;
    const negated = t[i] === '^';
    if (negated) i++;
    const tokens: ClassToken[] = [];
    while (i < t.length && t[i] !== ']') {
      const c = t[i];
      if (c === '\n' || c === '\r') throw this.error('a character class cannot hold a raw line break (write \\n or \\r)');
      if (c === '-') {
        tokens.push({ kind: 'dash' });
        i++;
      } else if (c === '\\') {
        const [cp, length, hexEscape] = this.classEscape(i);
        tokens.push({ kind: 'char', cp, hexEscape });
        i += length;
      } else {
        const cp = t.codePointAt(i) ?? 0;
        if (cp >= 0xd800 && cp <= 0xdfff) throw this.error('a lone surrogate is not a character');
        tokens.push({ kind: 'char', cp, hexEscape: false });
        i += cp > 0xffff ? 2 : 1;
      }
    }
    if (i >= t.length) throw this.error('unterminated character class');
    const end = i + 1;
    const source = t.slice(start, end);
    const ranges = classRanges(tokens, (message) => this.error(message));
    const needsRewrite = tokens.some((k) => k.kind === 'char' && (k.cp > 0x7f || k.hexEscape));
    if (!needsRewrite) {
      this.copy(end - start);
      return;
    }
    const members = CodePointSet.of(ranges);
    let written;
    try {
      written = writeCharSet(negated ? members.complement() : members, negated, source, {
        jsonString: false,
        literalBudget: this.budget,
        sink: this.sink,
      });
    } catch (err) {
      if (err instanceof TranslationError) throw new TranslationError(`line ${startLine}: ${err.message}`);
      throw err;
    }
    this.out += written.element ? written.text : `(${written.text})`;
    this.pos = end;
  }

  /** The escape at `i` inside a class: its code point, its length, and whether it is a `\x` one. */
  private classEscape(i: number): [number, number, boolean] {
    const t = this.text;
    const e = t[i + 1];
    if (e === undefined) throw this.error('unterminated character class');
    if (CLASS_ESCAPES.has(e)) return [e.charCodeAt(0), 2, false];
    const c = C_ESCAPES.get(e);
    if (c !== undefined) return [c, 2, false];
    if (e === 'x') {
      let digits = '';
      while (digits.length < 2 && isHex(t[i + 2 + digits.length])) digits += t[i + 2 + digits.length];
      if (digits === '') throw this.error('bad escape \\x in a character class: expected hex digits');
      return [parseInt(digits, 16), 2 + digits.length, true];
    }
    if (e === 'u' || e === 'U') {
      const width = e === 'u' ? 4 : 8;
      const digits = t.slice(i + 2, i + 2 + width);
      if (digits.length !== width || ![...digits].every(isHex))
        throw this.error(`bad escape \\${e} in a character class: expected ${width} hex digits`);
      const cp = parseInt(digits, 16);
      this.checkScalar(cp);
      return [cp, 2 + width, false];
    }
    if ('dDsSwW'.includes(e)) throw this.error(`character class escapes such as \\${e} are not supported in EBNF (list the characters)`);
    throw this.error(`bad escape \\${e} in a character class`);
  }
}
