import { bytesToUnicode, unicodeToBytes, utf8Lossy } from './byte-level';
import type { DecoderJson, NormalizerJson, PreTokenizerJson } from './json';

/**
 * The normaliser → pre-tokeniser → (model) → decoder stages of HF tokenizers, as plain functions built
 * once from tokenizer.json. Only the component types used by Llama/Mistral (SentencePiece-converted) and
 * GPT-2/Llama-3/Qwen (byte-level) tokenizers are implemented; others throw at load time.
 */

export type Normalize = (text: string) => string;
/** `isFirst`: this text starts the input (Metaspace's prepend_scheme "first" depends on it). */
export type PreTokenize = (text: string, isFirst: boolean) => string[];
export type Decode = (tokens: string[], wholeText: boolean) => string[];

const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/** Rust regex → JS: inline case-insensitive groups `(?i:...)` are not supported by Node 20's engine. */
export function compilePattern(source: string): RegExp {
  const rewritten = source.replace(/\(\?i:((?:[^()\\]|\\.)*)\)/g, (_m, body: string) => {
    const cased = body.replace(/\\.|[a-zA-Z]/g, (c) => (c.length === 1 ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c));
    return `(?:${cased})`;
  });
  return new RegExp(rewritten, 'gu');
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function patternOf(p: { String?: string; Regex?: string } | undefined): RegExp {
  if (p?.String !== undefined) return new RegExp(escapeRegex(p.String), 'gu');
  if (p?.Regex !== undefined) return compilePattern(p.Regex);
  throw new Error('pattern without String or Regex');
}

export function buildNormalizer(json: NormalizerJson | null | undefined): Normalize {
  if (!json) return (s) => s;
  switch (json.type) {
    case 'Sequence': {
      const steps = (json.normalizers ?? []).map(buildNormalizer);
      return (s) => steps.reduce((acc, f) => f(acc), s);
    }
    case 'Prepend': {
      const prefix = json.prepend ?? '';
      return (s) => (s.length > 0 ? prefix + s : s);
    }
    case 'Replace': {
      const re = patternOf(json.pattern);
      const content = json.content ?? '';
      return (s) => s.replace(re, () => content);
    }
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD': {
      const form = json.type;
      return (s) => s.normalize(form);
    }
    case 'Lowercase':
      return (s) => s.toLowerCase();
    default:
      throw new Error(`unsupported normalizer ${json.type}`);
  }
}

/** Splits `text` by `re`, keeping matches and the gaps between them as separate pieces. */
function splitIsolated(text: string, re: RegExp, behavior: string, invert: boolean): string[] {
  const pieces: { text: string; match: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m[0].length === 0) continue;
    const at = m.index ?? 0;
    if (at > last) pieces.push({ text: text.slice(last, at), match: invert });
    pieces.push({ text: m[0], match: !invert });
    last = at + m[0].length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last), match: invert });
  switch (behavior) {
    case 'Isolated':
      return pieces.map((p) => p.text);
    case 'Removed':
      return pieces.filter((p) => !p.match).map((p) => p.text);
    case 'MergedWithPrevious': {
      const out: string[] = [];
      for (const p of pieces) {
        if (p.match && out.length > 0) out[out.length - 1] += p.text;
        else out.push(p.text);
      }
      return out;
    }
    case 'MergedWithNext': {
      const out: string[] = [];
      let carry = '';
      for (const p of pieces) {
        if (p.match) carry += p.text;
        else {
          out.push(carry + p.text);
          carry = '';
        }
      }
      if (carry) out.push(carry);
      return out;
    }
    case 'Contiguous': {
      const out: string[] = [];
      let prevMatch: boolean | undefined;
      for (const p of pieces) {
        if (prevMatch === p.match && out.length > 0) out[out.length - 1] += p.text;
        else out.push(p.text);
        prevMatch = p.match;
      }
      return out;
    }
    default:
      throw new Error(`unsupported split behavior ${behavior}`);
  }
}

