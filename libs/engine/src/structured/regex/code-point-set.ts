/**
 * Sets of Unicode scalar values as sorted, disjoint, non-adjacent inclusive ranges. Surrogates (U+D800–U+DFFF) are
 * never members: no UTF-8 text holds them, so a set that names them means the same without them.
 */

export type Range = readonly [number, number];

export const MAX_CODE_POINT = 0x10ffff;
const SURROGATES: Range = [0xd800, 0xdfff];

export class CodePointSet {
  private constructor(readonly ranges: readonly Range[]) {}

  static of(ranges: readonly Range[]): CodePointSet {
    const sorted = ranges.filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [lo, hi] of sorted) {
      const last = merged[merged.length - 1];
      if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
      else merged.push([lo, hi]);
    }
    return new CodePointSet(withoutSurrogates(merged));
  }

  static char(cp: number): CodePointSet {
    return CodePointSet.of([[cp, cp]]);
  }

  static readonly EMPTY = CodePointSet.of([]);
  static readonly ALL = CodePointSet.of([[0, MAX_CODE_POINT]]);
  static readonly ASCII = CodePointSet.of([[0, 0x7f]]);
  static readonly NON_ASCII = CodePointSet.of([[0x80, MAX_CODE_POINT]]);

  union(other: CodePointSet): CodePointSet {
    return CodePointSet.of([...this.ranges, ...other.ranges]);
  }

  complement(): CodePointSet {
    const out: Range[] = [];
    let next = 0;
    for (const [lo, hi] of this.ranges) {
      if (lo > next) out.push([next, lo - 1]);
      next = hi + 1;
    }
    if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
    return CodePointSet.of(out);
  }

  intersect(other: CodePointSet): CodePointSet {
    const out: Range[] = [];
    let j = 0;
    for (const [lo, hi] of this.ranges) {
      while (j < other.ranges.length && other.ranges[j][1] < lo) j++;
      for (let k = j; k < other.ranges.length && other.ranges[k][0] <= hi; k++) {
        out.push([Math.max(lo, other.ranges[k][0]), Math.min(hi, other.ranges[k][1])]);
      }
    }
    return CodePointSet.of(out);
  }

  minus(other: CodePointSet): CodePointSet {
    return this.intersect(other.complement());
  }

  get size(): number {
    return this.ranges.reduce((n, [lo, hi]) => n + hi - lo + 1, 0);
  }

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  equals(other: CodePointSet): boolean {
    return this.key === other.key;
  }

  has(cp: number): boolean {
    return this.ranges.some(([lo, hi]) => lo <= cp && cp <= hi);
  }

  /** A stable text for the set, to compare and deduplicate. */
  get key(): string {
    return this.ranges.map(([lo, hi]) => (lo === hi ? lo.toString(16) : `${lo.toString(16)}-${hi.toString(16)}`)).join(',');
  }

  *codePoints(): Generator<number> {
    for (const [lo, hi] of this.ranges) for (let cp = lo; cp <= hi; cp++) yield cp;
  }
}

function withoutSurrogates(ranges: [number, number][]): Range[] {
  const [slo, shi] = SURROGATES;
  const out: Range[] = [];
  for (const [lo, hi] of ranges) {
    if (hi < slo || lo > shi) out.push([lo, hi]);
    else {
      if (lo < slo) out.push([lo, slo - 1]);
      if (hi > shi) out.push([shi + 1, hi]);
    }
  }
  return out;
}

/**
 * The shorthand classes as ECMAScript reads them with the `u` flag (xgrammar and Outlines agree on `\d` and `\w`;
 * Python's `str` patterns widen `\d` and `\w` to Unicode digits and letters, and `\s` to U+001C–U+001F and U+0085).
 */
export const DIGIT = CodePointSet.of([[0x30, 0x39]]);
export const WORD = CodePointSet.of([
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
]);
export const SPACE = CodePointSet.of([
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
]);

export type Shorthand = 'd' | 'D' | 'w' | 'W' | 's' | 'S';

export function shorthandSet(name: Shorthand): CodePointSet {
  switch (name) {
    case 'd':
      return DIGIT;
    case 'D':
      return DIGIT.complement();
    case 'w':
      return WORD;
    case 'W':
      return WORD.complement();
    case 's':
      return SPACE;
    case 'S':
      return SPACE.complement();
  }
}
