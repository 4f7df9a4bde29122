/**
 * GPT-2's reversible byte ↔ printable-unicode mapping: byte-level BPE vocabularies are written in these
 * characters so that every byte sequence is representable without control characters or spaces.
 */

function buildByteToChar(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const map: string[] = new Array(256);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    map[b] = printable.includes(b) ? String.fromCodePoint(b) : String.fromCodePoint(256 + next++);
  }
  return map;
}

export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();
export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

const encoder = new TextEncoder();

const BYTE_TO_CODE = Uint16Array.from(BYTE_TO_CHAR, (c) => c.charCodeAt(0));
const utf16 = new TextDecoder('utf-16le');

/** One pass into UTF-16 code units (every mapped character is one), instead of a string grown character by character. */
export function bytesToUnicode(text: string): string {
  const bytes = encoder.encode(text);
  const codes = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) codes[i] = BYTE_TO_CODE[bytes[i]];
  return utf16.decode(codes);
}

/** Inverse of bytesToUnicode; characters outside the map (e.g. added tokens) keep their own UTF-8 bytes. */
export function unicodeToBytes(text: string): number[] {
  const bytes: number[] = [];
  for (const ch of text) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b !== undefined) bytes.push(b);
    else bytes.push(...encoder.encode(ch));
  }
  return bytes;
}

/** `ignoreBOM`: a U+FEFF the model wrote is text, not a byte order mark to drop. */
const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
export function utf8Lossy(bytes: number[]): string {
  return lossy.decode(Uint8Array.from(bytes));
}
