import { answerTokens, matchedTokens } from './answer-tokens';
import type { QuestionScores, RagQuestion, RetrievedContext } from './rag-types';

/**
 * answer_correctness: the recall of the correct answer's word tokens in the generated answer,
 * |correct ∩ answer| / |correct| over token bags. 0 when the correct answer has no word tokens (the test data check
 * refuses such an answer, so this only guards the division).
 */
export function answerCorrectness(answer: string, correctAnswer: string): number {
  const correct = answerTokens(correctAnswer);
  if (correct.length === 0) return 0;
  return matchedTokens(correct, answerTokens(answer)) / correct.length;
}

/**
 * faithfulness: the share of the answer's word tokens found in the retrieved contexts, |answer ∩ contexts| / |answer|
 * over token bags (the contexts' tokens pooled). An empty answer claims nothing the contexts support: 0.
 */
export function faithfulness(answer: string, contexts: readonly string[]): number {
  const said = answerTokens(answer);
  if (said.length === 0) return 0;
  return matchedTokens(said, contexts.flatMap(answerTokens)) / said.length;
}

/**
 * context_correctness: the reciprocal rank of the first retrieved chunk (best first) whose document is one of the
 * question's correct_answer_document_ids; 0 when none is. Chunks of one document count at their own ranks.
 */
export function contextCorrectness(retrievedDocumentIds: readonly string[], correctDocumentIds: readonly string[]): number {
  const correct = new Set(correctDocumentIds);
  const rank = retrievedDocumentIds.findIndex((id) => correct.has(id));
  return rank < 0 ? 0 : 1 / (rank + 1);
}

/**
 * The three scores of one question answered with `answer`. faithfulness compares the answer with `contexts`, the chunks
 * the prompt held (what the model saw); context_correctness ranks `retrieved`, the chunks retrieval returned, best
 * first (default: `contexts`), so fitting the prompt to a small context window does not change the retrieval's score.
 */
export function scoreQuestion(
  question: RagQuestion,
  answer: string,
  contexts: readonly RetrievedContext[],
  retrieved: readonly RetrievedContext[] = contexts,
): QuestionScores {
  return {
    answer_correctness: answerCorrectness(answer, question.correctAnswer),
    faithfulness: faithfulness(
      answer,
      contexts.map((c) => c.text),
    ),
    context_correctness: contextCorrectness(
      retrieved.map((c) => c.document_id),
      question.correctAnswerDocumentIds,
    ),
  };
}
