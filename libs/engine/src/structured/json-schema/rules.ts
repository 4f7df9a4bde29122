import { alt, atomic, type Expr, lit, NEVER, print, ref, rep, seq } from './ebnf';

/**
 * The named rules of one grammar, and the grammar text they finish into, written around two traits of xgrammar
 * 0.1.27 (the newest web build), both measured over a 32k vocabulary:
 * - each repetition written in a rule (`x{m,n}`, `x*`) is compiled on its own, about 4 ms each, while a rule costs
 *   once however often it is used: every repetition becomes a shared rule;
 * - its per-rule automaton over-merges states when options of an alternation start with the same byte
 *   (mlc-ai/xgrammar#618, fixed upstream after the web build): `"cbc" | "aba" | "ca" | "abc" | "bbb"` took "cba".
 *   Such options become rules of their own that end in a reference to an empty rule, which xgrammar neither inlines
 *   nor merges (the workaround regex/alternation.ts uses); options that start differently stay as they are.
 */

/** Thrown when a grammar grows past its bound; the converter turns it into a refusal naming the schema's size. */
export class GrammarTooLargeError extends Error {}

const ALL_BYTES: ReadonlySet<number> = new Set(Array.from({ length: 256 }, (_, i) => i));

function leadByte(cp: number): number {
  if (cp < 0x80) return cp;
  if (cp < 0x800) return 0xc0 | (cp >> 6);
  if (cp < 0x10000) return 0xe0 | (cp >> 12);
  return 0xf0 | (cp >> 18);
}

interface First {
  bytes: ReadonlySet<number>;
  nullable: boolean;
}

/**
 * Named rules. `define` shares one rule between identical bodies; `reserve` + `set` make room for recursion (a
 * `$ref` cycle refers to its rule before the body exists).
 */
export class Rules {
  private readonly bodies = new Map<string, Expr>();
  /** Rules written elsewhere (a pattern's, by regex/), as their EBNF lines: taken as productive and written as is. */
  private readonly texts = new Map<string, string>();
  private readonly byBody = new Map<string, string>();
  private readonly named = new Map<string, string>();
  private readonly used = new Set<string>();
  private size = 0;

  constructor(private readonly maxSize: number) {}

  reserve(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([^A-Za-z])/, 'r_$1') || 'r';
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  set(name: string, body: Expr): void {
    this.bodies.set(name, body);
    this.size += print(body).length;
    if (this.size > this.maxSize) throw new GrammarTooLargeError();
  }

  /** The rule for `key` whose body may refer to itself, made once per grammar. */
  recursive(key: string, body: (self: Expr) => Expr, hint = key): Expr {
    let name = this.named.get(key);
    if (name === undefined) {
      name = this.reserve(hint);
      this.named.set(key, name);
      this.set(name, body(ref(name)));
    }
    return ref(name);
  }

  /** Adds rule `name` (reserved here) and its helper rules as EBNF text; `ref(name)` refers to it. */
  setText(name: string, text: string): void {
    this.texts.set(name, text);
    this.size += text.length;
    if (this.size > this.maxSize) throw new GrammarTooLargeError();
  }

  define(hint: string, body: Expr): Expr {
    if (body.k === 'never' || atomic(body)) return body;
    const key = print(body);
    const known = this.byBody.get(key);
    if (known !== undefined) return ref(known);
    const name = this.reserve(hint);
    this.byBody.set(key, name);
    this.set(name, body);
    return ref(name);
  }