export function buildPreTokenizer(json: PreTokenizerJson | null | undefined): PreTokenize {
  if (!json) return (s) => [s];
  switch (json.type) {
    case 'Sequence': {
      const steps = (json.pretokenizers ?? []).map(buildPreTokenizer);
      return (s, isFirst) => steps.reduce<string[]>((pieces, f) => pieces.flatMap((p, i) => f(p, isFirst && i === 0)), [s]);
    }
    case 'Metaspace': {
      const rep = json.replacement ?? '▁';
      const scheme = json.prepend_scheme ?? (json.add_prefix_space === false ? 'never' : 'always');
      const split = json.split ?? true;
      return (s, isFirst) => {
        let t = s.replace(/ /g, rep);
        if ((scheme === 'always' || (scheme === 'first' && isFirst)) && !t.startsWith(rep)) t = rep + t;
        if (!split) return [t];
        return splitIsolated(t, new RegExp(escapeRegex(rep), 'gu'), 'MergedWithNext', false);
      };
    }
    case 'ByteLevel': {
      const re = (json.use_regex ?? true) ? compilePattern(GPT2_PATTERN) : undefined;
      const addPrefix = json.add_prefix_space ?? false;
      return (s) => {
        const t = addPrefix && !s.startsWith(' ') ? ' ' + s : s;
        const pieces = re ? splitIsolated(t, re, 'Isolated', false) : [t];
        return pieces.map(bytesToUnicode);
      };
    }
    case 'Split': {
      const re = patternOf(json.pattern);
      const behavior = json.behavior ?? 'Isolated';
      const invert = json.invert ?? false;
      return (s) => splitIsolated(s, re, behavior, invert);
    }
    case 'Digits': {
      const re = json.individual_digits ? /\p{N}/gu : /\p{N}+/gu;
      return (s) => splitIsolated(s, re, 'Isolated', false);
    }
    case 'WhitespaceSplit':
      return (s) => s.split(/\s+/u).filter((p) => p.length > 0);
    case 'Whitespace':
      return (s) => s.match(/\w+|[^\w\s]+/gu) ?? [];
    default:
      throw new Error(`unsupported pre-tokenizer ${json.type}`);
  }
}

const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;
/** `ignoreBOM`: each run of byte tokens is decoded alone, so without it a U+FEFF starting any run was dropped. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * `wholeText` is false when decoding a single token for display (logprobs): leading-space stripping,
 * which only makes sense at the start of a text, is skipped then.
 */
export function buildDecoder(json: DecoderJson | null | undefined): Decode {
  if (!json) return (tokens) => tokens;
  switch (json.type) {
    case 'Sequence': {
      const steps = (json.decoders ?? []).map(buildDecoder);
      return (tokens, whole) => steps.reduce((acc, f) => f(acc, whole), tokens);
    }
    case 'Replace': {
      const re = patternOf(json.pattern);
      const content = json.content ?? '';
      return (tokens) => tokens.map((t) => t.replace(re, () => content));
    }
    case 'ByteFallback':
      return (tokens) => {
        const out: string[] = [];
        let bytes: number[] = [];
        const flush = (): void => {
          if (bytes.length === 0) return;
          try {
            out.push(strictUtf8.decode(Uint8Array.from(bytes)));
          } catch {
            // Invalid UTF-8 (e.g. a partial character): one replacement char per byte, as HF does.
            out.push('\uFFFD'.repeat(bytes.length));
          }
          bytes = [];
        };
        for (const t of tokens) {
          const m = BYTE_TOKEN.exec(t);
          if (m) bytes.push(parseInt(m[1], 16));
          else {
            flush();
            out.push(t);
          }
        }
        flush();
        return out;
      };
    case 'Fuse':
      return (tokens) => [tokens.join('')];
    case 'Strip': {
      const content = json.content ?? ' ';
      const start = json.start ?? 0;
      const stop = json.stop ?? 0;
      return (tokens, whole) =>
        whole
          ? tokens.map((t) => {
              let s = t;
              for (let i = 0; i < start && s.startsWith(content); i++) s = s.slice(content.length);
              for (let i = 0; i < stop && s.endsWith(content); i++) s = s.slice(0, s.length - content.length);
              return s;
            })
          : tokens;
    }
    case 'Metaspace': {
      const rep = json.replacement ?? '▁';
      const scheme = json.prepend_scheme ?? (json.add_prefix_space === false ? 'never' : 'always');
      return (tokens, whole) =>
        tokens.map((t, i) => {
          const s = t.split(rep).join(' ');
          return whole && i === 0 && scheme !== 'never' && s.startsWith(' ') ? s.slice(1) : s;
        });
    }
    case 'ByteLevel':
      return (tokens) => [utf8Lossy(unicodeToBytes(tokens.join('')))];
    default:
      throw new Error(`unsupported decoder ${json.type}`);
  }
}
