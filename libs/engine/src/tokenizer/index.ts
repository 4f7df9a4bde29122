export { Tokenizer } from './tokenizer';
export { ChatTemplate, type ChatMessage } from './chat-template';
export type { TokenizerJson, TokenizerConfigJson, AddedTokenJson } from './json';
export { mergeByRank, type PairRank } from './merge-by-rank';
