/** One record of a training data file, not parsed yet: its JSON text and where it is ("record 3", "line 4"). */
export interface RecordText {
  where: string;
  json: string;
}

/** The file's top level is not one JSON array: the message says why. */
export class ArrayShapeError extends Error {}

/**
 * The records of a training data file one at a time: the elements of a top-level JSON array, or the non-empty lines of
 * JSON Lines. They are found by scanning, so that a caller parses and checks each record and can give the event loop a
 * turn between them (a 64 MiB file parsed whole held the training service's event loop for ≈ 0.4 s). Each element is
 * JSON.parse'd by the caller, so the scan only has to find where elements end: strings are skipped whole, and commas
 * split only at the array's own depth. When every element parses, the whole text was valid JSON.
 */
export function* recordTexts(body: string): Generator<RecordText> {
  const open = body.search(/\S/);
  if (open >= 0 && body[open] === '[') {
    let i = 0;
    for (const json of arrayElements(body, open)) yield { where: `record ${i++}`, json };
    return;
  }
  let line = 0;
  for (let start = 0; start < body.length;) {
    const newline = body.indexOf('\n', start);
    const end = newline < 0 ? body.length : newline;
    line++;
    const json = body.slice(start, body[end - 1] === '\r' ? end - 1 : end);
    if (json.trim() !== '') yield { where: `line ${line}`, json };
    start = end + 1;
  }
}

function* arrayElements(text: string, open: number): Generator<string> {
  // Structural characters and string starts; a string is skipped to its closing quote in one step.
  const structure = /["[\]{},]/g;
  structure.lastIndex = open + 1;
  let depth = 1;
  let start = open + 1;
  let count = 0;
  for (;;) {
    const found = structure.exec(text);
    if (!found) throw new ArrayShapeError('the array is not closed');
    const at = found.index;
    switch (found[0]) {
      case '"':
        structure.lastIndex = closingQuote(text, at + 1) + 1;
        break;
      case '[':
      case '{':
        depth++;
        break;
      case ',':
        if (depth === 1) {
          count++;
          yield text.slice(start, at);
          start = at + 1;
        }
        break;
      default:
        if (--depth > 0) break;
        if (found[0] !== ']') throw new ArrayShapeError(`the array ends with "${found[0]}"`);
        // "[]" holds no element; "[1,]" ends with an empty one, which the caller's parse refuses.
        if (count > 0 || text.slice(start, at).trim() !== '') yield text.slice(start, at);
        if (text.slice(at + 1).trim() !== '') throw new ArrayShapeError('there is more after the array');
        return;
    }
  }
}

/** The index of the quote that closes the string whose content starts at `from`: the first one not escaped. */
function closingQuote(text: string, from: number): number {
  for (let q = from; ; q++) {
    q = text.indexOf('"', q);
    if (q < 0) throw new ArrayShapeError('a string is not closed');
    let backslashes = 0;
    while (q - backslashes > from && text.charCodeAt(q - backslashes - 1) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
}
