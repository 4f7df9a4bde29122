/**
 * Splits a Markdown document into chunks of at most `maxTokens` tokens of the teacher's own tokenizer (counted
 * by the inference service's Tokenize RPC): chunk limits exist for the teacher's context window, so they are
 * measured in its tokens, as InstructLab's HybridChunker does with the teacher tokenizer. Structure first —
 * sections and paragraphs are kept whole when they fit — then sentences, then words for oversized pieces.
 */
export type CountTokens = (text: string) => Promise<number>;

const SENTENCE = /(?<=[.!?])\s+(?=\S)/;

function paragraphs(markdown: string): string[] {
  return markdown
    .replace(/\r\n/g, '\n')
    .split(/\n\s*\n|\n(?=#{1,6}\s)/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

async function pieces(text: string, maxTokens: number, count: CountTokens): Promise<{ text: string; tokens: number }[]> {
  const tokens = await count(text);
  if (tokens <= maxTokens) return [{ text, tokens }];
  const sentences = text.split(SENTENCE);
  if (sentences.length > 1) return (await Promise.all(sentences.map((s) => pieces(s, maxTokens, count)))).flat();
  const words = text.split(/\s+/);
  if (words.length <= 1) return [{ text, tokens }];
  const half = Math.ceil(words.length / 2);
  return [
    ...(await pieces(words.slice(0, half).join(' '), maxTokens, count)),
    ...(await pieces(words.slice(half).join(' '), maxTokens, count)),
  ];
}

export async function chunkDocument(markdown: string, maxTokens: number, count: CountTokens): Promise<string[]> {
  const parts = (await Promise.all(paragraphs(markdown).map((p) => pieces(p, maxTokens, count)))).flat();
  const chunks: string[] = [];
  let current: string[] = [];
  let used = 0;
  for (const p of parts) {
    // The blank line joining two pieces costs about one token; the sum is an upper bound for most BPEs.
    if (current.length && used + 1 + p.tokens > maxTokens) {
      chunks.push(current.join('\n\n'));
      current = [];
      used = 0;
    }
    current.push(p.text);
    used += (current.length > 1 ? 1 : 0) + p.tokens;
  }
  if (current.length) chunks.push(current.join('\n\n'));
  return chunks;
}

/** About 500 tokens (InstructLab's chunk size), but never more than 40 % of a small teacher's context. */
export function chunkTokenBudget(contextLength: number, preferred = 500): number {
  return contextLength > 0 ? Math.max(32, Math.min(preferred, Math.floor(contextLength * 0.4))) : preferred;
}
