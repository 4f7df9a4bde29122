import { CodePointSet, MAX_CODE_POINT, type Shorthand, shorthandSet } from './code-point-set';
import type { RegexNode } from './regex-ast';
import { TranslationError } from './translation-error';

/**
 * Parses the regex dialect vLLM's clients send: the common ground of Python's `re` and JavaScript's `u`-flag
 * syntax. Literals and escapes (`\n \t \r \f \v \a \0`, `\xHH`, `\uHHHH` and surrogate pairs, `\u{…}`,
 * `\UHHHHHHHH`, `\cX`, escaped punctuation), classes with ranges and negation, `\d \w \s \D \W \S` (ECMAScript
 * meaning), `.`, groups (capturing, `(?:…)`, named `(?P<n>…)` / `(?<n>…)`, comments `(?#…)`), alternation,
 * `? * + {m} {m,} {m,n} {,n}` and their lazy forms, and the anchors `^ $ \A \Z \z`. Refused with a message:
 * backreferences, lookarounds, word boundaries, flags, atomic groups, possessive quantifiers, Unicode properties,
 * and patterns past the bounds below. Python-only leniencies are accepted where JavaScript has no other reading
 * (a `{` that starts no quantifier is a literal, `{,n}` means `{0,n}`); where the two read a pattern differently
 * (a class starting with `]`, octal escapes) it is refused.
 */

/** Deepest group nesting. */
export const MAX_NESTING = 64;
/** Largest repetition count. */
export const MAX_REPEAT = 100_000;
/** Largest product of the counts of repetitions nested in one another (`(a{0,1000}){0,1000}` is 10^6). */
export const MAX_REPEAT_PRODUCT = 1_000_000;

const CONTROL_ESCAPES = new Map<string, number>([
  ['n', 0x0a],
  ['r', 0x0d],
  ['t', 0x09],
  ['f', 0x0c],
  ['v', 0x0b],
  ['a', 0x07],
]);
const SHORTHANDS = new Set(['d', 'D', 'w', 'W', 's', 'S']);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);
const isAsciiAlnum = (c: string): boolean => /^[0-9A-Za-z]$/.test(c);

export function parseRegex(pattern: string): RegexNode {
  return new Parser(pattern).parse();
}

class Parser {
  /** One entry per code point (a lone surrogate stays one entry). */
  private readonly chars: string[];
  private pos = 0;
  private depth = 0;

  constructor(private readonly pattern: string) {
    this.chars = Array.from(pattern);
  }

  parse(): RegexNode {
    const node = this.alternation();
    if (this.pos < this.chars.length) {
      // Only an unmatched `)` stops the top-level alternation early.
      throw this.error('unbalanced parenthesis: ")" without "("');
    }
    return node;
  }

  private error(message: string, at = this.pos): TranslationError {
    return new TranslationError(`${message} at position ${at}`);
  }

  private peek(delta = 0): string | undefined {
    return this.chars[this.pos + delta];
  }