  /**
   * The grammar text, starting with rule `start` (reserved as `root`), or undefined when it derives no finite text.
   * Rules that derive none are removed first (references to them become NEVER and fold away); then repetitions are
   * hoisted and alternations guarded (see above) in the rules the start reaches, which alone are written.
   */
  finish(start: string): string | undefined {
    const productive = this.productive();
    if (!productive.has(start)) return undefined;
    const prune = (x: Expr): Expr => mapChildren(x, prune, (r) => (productive.has(r.name) ? r : NEVER));
    const pruned = new Map<string, Expr>();
    for (const [name, body] of this.bodies) if (productive.has(name)) pruned.set(name, prune(body));

    const firstOf = this.firstBytes(pruned);
    const shared = new Map<string, string>(); // body text → rule name, for hoisted repetitions and guarded options
    const named = (hint: string, body: Expr): Expr => {
      const text = print(body);
      let name = shared.get(text);
      if (name === undefined) {
        name = this.reserve(hint);
        shared.set(text, name);
        pruned.set(name, body);
      }
      return ref(name);
    };
    let empty: string | undefined;
    const guard = (option: Expr): Expr => {
      if (empty === undefined) {
        empty = this.reserve('empty');
        pruned.set(empty, lit(''));
      }
      return named('alt', seq(option, ref(empty)));
    };
    const rewrite = (x: Expr): Expr => {
      switch (x.k) {
        case 'seq':
          return seq(...x.xs.map(rewrite));
        case 'alt': {
          const options = x.xs.map(rewrite);
          const firsts = x.xs.map((o) => firstOf(o).bytes);
          const count = new Map<number, number>();
          for (const f of firsts) for (const b of f) count.set(b, (count.get(b) ?? 0) + 1);
          return alt(...options.map((o, i) => ([...firsts[i]].some((b) => (count.get(b) ?? 0) > 1) ? guard(o) : o)));
        }
        case 'rep': {
          const inner = rep(rewrite(x.x), x.min, x.max);
          return inner.k === 'rep' && !(inner.min === 0 && inner.max === 1) ? named('rep', inner) : inner;
        }
        default:
          return x;
      }
    };

    const lines: string[] = [];
    const pending = [start];
    const reached = new Set(pending);
    const visit = (x: Expr): void => {
      if (x.k === 'ref' && !reached.has(x.name)) {
        reached.add(x.name);
        pending.push(x.name);
      } else if (x.k === 'seq' || x.k === 'alt') x.xs.forEach(visit);
      else if (x.k === 'rep') visit(x.x);
    };
    for (let i = 0; i < pending.length; i++) {
      const name = pending[i];
      const text = this.texts.get(name);
      if (text !== undefined) {
        lines.push(text.trimEnd());
        continue;
      }
      const raw = pruned.get(name) ?? NEVER;
      // A rule that is one repetition stays as it is (hoisting it would only add a rule that names it).
      const body = raw.k === 'rep' ? rep(rewrite(raw.x), raw.min, raw.max) : rewrite(raw);
      visit(body);
      lines.push(`${name} ::= ${print(body)}`);
    }
    return `${lines.join('\n')}\n`;
  }

  /** The rules that derive some finite text (a fixpoint: recursion without a way out derives none). */
  private productive(): Set<string> {
    const productive = new Set<string>(this.texts.keys());
    let changed = true;
    while (changed) {
      changed = false;
      for (const [name, body] of this.bodies)
        if (!productive.has(name) && derivesText(body, productive)) {
          productive.add(name);
          changed = true;
        }
    }
    return productive;
  }

  /** The bytes an expression's text may start with (through rules; a rule being computed counts as any byte). */
  private firstBytes(bodies: Map<string, Expr>): (x: Expr) => First {
    const memo = new Map<string, First>();
    const of = (x: Expr): First => {
      switch (x.k) {
        case 'lit': {
          const cp = x.s.codePointAt(0);
          return cp === undefined ? { bytes: new Set(), nullable: true } : { bytes: new Set([leadByte(cp)]), nullable: false };
        }
        case 'cls': {
          const inClass = (b: number): boolean => x.ranges.some(([lo, hi]) => b >= lo && b <= hi);
          const bytes = [...ALL_BYTES].filter((b) => (x.negated ? b >= 0x80 || !inClass(b) : inClass(b)));
          return { bytes: new Set(bytes), nullable: false };
        }
        case 'never':
          return { bytes: new Set(), nullable: false };
        case 'ref': {
          const known = memo.get(x.name);
          if (known) return known;
          memo.set(x.name, { bytes: ALL_BYTES, nullable: true }); // while in progress: assume the worst
          const body = bodies.get(x.name);
          const found = body ? of(body) : { bytes: ALL_BYTES, nullable: true };
          memo.set(x.name, found);
          return found;
        }
        case 'seq': {
          const bytes = new Set<number>();
          for (const part of x.xs) {
            const f = of(part);
            for (const b of f.bytes) bytes.add(b);
            if (!f.nullable) return { bytes, nullable: false };
          }
          return { bytes, nullable: true };
        }
        case 'alt': {
          const fs = x.xs.map(of);
          return { bytes: new Set(fs.flatMap((f) => [...f.bytes])), nullable: fs.some((f) => f.nullable) };
        }
        case 'rep': {
          const f = of(x.x);
          return { bytes: f.bytes, nullable: x.min === 0 || f.nullable };
        }
      }
    };
    return of;
  }
}

function mapChildren(x: Expr, f: (e: Expr) => Expr, onRef: (r: Extract<Expr, { k: 'ref' }>) => Expr): Expr {
  switch (x.k) {
    case 'ref':
      return onRef(x);
    case 'seq':
      return seq(...x.xs.map(f));
    case 'alt':
      return alt(...x.xs.map(f));
    case 'rep':
      return rep(f(x.x), x.min, x.max);
    default:
      return x;
  }
}

function derivesText(x: Expr, productive: Set<string>): boolean {
  switch (x.k) {
    case 'lit':
    case 'cls':
      return true;
    case 'never':
      return false;
    case 'ref':
      return productive.has(x.name);
    case 'seq':
      return x.xs.every((p) => derivesText(p, productive));
    case 'alt':
      return x.xs.some((p) => derivesText(p, productive));
    case 'rep':
      return x.min === 0 || derivesText(x.x, productive);
  }
}
