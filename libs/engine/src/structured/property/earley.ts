/**
 * A plain Earley recognizer over code points, written for the constrained-decoding property test so that outputs are
 * checked by something that shares no code with xgrammar. It handles any context-free grammar (left recursion and
 * empty rules included, the latter by Aycock and Horspool's nullable prediction).
 */

/** A set of code points: the union of `ranges` (inclusive), or its complement when `negated`. */
export interface CharSet {
  ranges: readonly (readonly [number, number])[];
  negated: boolean;
}

export function inCharSet(set: CharSet, cp: number): boolean {
  const hit = set.ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
  return hit !== set.negated;
}

export type GrammarSymbol = { nt: number } | { chars: CharSet };

export interface Production {
  lhs: number;
  rhs: GrammarSymbol[];
}

export interface Cfg {
  start: number;
  productions: Production[];
}

/**
 * Precomputes the grammar's tables once; `run` then reports whether `text` is `complete` (derives from the start
 * symbol) and whether it is `viable` (a prefix of some sentence; every nonterminal must be productive and every
 * character set non-empty, which the test's generators guarantee).
 */
export class Earley {
  private readonly byLhs: number[][] = [];
  private readonly nullable: Set<number>;
  /** Index of (production, dot) pairs: item (p, d) is dotBase[p] + d. */
  private readonly dotBase: number[] = [];
  private readonly itemCount: number;

  constructor(private readonly cfg: Cfg) {
    let n = 0;
    cfg.productions.forEach((p, i) => {
      (this.byLhs[p.lhs] ??= []).push(i);
      this.dotBase.push(n);
      n += p.rhs.length + 1;
    });
    this.itemCount = n;
    this.nullable = nullableSet(cfg);
  }

  run(text: string): { complete: boolean; viable: boolean } {
    const { productions, start } = this.cfg;
    const cps = Array.from(text, (c) => c.codePointAt(0) ?? 0);
    // Per set: its items (production, dot, origin) and, for completion, the items waiting on each nonterminal.
    const sets: { prod: number[]; dot: number[]; origin: number[]; seen: Set<number>; waiting: Map<number, number[]> }[] = [];
    const add = (i: number, prod: number, dot: number, origin: number): void => {
      const set = sets[i];
      const key = origin * this.itemCount + this.dotBase[prod] + dot;
      if (set.seen.has(key)) return;
      set.seen.add(key);
      set.prod.push(prod);
      set.dot.push(dot);
      set.origin.push(origin);
      const sym = productions[prod].rhs[dot];
      if (sym && 'nt' in sym) {
        const list = set.waiting.get(sym.nt);
        if (list) list.push(set.prod.length - 1);
        else set.waiting.set(sym.nt, [set.prod.length - 1]);
      }
    };
    for (let i = 0; i <= cps.length; i++) {
      sets.push({ prod: [], dot: [], origin: [], seen: new Set(), waiting: new Map() });
      const set = sets[i];
      if (i === 0) for (const prod of this.byLhs[start] ?? []) add(0, prod, 0, 0);
      else {
        const prev = sets[i - 1];
        for (let k = 0; k < prev.prod.length; k++) {
          const sym = productions[prev.prod[k]].rhs[prev.dot[k]];
          if (sym && 'chars' in sym && inCharSet(sym.chars, cps[i - 1])) add(i, prev.prod[k], prev.dot[k] + 1, prev.origin[k]);
        }
      }
      if (set.prod.length === 0) return { complete: false, viable: false };
      for (let k = 0; k < set.prod.length; k++) {
        const { rhs, lhs } = productions[set.prod[k]];
        const sym = rhs[set.dot[k]];
        if (sym === undefined) {
          const from = sets[set.origin[k]];
          const waiting = from.waiting.get(lhs) ?? [];
          // The list may grow while it is read when origin is this set; that is what completes empty rules late.
          for (let w = 0; w < waiting.length; w++) add(i, from.prod[waiting[w]], from.dot[waiting[w]] + 1, from.origin[waiting[w]]);
        } else if ('nt' in sym) {
          for (const prod of this.byLhs[sym.nt] ?? []) add(i, prod, 0, i);
          if (this.nullable.has(sym.nt)) add(i, set.prod[k], set.dot[k] + 1, set.origin[k]);
        }
      }
    }
    const last = sets[cps.length];
    let complete = false;
    for (let k = 0; k < last.prod.length; k++)
      if (last.origin[k] === 0 && productions[last.prod[k]].lhs === start && last.dot[k] === productions[last.prod[k]].rhs.length)
        complete = true;
    return { complete, viable: true };
  }
}

/** One-off recognition (the tables are rebuilt on every call; keep an `Earley` to run many texts). */
export function earley(cfg: Cfg, text: string): { complete: boolean; viable: boolean } {
  return new Earley(cfg).run(text);
}

function nullableSet(cfg: Cfg): Set<number> {
  const nullable = new Set<number>();
  for (let changed = true; changed;) {
    changed = false;
    for (const p of cfg.productions)
      if (!nullable.has(p.lhs) && p.rhs.every((s) => 'nt' in s && nullable.has(s.nt))) {
        nullable.add(p.lhs);
        changed = true;
      }
  }
  return nullable;
}
