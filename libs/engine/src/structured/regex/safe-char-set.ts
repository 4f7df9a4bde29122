import { type FirstBytes, leadByte, NON_ASCII_BYTES, type RuleSink, writeAlternation } from './alternation';
import { CodePointSet } from './code-point-set';
import { asciiClass, literalPieces } from './ebnf-text';
import { TranslationError } from './translation-error';

/**
 * A set of characters as xgrammar 0.1.27 EBNF that matches the set exactly or, where that cannot be written, a safe
 * subset of it. What xgrammar gets right: classes of ASCII members, positive or negated (a negated class matches
 * every non-ASCII character; the engine's UTF-8 guard keeps those to valid UTF-8), and string literals. What it gets
 * wrong: any class member above U+007F (a positive class reads it as one raw byte; a negated class ignores it).
 * So a set becomes:
 * - its ASCII part as a class, when it has no non-ASCII member;
 * - a negated class of the ASCII it lacks, when it holds every non-ASCII character;
 * - its ASCII part as a class or'ed with each non-ASCII member as a literal, when those are few (an alternation
 *   written as alternation.ts says);
 * - its ASCII part alone, when the set is "anything but …" (a negated class, `\S`, `.`) and its non-ASCII part is
 *   not everything: a subset, since no class can exclude single non-ASCII characters;
 * - else refused.
 */

/** Most non-ASCII members of one set written as literals. */
export const MAX_LITERAL_MEMBERS = 1024;
/** Most non-ASCII members written as literals in one translation (all sets together). */
export const MAX_LITERAL_MEMBERS_TOTAL = 4096;

/** What may not appear unescaped inside a JSON string: `"`, `\` and U+0000–U+001F. */
export const JSON_STRING_FORBIDDEN = CodePointSet.of([
  [0x00, 0x1f],
  [0x22, 0x22],
  [0x5c, 0x5c],
]);

export interface SetContext {
  /** Only characters a JSON string holds unescaped may be emitted. */
  jsonString: boolean;
  /** Non-ASCII members written as literals so far; shared by every set of one translation. */
  literalBudget: { used: number };
  /** Where the rules of literal alternations go. */
  sink: RuleSink;
}

export interface WrittenSet {
  text: string;
  /** One EBNF element (a class), as opposed to an alternation that needs parentheses or a rule. */
  element: boolean;
}

export function writeCharSet(requested: CodePointSet, open: boolean, source: string, ctx: SetContext): WrittenSet {
  const set = ctx.jsonString ? requested.minus(JSON_STRING_FORBIDDEN) : requested;
  if (set.isEmpty) {
    throw new TranslationError(
      ctx.jsonString
        ? `character class ${source} has no character a JSON string holds unescaped`
        : `character class ${source} matches nothing`,
    );
  }
  const ascii = set.intersect(CodePointSet.ASCII);
  const nonAscii = set.intersect(CodePointSet.NON_ASCII);
  if (nonAscii.equals(CodePointSet.NON_ASCII)) {
    const excluded = CodePointSet.ASCII.minus(ascii);
    return { text: asciiClass(excluded, true), element: true };
  }
  if (nonAscii.isEmpty) return { text: asciiClass(ascii, false), element: true };
  if (nonAscii.size <= MAX_LITERAL_MEMBERS && ctx.literalBudget.used + nonAscii.size <= MAX_LITERAL_MEMBERS_TOTAL) {
    ctx.literalBudget.used += nonAscii.size;
    const options = ascii.isEmpty ? [] : [{ text: asciiClass(ascii, false), first: asciiBytes(ascii) }];
    for (const cp of nonAscii.codePoints()) options.push({ text: literalPieces([cp])[0], first: new Set([leadByte(cp)]) });
    return options.length === 1 ? { text: options[0].text, element: true } : { text: writeAlternation(options, ctx.sink), element: false };
  }
  if (open) {
    if (ascii.isEmpty) {
      throw new TranslationError(
        `character class ${source}: its non-ASCII part cannot be matched exactly and it has no ASCII member to match instead`,
      );
    }
    return { text: asciiClass(ascii, false), element: true };
  }
  if (nonAscii.size > MAX_LITERAL_MEMBERS) {
    throw new TranslationError(
      `character class ${source} has ${nonAscii.size} non-ASCII members; at most ${MAX_LITERAL_MEMBERS} are supported`,
    );
  }
  throw new TranslationError(`the pattern's character classes have more than ${MAX_LITERAL_MEMBERS_TOTAL} non-ASCII members in all`);
}

/** The bytes a character of the set can start with (all non-ASCII lead bytes if it has any non-ASCII member). */
export function setFirstBytes(set: CodePointSet): FirstBytes {
  const bytes = new Set(asciiBytes(set.intersect(CodePointSet.ASCII)));
  if (!set.intersect(CodePointSet.NON_ASCII).isEmpty) for (const b of NON_ASCII_BYTES) bytes.add(b);
  return bytes;
}

function asciiBytes(ascii: CodePointSet): Set<number> {
  return new Set(ascii.codePoints());
}
