import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { parseTestData } from './test-data';

const docs = new Set(['handbook.pdf', 'faq.md']);
const good = { question: 'How many vacation days?', correct_answer: '25 days', correct_answer_document_ids: ['handbook.pdf'] };

/** The refusal of `content`: its code, its target, and every issue's message. */
function refusal(content: unknown) {
  try {
    parseTestData(typeof content === 'string' || content instanceof Uint8Array ? content : JSON.stringify(content), docs);
  } catch (e) {
    expect(e).toBeInstanceOf(PlatformError);
    const err = e as PlatformError;
    expect(err.grpcCode).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(err.target).toEqual({ type: 'field', name: 'test_data_references[0]' });
    for (const i of err.issues) expect(i.target).toEqual({ type: 'field', name: 'test_data_references[0]' });
    return { code: err.code, messages: err.issues.map((i) => i.message) };
  }
  throw new Error('the test data was accepted');
}

describe('parseTestData', () => {
  it('reads the questions, their correct answers and document ids', () => {
    const more = {
      question: 'Where is the FAQ?',
      correct_answer: 'online',
      correct_answer_document_ids: ['faq.md', 'handbook.pdf'],
      extra: 1,
    };
    expect(parseTestData(Buffer.from(JSON.stringify([good, more])), docs)).toEqual([
      { question: good.question, correctAnswer: '25 days', correctAnswerDocumentIds: ['handbook.pdf'] },
      { question: more.question, correctAnswer: 'online', correctAnswerDocumentIds: ['faq.md', 'handbook.pdf'] },
    ]);
  });

  it('refuses a file that is not a UTF-8 JSON array of 1 to 500 questions, naming test_data_references[0]', () => {
    expect(refusal(new Uint8Array([0x5b, 0xff, 0x5d])).messages).toEqual(['test_data_references[0]: the file is not UTF-8 text.']);
    expect(refusal('[{"question": ').messages[0]).toMatch(/^test_data_references\[0\]: the file is not JSON: /);
    expect(refusal({ questions: [good] }).messages[0]).toBe(
      'test_data_references[0]: the file must hold a JSON array of {question, correct_answer, correct_answer_document_ids} objects.',
    );
    expect(refusal([]).messages).toEqual(['test_data_references[0]: the file holds no questions; give 1 to 500.']);
    expect(refusal(new Array(501).fill(good)).messages).toEqual(['test_data_references[0]: the file holds 501 questions, more than 500.']);
    expect(refusal([]).code).toBe('invalid_test_data');
  });

  it('names every bad item by its index and field', () => {
    const { messages } = refusal([
      good,
      'a question',
      { correct_answer: 'x', correct_answer_document_ids: ['faq.md'] },
      { ...good, question: '  ', correct_answer: 7 },
      { ...good, correct_answer: 'The...' },
      { ...good, correct_answer_document_ids: [] },
      { ...good, correct_answer_document_ids: ['faq.md', 'missing.pdf', 3] },
      { question: 'q', correct_answer: 'yes' },
      { ...good, question: 'x'.repeat(10_001) },
    ]);
    expect(messages).toEqual([
      'test_data_references[0]: [1] must be an object with question, correct_answer and correct_answer_document_ids.',
      'test_data_references[0]: [2].question is missing.',
      'test_data_references[0]: [3].question must be a non-empty string.',
      'test_data_references[0]: [3].correct_answer must be a non-empty string.',
      'test_data_references[0]: [4].correct_answer has no words to compare an answer with (only punctuation or articles).',
      'test_data_references[0]: [5].correct_answer_document_ids must be an array of 1 to 100 document ids (input document file names).',
      'test_data_references[0]: [6].correct_answer_document_ids[1] "missing.pdf" is not one of the input documents ("handbook.pdf", "faq.md").',
      'test_data_references[0]: [6].correct_answer_document_ids[2] must be a non-empty string.',
      'test_data_references[0]: [7].correct_answer_document_ids is missing.',
      'test_data_references[0]: [8].question has 10001 characters, more than 10000.',
    ]);
  });
});
