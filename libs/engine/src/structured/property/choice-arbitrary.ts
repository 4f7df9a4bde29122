import fc from 'fast-check';
import { textArb } from './chars';

/**
 * Random choice lists: strings that need escaping, and lists where one choice is a prefix of another (the mask must
 * still let the shorter one end), with the occasional empty choice or duplicate.
 */
export const choicesArb: fc.Arbitrary<string[]> = fc
  .record({
    base: fc.array(textArb(6), { minLength: 1, maxLength: 5 }),
    prefixes: fc.array(fc.nat(), { maxLength: 2 }),
    empty: fc.boolean(),
  })
  .map(({ base, prefixes, empty }) => {
    const nonEmpty = base.map((s) => (s === '' && !empty ? 'x' : s));
    const cut = prefixes.map((n) => {
      const cps = Array.from(nonEmpty[n % nonEmpty.length]);
      return cps.slice(0, Math.max(1, n % (cps.length + 1))).join('');
    });
    return [...nonEmpty, ...cut.filter((s) => s !== '')];
  });