  private alternation(): RegexNode {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.pos++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0] : { type: 'alt', options };
  }

  private sequence(): RegexNode {
    const items: RegexNode[] = [];
    for (let c = this.peek(); c !== undefined && c !== '|' && c !== ')'; c = this.peek()) {
      const start = this.pos;
      const atom = this.atom();
      if (atom === null) continue; // a comment group
      items.push(this.quantified(atom, start));
    }
    return items.length === 1 ? items[0] : { type: 'seq', items };
  }

  private quantified(atom: RegexNode, start: number): RegexNode {
    const bounds = this.quantifier();
    if (bounds === null) return atom;
    if (atom.type === 'anchor') throw this.error(`nothing to repeat: a quantifier after the anchor ${atom.source}`, start);
    if (this.peek() === '+') throw this.error('possessive quantifiers are not supported');
    if (this.peek() === '?') this.pos++; // lazy: the same language
    if (this.quantifierAhead()) throw this.error('multiple repeat: a quantifier cannot follow a quantifier');
    this.checkNestedProduct(atom, Math.max(1, bounds.max ?? bounds.min), start);
    return { type: 'repeat', body: atom, min: bounds.min, max: bounds.max };
  }

  /**
   * Repetitions inside `node` multiply with `outer`, the count of the repetition just put around it. Checked at
   * each level as the tree is built (depth is bounded, so the walks stay cheap).
   */
  private checkNestedProduct(node: RegexNode, outer: number, at: number): void {
    const walk = (n: RegexNode, product: number): void => {
      if (product > MAX_REPEAT_PRODUCT) {
        throw this.error(`nested repetitions repeat too much (more than ${MAX_REPEAT_PRODUCT} times in all)`, at);
      }
      if (n.type === 'repeat') walk(n.body, product * Math.max(1, n.max ?? n.min));
      else if (n.type === 'seq') n.items.forEach((i) => walk(i, product));
      else if (n.type === 'alt') n.options.forEach((o) => walk(o, product));
    };
    walk(node, outer);
  }

  private quantifierAhead(): boolean {
    const c = this.peek();
    if (c === '*' || c === '+' || c === '?') return true;
    return c === '{' && this.braceQuantifierLength() > 0;
  }

  /** The length of a `{m}`, `{m,}`, `{m,n}` or `{,n}` at the cursor, or 0 where `{` starts none (a literal). */
  private braceQuantifierLength(): number {
    let i = this.pos + 1;
    const digits = (): number => {
      const from = i;
      while (isDigit(this.chars[i])) i++;
      return i - from;
    };
    const lower = digits();
    if (this.chars[i] === ',') {
      i++;
      const upper = digits();
      if (lower === 0 && upper === 0) return 0;
    } else if (lower === 0) return 0;
    return this.chars[i] === '}' ? i + 1 - this.pos : 0;
  }

  private quantifier(): { min: number; max: number | null } | null {
    const c = this.peek();
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      return c === '*' ? { min: 0, max: null } : c === '+' ? { min: 1, max: null } : { min: 0, max: 1 };
    }
    if (c !== '{') return null;
    const length = this.braceQuantifierLength();
    if (length === 0) return null;
    const start = this.pos;
    const body = this.chars.slice(this.pos + 1, this.pos + length - 1).join('');
    this.pos += length;
    const [lowText, highText] = body.includes(',') ? body.split(',') : [body, body];
    const count = (text: string): number => {
      const n = Number(text);
      if (n > MAX_REPEAT) throw this.error(`repetition count ${text} exceeds ${MAX_REPEAT}`, start);
      return n;
    };
    const min = lowText === '' ? 0 : count(lowText);
    const max = highText === '' ? null : count(highText);
    if (max !== null && max < min) throw this.error(`min repeat greater than max repeat in {${body}}`, start);
    return { min, max };
  }

  /** One atom, or null for a `(?#…)` comment. */
  private atom(): RegexNode | null {
    const start = this.pos;
    const c = this.chars[this.pos++];
    switch (c) {
      case '(':
        return this.group(start);
      case '[':
        return this.charClass(start);
      case '.':
        // Any character but a line break: Python's `.` less `\r` (JavaScript's also excludes U+2028 and U+2029,
        // which xgrammar 0.1.27 cannot exclude from the rest of Unicode).
        return {
          type: 'set',
          set: CodePointSet.of([
            [0x0a, 0x0a],
            [0x0d, 0x0d],
          ]).complement(),
          open: true,
          source: '.',
        };
      case '^':
        return { type: 'anchor', at: 'start', source: '^', pos: start };
      case '$':
        return { type: 'anchor', at: 'end', source: '$', pos: start };
      case '\\':
        return this.atomEscape(start);
      case '*':
      case '+':
      case '?':
        throw this.error(`nothing to repeat: "${c}" follows nothing`, start);
      case '{':
        this.pos = start;
        if (this.braceQuantifierLength() > 0) throw this.error('nothing to repeat: "{" quantifier follows nothing', start);
        this.pos++;
        return { type: 'char', cp: 0x7b };
      default:
        return { type: 'char', cp: this.literalCodePoint(c, start) };
    }
  }

  private literalCodePoint(c: string, at: number): number {
    const cp = c.codePointAt(0) ?? 0;
    if (cp >= 0xd800 && cp <= 0xdfff) throw this.error('a lone surrogate is not a character', at);
    return cp;
  }

  private group(start: number): RegexNode | null {
    if (this.peek() === '?') {
      const next = this.peek(1);
      if (next === ':') this.pos += 2;
      else if (next === '#') {
        const end = this.chars.indexOf(')', this.pos);
        if (end < 0) throw this.error('missing ), unterminated comment', start);
        this.pos = end + 1;
        return null;
      } else if (next === 'P' && this.peek(2) === '<') {
        this.pos += 3;
        this.groupName(start);
      } else if (next === '<' && this.peek(2) !== '=' && this.peek(2) !== '!') {
        this.pos += 2;
        this.groupName(start);
      } else if (next === '=' || next === '!') throw this.error(`lookahead (?${next}…) is not supported`, start);
      else if (next === '<') throw this.error(`lookbehind (?<${this.peek(2)}…) is not supported`, start);
      else if (next === 'P' && this.peek(2) === '=') throw this.error('backreferences (?P=name) are not supported', start);
      else if (next === '>') throw this.error('atomic groups (?>…) are not supported', start);
      else if (next === '(') throw this.error('conditional groups (?(…)…) are not supported', start);
      else throw this.error('inline flags such as (?i) are not supported', start);
    }
    if (++this.depth > MAX_NESTING) throw this.error(`groups are nested more than ${MAX_NESTING} deep`, start);
    const body = this.alternation();
    this.depth--;
    if (this.peek() !== ')') throw this.error('missing ), parenthesis is not closed', start);
    this.pos++;
    return body;
  }

  private groupName(start: number): void {
    const from = this.pos;
    while (this.pos < this.chars.length && this.chars[this.pos] !== '>') this.pos++;
    const name = this.chars.slice(from, this.pos).join('');
    if (this.peek() !== '>' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw this.error('bad group name', start);
    this.pos++;
  }

  private atomEscape(start: number): RegexNode {
    const c = this.peek();
    if (c === undefined) throw this.error('the pattern ends with a lone backslash', start);
    if (SHORTHANDS.has(c)) {
      this.pos++;
      return { type: 'set', set: shorthandSet(c as Shorthand), open: c === 'D' || c === 'W' || c === 'S', source: `\\${c}` };
    }
    if (c === 'A') {
      this.pos++;
      return { type: 'anchor', at: 'start', source: '\\A', pos: start };
    }
    if (c === 'Z' || c === 'z') {
      this.pos++;
      return { type: 'anchor', at: 'end', source: `\\${c}`, pos: start };
    }
    if (c === 'b' || c === 'B') throw this.error(`word boundaries (\\${c}) are not supported`, start);
    if (isDigit(c) && c !== '0') throw this.error(`backreferences (\\${c}) are not supported`, start);
    if (c === 'k') throw this.error('backreferences (\\k<name>) are not supported', start);
    return { type: 'char', cp: this.charEscape(start) };
  }

  /** The code point of an escape that stands for one character (the backslash already read). */
  private charEscape(start: number): number {
    const c = this.chars[this.pos++];
    const control = CONTROL_ESCAPES.get(c);
    if (control !== undefined) return control;
    switch (c) {
      case '0':
        if (isDigit(this.peek())) throw this.error('octal escapes are not supported (write \\xHH)', start);
        return 0;
      case 'x':
        return this.hexDigits(2, start, '\\xHH');
      case 'u':
        return this.unicodeEscape(start);
      case 'U': {
        const cp = this.hexDigits(8, start, '\\UHHHHHHHH');
        return this.scalar(cp, start);
      }
      case 'c': {
        const letter = this.peek();
        if (letter === undefined || !/^[A-Za-z]$/.test(letter)) throw this.error('\\c must be followed by a letter', start);
        this.pos++;
        return (letter.codePointAt(0) ?? 0) % 32;
      }
      case 'p':
      case 'P':
        throw this.error(`Unicode property escapes (\\${c}{…}) are not supported`, start);
      case 'N':
        throw this.error('named characters (\\N{…}) are not supported', start);
    }
    if (isAsciiAlnum(c)) throw this.error(`unknown escape \\${c}`, start);
    return this.literalCodePoint(c, start);
  }

  private unicodeEscape(start: number): number {
    if (this.peek() === '{') {
      const end = this.chars.indexOf('}', this.pos);
      const digits = end < 0 ? '' : this.chars.slice(this.pos + 1, end).join('');
      if (!/^[0-9A-Fa-f]{1,8}$/.test(digits)) throw this.error('bad escape \\u{…}: expected hex digits and }', start);
      this.pos = end + 1;
      return this.scalar(parseInt(digits, 16), start);
    }
    const cp = this.hexDigits(4, start, '\\uHHHH');
    if (cp >= 0xd800 && cp <= 0xdbff && this.peek() === '\\' && this.peek(1) === 'u' && this.peek(2) !== '{') {
      const save = this.pos;
      this.pos += 2;
      const low = this.hexDigits(4, save, '\\uHHHH');
      if (low >= 0xdc00 && low <= 0xdfff) return 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
      this.pos = save;
    }
    return this.scalar(cp, start);
  }

  private scalar(cp: number, at: number): number {
    if (cp > MAX_CODE_POINT) throw this.error(`escape names U+${cp.toString(16).toUpperCase()}, beyond Unicode`, at);
    if (cp >= 0xd800 && cp <= 0xdfff) throw this.error('a lone surrogate is not a character', at);
    return cp;
  }

  private hexDigits(count: number, start: number, form: string): number {
    const digits = this.chars.slice(this.pos, this.pos + count);
    if (digits.length < count || !digits.every(isHex)) throw this.error(`bad escape: expected ${form}`, start);
    this.pos += count;
    return parseInt(digits.join(''), 16);
  }

  private charClass(start: number): RegexNode {
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos++;
    }
    // Python reads a leading `]` as a member, JavaScript as the end of an empty class: ask for `\]`.
    if (this.peek() === ']') throw this.error('a character class cannot start with "]" (write \\] for the character)', start);
    let set = CodePointSet.EMPTY;
    /** Whether a member is itself "anything but …" (`\D \W \S`). */
    let openMember = false;
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw this.error('unterminated character set', start);
      if (c === ']') break;
      const itemStart = this.pos;
      const lo = this.classAtom();
      if (this.peek() === '-' && this.peek(1) !== undefined && this.peek(1) !== ']') {
        this.pos++;
        const hi = this.classAtom();
        if (typeof lo !== 'number' || typeof hi !== 'number')
          throw this.error('bad character range: a shorthand cannot bound a range', itemStart);
        if (hi < lo) throw this.error('bad character range: the bounds are out of order', itemStart);
        set = set.union(CodePointSet.of([[lo, hi]]));
      } else if (typeof lo === 'number') set = set.union(CodePointSet.char(lo));
      else {
        set = set.union(shorthandSet(lo));
        if (lo === 'D' || lo === 'W' || lo === 'S') openMember = true;
      }
    }
    this.pos++;
    const source = this.chars.slice(start, this.pos).join('');
    // `[^\S]` is `\s`: negating an open set closes it.
    return { type: 'set', set: negated ? set.complement() : set, open: negated !== openMember, source };
  }

  /** A class member: a code point, or the name of a shorthand. */
  private classAtom(): number | Shorthand {
    const start = this.pos;
    const c = this.chars[this.pos++];
    if (c !== '\\') return this.literalCodePoint(c, start);
    const e = this.peek();
    if (e === undefined) throw this.error('unterminated character set', start);
    if (SHORTHANDS.has(e)) {
      this.pos++;
      return e as Shorthand;
    }
    if (e === 'b') {
      this.pos++;
      return 0x08; // backspace inside a class, in both dialects
    }
    if (e === '-') {
      this.pos++;
      return 0x2d;
    }
    if (isDigit(e) && e !== '0') throw this.error(`backreferences or octal escapes (\\${e}) are not supported`, start);
    if (e === 'B' || e === 'A' || e === 'Z' || e === 'z' || e === 'k') throw this.error(`bad escape \\${e} in a character class`, start);
    return this.charEscape(start);
  }
}
