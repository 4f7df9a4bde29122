import type { CountTokens, RetrievedContext } from './rag-types';

export const REFERENCE_DOCUMENTS = '{reference_documents}';
export const QUESTION = '{question}';

/** The patterns' instruction (`settings.generation.prompt_template_text`); plain text, so any model can take it. */
export const DEFAULT_PROMPT_TEMPLATE =
  'Answer the question using only the reference documents below. If they do not hold the answer, say that you do not know.\n\n' +
  `Reference documents:\n${REFERENCE_DOCUMENTS}\n\nQuestion: ${QUESTION}\nAnswer:`;

/** One retrieved chunk as the prompt shows it: its rank and document, then its text. */
export function formatContext(context: RetrievedContext, rank: number): string {
  return `[${rank}] ${context.document_id}\n${context.text}`;
}

const SEPARATOR = '\n\n';

/**
 * The template with both placeholders filled in one pass, so a question or a chunk that itself contains
 * `{question}` or `{reference_documents}` is left as written.
 */
export function fillPromptTemplate(template: string, question: string, referenceDocuments: string): string {
  return template.replace(/\{reference_documents\}|\{question\}/g, (p) => (p === QUESTION ? question : referenceDocuments));
}

export interface RagPromptInput {
  template: string;
  question: string;
  /** Best first. */
  contexts: readonly RetrievedContext[];
  /** The foundation model's context window and the generation's max_new_tokens: the prompt gets the difference. */
  contextWindow: number;
  maxNewTokens: number;
  countTokens: CountTokens;
}

export interface RagPrompt {
  prompt: string;
  /** The chunks the prompt holds, best first; the last one may be cut short (its text is what the prompt shows). */
  contexts: RetrievedContext[];
  promptTokens: number;
  /** False when the template and the question alone take more than the budget (the prompt then holds no chunk). */
  fits: boolean;
}

/** Cut points tried at once when the chunk that does not fit whole is shortened (one Tokenize call). */
const CUTS = 32;
/** A cut chunk shorter than this many tokens is left out rather than shown as a fragment. */
const MIN_CUT_TOKENS = 8;

/**
 * The prompt for one question: the template filled with as many retrieved chunks, best first, as fit in the context
 * window minus max_new_tokens, by the model's own token counts. The first chunk that does not fit whole is cut at a
 * word boundary (the longest of 32 evenly spaced word prefixes that fits) and the rest are left out. Counts are
 * summed per piece, then the whole prompt is counted once more; should merges across pieces push it over the budget,
 * the last chunk is dropped until it fits. Three to a few Tokenize calls per prompt.
 */
export async function buildRagPrompt(input: RagPromptInput): Promise<RagPrompt> {
  const budget = input.contextWindow - input.maxNewTokens;
  const pieces = input.contexts.map((c, i) => (i === 0 ? '' : SEPARATOR) + formatContext(c, i + 1));
  const base = fillPromptTemplate(input.template, input.question, '');
  const [baseTokens, ...pieceTokens] = await input.countTokens([base, ...pieces]);
  if (baseTokens > budget) return { prompt: base, contexts: [], promptTokens: baseTokens, fits: false };

  const used: RetrievedContext[] = [];
  let total = baseTokens;
  for (let i = 0; i < input.contexts.length; i++) {
    if (total + pieceTokens[i] <= budget) {
      used.push(input.contexts[i]);
      total += pieceTokens[i];
      continue;
    }
    const cut = await cutToFit(input.contexts[i], i, budget - total, input.countTokens);
    if (cut) used.push(cut);
    break;
  }
  for (;;) {
    const prompt = render(input, used);
    const [tokens] = await input.countTokens([prompt]);
    if (tokens <= budget || used.length === 0) return { prompt, contexts: used, promptTokens: tokens, fits: tokens <= budget };
    used.pop();
  }
}

function render(input: RagPromptInput, contexts: readonly RetrievedContext[]): string {
  return fillPromptTemplate(input.template, input.question, contexts.map((c, i) => formatContext(c, i + 1)).join(SEPARATOR));
}

async function cutToFit(
  context: RetrievedContext,
  index: number,
  room: number,
  countTokens: CountTokens,
): Promise<RetrievedContext | undefined> {
  if (room < MIN_CUT_TOKENS) return undefined;
  const words = context.text.split(/(?<=\s)/u);
  const lengths = [...new Set(Array.from({ length: CUTS }, (_, k) => Math.floor((words.length * (k + 1)) / (CUTS + 1))))].filter(
    (n) => n > 0,
  );
  const texts = lengths.map((n) => words.slice(0, n).join('').trimEnd());
  const prefix = index === 0 ? '' : SEPARATOR;
  const counts = await countTokens(texts.map((t) => prefix + formatContext({ ...context, text: t }, index + 1)));
  let best: string | undefined;
  counts.forEach((c, k) => {
    if (c <= room) best = texts[k];
  });
  return best ? { ...context, text: best } : undefined;
}
