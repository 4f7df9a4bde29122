/**
 * The parts of Hugging Face `tokenizer.json` the engine understands. Unknown component types are rejected
 * at load time rather than silently mis-tokenising.
 */

export interface AddedTokenJson {
  id: number;
  content: string;
  special: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
  single_word?: boolean;
  normalized?: boolean;
}

export interface NormalizerJson {
  type: string;
  normalizers?: NormalizerJson[];
  prepend?: string;
  pattern?: { String?: string; Regex?: string };
  content?: string;
}

export interface PreTokenizerJson {
  type: string;
  pretokenizers?: PreTokenizerJson[];
  replacement?: string;
  prepend_scheme?: 'first' | 'always' | 'never';
  add_prefix_space?: boolean;
  split?: boolean;
  use_regex?: boolean;
  pattern?: { String?: string; Regex?: string };
  behavior?: string;
  invert?: boolean;
  individual_digits?: boolean;
}

export interface DecoderJson {
  type: string;
  decoders?: DecoderJson[];
  pattern?: { String?: string; Regex?: string };
  content?: string;
  start?: number;
  stop?: number;
  replacement?: string;
  prepend_scheme?: 'first' | 'always' | 'never';
  add_prefix_space?: boolean;
}

export interface PostProcessorJson {
  type: string;
  processors?: PostProcessorJson[];
  single?: ({ SpecialToken: { id: string } } | { Sequence: { id: string } })[];
  special_tokens?: Record<string, { id: string; ids: number[] }>;
  cls?: [string, number];
  sep?: [string, number];
}

export interface BpeModelJson {
  type: string;
  vocab: Record<string, number>;
  merges: (string | [string, string])[];
  unk_token?: string | null;
  byte_fallback?: boolean;
  fuse_unk?: boolean;
  ignore_merges?: boolean;
  continuing_subword_prefix?: string | null;
  end_of_word_suffix?: string | null;
}

export interface TokenizerJson {
  added_tokens?: AddedTokenJson[];
  normalizer?: NormalizerJson | null;
  pre_tokenizer?: PreTokenizerJson | null;
  post_processor?: PostProcessorJson | null;
  decoder?: DecoderJson | null;
  model: BpeModelJson;
}

/** `tokenizer_config.json`; special tokens may be plain strings or AddedToken objects. */
export interface TokenizerConfigJson {
  bos_token?: string | { content: string } | null;
  eos_token?: string | { content: string } | null;
  unk_token?: string | { content: string } | null;
  pad_token?: string | { content: string } | null;
  add_bos_token?: boolean;
  add_eos_token?: boolean;
  chat_template?: string | { name: string; template: string }[];
  model_max_length?: number;
}

export function tokenContent(t: string | { content: string } | null | undefined): string | undefined {
  if (t == null) return undefined;
  return typeof t === 'string' ? t : t.content;
}
