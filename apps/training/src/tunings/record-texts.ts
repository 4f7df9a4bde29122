import { jsonNestsDeeperThan } from '@platform/common';

/** One record of a training data file, not parsed yet: its JSON text and where it is ("record 3", "line 4"). */
export interface RecordText {
  where: string;
  json: string;
}

/** The file's top level is not one JSON array: the message says why. */
export class ArrayShapeError extends Error {}

/**
 * Most characters of one record. A record is parsed whole, so this bounds how long one parse holds the event loop
 * (a megabyte of the costliest JSON, numbers in one array, parses in ≈ 60 ms); a training example of a quarter of a
 * million tokens is beyond any context the trainers support.
 */
export const MAX_RECORD_CHARS = 1024 * 1024;
/** Deepest nesting of a record: the record shapes nest four levels, and JSON.parse of a million takes ≈ 1 s. */
export const MAX_RECORD_DEPTH = 64;

/** One record is too long or nests too deep; the message names it. */
export class RecordRefusal extends Error {}

const tooLong = (where: string) => new RecordRefusal(`${where} is longer than ${MAX_RECORD_CHARS} characters`);
const tooDeep = (where: string) => new RecordRefusal(`${where} nests deeper than ${MAX_RECORD_DEPTH} levels`);

/** Characters of blank space skipped between two chances for the caller to take a turn (a `null` record). */
const BLANK_RUN = 1 << 18;

/**
 * The records of a training data file one at a time: the elements of a top-level JSON array, or the non-empty lines of
 * JSON Lines. They are found by scanning, so that a caller parses and checks each record and can give the event loop a
 * turn between them (a 64 MiB file parsed whole held the training service's event loop for ≈ 0.4 s). Each element is
 * JSON.parse'd by the caller, so the scan only has to find where elements end: strings are skipped whole, and commas
 * split only at the array's own depth. When every element parses, the whole text was valid JSON. A record over
 * MAX_RECORD_CHARS or MAX_RECORD_DEPTH is refused before it is parsed. Long runs of blank space (megabytes of
 * newlines) yield `null` every BLANK_RUN characters, a chance for a turn with no record.
 */
export function* recordTexts(body: string): Generator<RecordText | null> {
  const lead = yield* blankRun(body, 0);
  if (body.charCodeAt(lead.end) === OPEN_BRACKET) {
    let i = 0;
    for (const json of arrayElements(body, lead.end)) yield json === null ? null : { where: `record ${i++}`, json };
    return;
  }
  let line = 1 + lead.newlines;
  for (let at = lead.end; ; line++, at++) {
    const blank = yield* blankRun(body, at);
    at = blank.end;
    line += blank.newlines;
    if (at >= body.length) return;
    // Looked for within the longest line allowed, not to the end of a file that has no more newlines.
    const window = body.slice(at, at + MAX_RECORD_CHARS + 1);
    const newline = window.indexOf('\n');
    if (newline < 0 && window.length > MAX_RECORD_CHARS) throw tooLong(`line ${line}`);
    const end = newline < 0 ? body.length : at + newline;
    const json = body.slice(at, end);
    at = end;
    // Other Unicode spaces (which JSON does not allow) make a blank line too, as String.trim says.
    if (json.trim() === '') continue;
    if (jsonNestsDeeperThan(json, MAX_RECORD_DEPTH)) throw tooDeep(`line ${line}`);
    yield { where: `line ${line}`, json };
  }
}

const NOT_BLANK = /[^ \t\r\n]/;

/**
 * Skips JSON's blank space from `at`, BLANK_RUN characters at a time with a `null` between them (a file of nothing but
 * newlines is 64 MiB of them); returns where it ends and the newlines it held.
 */
function* blankRun(text: string, at: number): Generator<null, { end: number; newlines: number }> {
  let newlines = 0;
  for (;;) {
    const run = text.slice(at, at + BLANK_RUN);
    const found = run.search(NOT_BLANK);
    const blank = found < 0 ? run.length : found;
    for (let i = 0; i < blank; i++) if (run.charCodeAt(i) === NEWLINE) newlines++;
    at += blank;
    if (found >= 0 || at >= text.length) return { end: at, newlines };
    yield null;
  }
}

const [QUOTE, COMMA, OPEN_BRACKET, CLOSE_BRACKET, OPEN_BRACE, CLOSE_BRACE, BACKSLASH, NEWLINE] = [
  '"',
  ',',
  '[',
  ']',
  '{',
  '}',
  '\\',
  '\n',
].map((c) => c.charCodeAt(0));

function* arrayElements(text: string, open: number): Generator<string | null> {
  let depth = 1;
  let start = open + 1;
  let count = 0;
  for (let at = open + 1; at < text.length; at++) {
    // Checked as the scan goes, so an element never costs more than MAX_RECORD_CHARS of scanning.
    if (at - start > MAX_RECORD_CHARS) throw tooLong(`record ${count}`);
    const c = text.charCodeAt(at);
    if (c === QUOTE) at = closingQuote(text, at + 1);
    // The array itself is depth 1, so its elements may nest MAX_RECORD_DEPTH below it.
    else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > MAX_RECORD_DEPTH + 1) throw tooDeep(`record ${count}`);
    } else if (c === COMMA && depth === 1) {
      count++;
      yield text.slice(start, at);
      start = at + 1;
    } else if ((c === CLOSE_BRACKET || c === CLOSE_BRACE) && --depth === 0) {
      if (c !== CLOSE_BRACKET) throw new ArrayShapeError('the array ends with "}"');
      // "[]" holds no element; "[1,]" ends with an empty one, which the caller's parse refuses.
      if (count > 0 || text.slice(start, at).trim() !== '') yield text.slice(start, at);
      if ((yield* blankRun(text, at + 1)).end < text.length) throw new ArrayShapeError('there is more after the array');
      return;
    }
  }
  throw new ArrayShapeError('the array is not closed');
}

/** The index of the quote that closes the string whose content starts at `from`: the first one not escaped. */
function closingQuote(text: string, from: number): number {
  for (let q = from; ; q++) {
    q = text.indexOf('"', q);
    if (q < 0) throw new ArrayShapeError('a string is not closed');
    let backslashes = 0;
    while (q - backslashes > from && text.charCodeAt(q - backslashes - 1) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
}
