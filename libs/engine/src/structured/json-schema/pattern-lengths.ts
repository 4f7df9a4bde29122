import type { RegexNode } from '../regex/regex-ast';
import { parseRegex } from '../regex/regex-parser';

/**
 * The shortest and longest string (in code points) a JSON Schema `pattern` lets through under its search reading:
 * a branch not anchored at both ends takes any text around its match, so it has no longest. A grammar cannot cut a
 * pattern's language to minLength/maxLength, but it need not when every string the pattern allows already fits.
 */
export function patternLengths(pattern: string): [number, number | undefined] {
  const root = parseRegex(pattern);
  let min = Infinity;
  let max: number | undefined = 0;
  for (const option of root.type === 'alt' ? root.options : [root]) {
    const items = flatten(option);
    const first = items[0];
    const last = items[items.length - 1];
    const anchoredStart = first?.type === 'anchor' && first.at === 'start';
    const anchoredEnd = last?.type === 'anchor' && last.at === 'end';
    const [lo, hi] = lengths(option);
    min = Math.min(min, lo);
    max = max === undefined || hi === undefined || !anchoredStart || !anchoredEnd ? undefined : Math.max(max, hi);
  }
  return [min === Infinity ? 0 : min, max];
}

/** The items of a sequence with nested sequences opened, so anchors at either end are seen. */
function flatten(node: RegexNode): RegexNode[] {
  return node.type === 'seq' ? node.items.flatMap(flatten) : [node];
}

function lengths(node: RegexNode): [number, number | undefined] {
  switch (node.type) {
    case 'char':
    case 'set':
      return [1, 1];
    case 'anchor':
      return [0, 0];
    case 'seq':
      return node.items
        .map(lengths)
        .reduce<[number, number | undefined]>(([a, b], [c, d]) => [a + c, b === undefined || d === undefined ? undefined : b + d], [0, 0]);
    case 'alt': {
      const all = node.options.map(lengths);
      const longest = all.some(([, hi]) => hi === undefined) ? undefined : Math.max(...all.map(([, hi]) => hi as number));
      return [Math.min(...all.map(([lo]) => lo)), longest];
    }
    case 'repeat': {
      const [lo, hi] = lengths(node.body);
      if (node.max === 0) return [0, 0];
      return [node.min * lo, node.max === null || hi === undefined ? (hi === 0 ? 0 : undefined) : node.max * hi];
    }
  }
}
