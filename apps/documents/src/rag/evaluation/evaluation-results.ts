import type { AnsweredQuestion } from './rag-types';

/** One question of a pattern's `evaluation_results.json`. */
export interface EvaluationResultRecord {
  question_index: number;
  question: string;
  correct_answers: string[];
  correct_answer_document_ids: string[];
  answer: string;
  answer_contexts: { text: string; document_id: string; sequence_number: number; score: number }[];
  scores: { answer_correctness: number; faithfulness: number; context_correctness: number };
}

/**
 * A pattern's `evaluation_results.json`: per test question (in the test data's order) the question, the correct
 * answer, the generated answer, the chunks the prompt held (best first, with document id, position and retrieval
 * score) and the three scores.
 */
export function buildEvaluationResults(answered: readonly AnsweredQuestion[]): EvaluationResultRecord[] {
  return answered.map((a, i) => ({
    question_index: i,
    question: a.question.question,
    correct_answers: [a.question.correctAnswer],
    correct_answer_document_ids: [...a.question.correctAnswerDocumentIds],
    answer: a.answer,
    answer_contexts: a.contexts.map((c) => ({
      text: c.text,
      document_id: c.document_id,
      sequence_number: c.sequence_number,
      score: c.score,
    })),
    scores: {
      answer_correctness: a.scores.answer_correctness,
      faithfulness: a.scores.faithfulness,
      context_correctness: a.scores.context_correctness,
    },
  }));
}

/** The file's bytes: UTF-8 JSON, two-space indented, ending with a newline. */
export function evaluationResultsBytes(answered: readonly AnsweredQuestion[]): Buffer {
  return Buffer.from(`${JSON.stringify(buildEvaluationResults(answered), null, 2)}\n`, 'utf8');
}
