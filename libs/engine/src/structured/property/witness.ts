import { type CharSet, inCharSet } from './earley';
import { classCharSet, type Expr, MAX_CP, shorthandRanges } from './expr';

/**
 * Strings drawn from an expression tree, for the generators' own tests: what a tree derives must satisfy the
 * recognizer built from it and the regex rendered from it. Recursion deeper than `maxDepth` gives up (null).
 */

const isSurrogate = (cp: number): boolean => cp >= 0xd800 && cp <= 0xdfff;
const CANDIDATES = [0x61, 0x5a, 0x35, 0x20, 0x2d, 0x5c, 0x22, 0x0a, 0x09, 0x5e, 0xe9, 0x4e2d, 0x1f600];

/** The set as sorted, disjoint positive ranges (a negated set is complemented). */
function positiveRanges(set: CharSet): [number, number][] {
  const merged: [number, number][] = [];
  for (const [lo, hi] of [...set.ranges].sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  if (!set.negated) return merged;
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of merged) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

function pick(set: CharSet, rnd: () => number): number {
  const candidates = CANDIDATES.filter((cp) => inCharSet(set, cp));
  if (candidates.length > 0 && rnd() < 0.5) return candidates[Math.floor(rnd() * candidates.length)];
  const ranges = positiveRanges(set);
  for (;;) {
    const [lo, hi] = ranges[Math.floor(rnd() * ranges.length)];
    const cp = lo + Math.floor(rnd() * (hi - lo + 1));
    if (!isSurrogate(cp)) return cp;
  }
}

export function sampleString(rules: Expr[], rnd: () => number, maxDepth = 12): string | null {
  const out: number[] = [];
  const walk = (e: Expr, depth: number): boolean => {
    if (depth > maxDepth) return false;
    switch (e.kind) {
      case 'lit':
        out.push(...e.chars.map((c) => c.cp));
        return true;
      case 'class':
        out.push(pick(classCharSet(e.items, e.negated), rnd));
        return true;
      case 'shorthand':
        out.push(pick({ ranges: shorthandRanges(e.name), negated: false }, rnd));
        return true;
      case 'seq':
        return e.items.every((it) => walk(it, depth));
      case 'alt':
        return walk(e.options[Math.floor(rnd() * e.options.length)], depth);
      case 'group':
        return walk(e.body, depth);
      case 'rep': {
        const n = e.min + Math.floor(rnd() * ((e.max ?? e.min + 2) - e.min + 1));
        for (let k = 0; k < n; k++) if (!walk(e.body, depth)) return false;
        return true;
      }
      case 'ref':
        return walk(rules[e.rule], depth + 1);
    }
  };
  return walk(rules[0], 0) ? String.fromCodePoint(...out) : null;
}

/** Small edits of a string (drop, insert, replace or repeat a character), mostly no longer in the language. */
export function mutate(text: string, rnd: () => number): string {
  const cps = Array.from(text);
  const at = Math.floor(rnd() * (cps.length + 1));
  const ch = String.fromCodePoint(CANDIDATES[Math.floor(rnd() * CANDIDATES.length)]);
  switch (Math.floor(rnd() * 4)) {
    case 0:
      cps.splice(at, 1);
      break;
    case 1:
      cps.splice(at, 0, ch);
      break;
    case 2:
      cps.splice(at, 1, ch);
      break;
    default:
      if (cps.length > 0) cps.splice(at, 0, cps[Math.min(at, cps.length - 1)]);
  }
  return cps.join('');
}

/** The rules with every reference replaced by its rule's body, or null when the references are recursive. */
export function inlineRules(rules: Expr[]): Expr | null {
  const inline = (e: Expr, stack: number[]): Expr | null => {
    switch (e.kind) {
      case 'ref': {
        if (stack.includes(e.rule)) return null;
        const body = inline(rules[e.rule], [...stack, e.rule]);
        return body && { kind: 'group', body, capture: false };
      }
      case 'seq': {
        const items = e.items.map((it) => inline(it, stack));
        return items.every((it) => it !== null) ? { kind: 'seq', items: items as Expr[] } : null;
      }
      case 'alt': {
        const options = e.options.map((it) => inline(it, stack));
        return options.every((it) => it !== null) ? { kind: 'alt', options: options as Expr[] } : null;
      }
      case 'group':
      case 'rep': {
        const body = inline(e.body, stack);
        return body && { ...e, body };
      }
      default:
        return e;
    }
  };
  return inline(rules[0], [0]);
}
