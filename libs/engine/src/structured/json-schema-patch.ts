/**
 * Works around xgrammar 0.1.27's string-length bug (mlc-ai/xgrammar#800): a string with `minLength`/`maxLength`
 * becomes a bounded repetition of `[^"\\\r\n]`, which admits raw control characters, so the output is not JSON.
 * Such strings are given here as the same repetition in a `pattern`, over `[^\x00-\x1f"\\]`, which xgrammar compiles
 * as written. Like xgrammar's own rule it leaves escapes out: a repetition over "one character or one escape" measured
 * 1.3 to 3 times slower to compile (seconds for maxLength 1000 over a 32k vocabulary), and compiles block the engine.
 */

const STRING_CHAR = String.raw`[^\x00-\x1f"\\]`;

/** Keywords whose values are data, not subschemas. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

export function patchStringLengths(schemaText: string): string {
  const schema: unknown = JSON.parse(schemaText);
  let changed = false;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const obj = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(obj)) if (!DATA_KEYWORDS.has(key)) visit(value);
    if (obj.type !== 'string' || (obj.minLength === undefined && obj.maxLength === undefined)) return;
    // A pattern or format takes precedence in xgrammar (it ignores the lengths then); enum/const need no help.
    if (obj.pattern !== undefined || obj.format !== undefined || obj.enum !== undefined || obj.const !== undefined) return;
    const min = obj.minLength ?? 0;
    const max = obj.maxLength ?? '';
    if (!isCount(min) || (max !== '' && (!isCount(max) || max < min))) return; // let xgrammar judge it
    obj.pattern = `^${STRING_CHAR}{${min},${max}}$`;
    delete obj.minLength;
    delete obj.maxLength;
    changed = true;
  };
  visit(schema);
  return changed ? JSON.stringify(schema) : schemaText;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
