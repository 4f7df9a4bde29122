import { PlatformError, type ErrorIssue } from '@platform/common';
import { answerTokens } from './answer-tokens';
import type { RagQuestion } from './rag-types';

/** The request field every test data problem names (the seed allows exactly one test data reference). */
export const TEST_DATA_FIELD = 'test_data_references[0]';
export const MAX_TEST_QUESTIONS = 500;
/** A test data file larger than this is refused before it is parsed. */
export const MAX_TEST_DATA_BYTES = 16 * 1024 * 1024;
const MAX_TEXT_CHARS = 10_000;
const MAX_DOCUMENT_IDS = 100;

const issue = (message: string): ErrorIssue => ({
  code: 'invalid_test_data',
  message: `${TEST_DATA_FIELD}: ${message}`,
  target: { type: 'field', name: TEST_DATA_FIELD },
});

/**
 * Reads and checks the test data: a UTF-8 JSON array of 1–500 `{question, correct_answer,
 * correct_answer_document_ids}` objects, each question and answer a non-empty text of at most 10,000 characters (the
 * answer with at least one word token, or answer_correctness could not be computed), each document id one of
 * `documentIds` (the input documents' file names). Every problem is listed, each naming the item index and the field
 * (`test_data_references[0]: [3].correct_answer …`), in one INVALID_ARGUMENT whose target is test_data_references[0].
 */
export function parseTestData(content: Uint8Array | string, documentIds: ReadonlySet<string>): RagQuestion[] {
  const items = parseArray(content);
  const issues: ErrorIssue[] = [];
  const questions: RagQuestion[] = [];
  items.forEach((item, i) => {
    const at = `[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      issues.push(issue(`${at} must be an object with question, correct_answer and correct_answer_document_ids.`));
      return;
    }
    const record = item as Record<string, unknown>;
    const before = issues.length;
    const question = text(record, 'question', at, issues);
    const correctAnswer = text(record, 'correct_answer', at, issues);
    if (correctAnswer !== undefined && answerTokens(correctAnswer).length === 0)
      issues.push(issue(`${at}.correct_answer has no words to compare an answer with (only punctuation or articles).`));
    const ids = documentIdsOf(record, at, documentIds, issues);
    if (issues.length === before && question !== undefined && correctAnswer !== undefined && ids)
      questions.push({ question, correctAnswer, correctAnswerDocumentIds: ids });
  });
  if (issues.length) throw PlatformError.invalidMany(issues);
  return questions;
}

function parseArray(content: Uint8Array | string): unknown[] {
  const bytes = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
  if (bytes > MAX_TEST_DATA_BYTES) throw refuse(`the file is ${bytes} bytes, above the limit of ${MAX_TEST_DATA_BYTES}.`);
  let textContent: string;
  try {
    textContent = typeof content === 'string' ? content : new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    throw refuse('the file is not UTF-8 text.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(textContent);
  } catch (e) {
    throw refuse(`the file is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed))
    throw refuse('the file must hold a JSON array of {question, correct_answer, correct_answer_document_ids} objects.');
  if (parsed.length === 0) throw refuse('the file holds no questions; give 1 to 500.');
  if (parsed.length > MAX_TEST_QUESTIONS) throw refuse(`the file holds ${parsed.length} questions, more than ${MAX_TEST_QUESTIONS}.`);
  return parsed;
}

function refuse(message: string): PlatformError {
  return PlatformError.invalidMany([issue(message)]);
}

function text(record: Record<string, unknown>, field: string, at: string, issues: ErrorIssue[]): string | undefined {
  const value = record[field];
  if (value === undefined) issues.push(issue(`${at}.${field} is missing.`));
  else if (typeof value !== 'string' || value.trim().length === 0) issues.push(issue(`${at}.${field} must be a non-empty string.`));
  else if (value.length > MAX_TEXT_CHARS) issues.push(issue(`${at}.${field} has ${value.length} characters, more than ${MAX_TEXT_CHARS}.`));
  else return value;
  return undefined;
}

function documentIdsOf(
  record: Record<string, unknown>,
  at: string,
  known: ReadonlySet<string>,
  issues: ErrorIssue[],
): string[] | undefined {
  const field = `${at}.correct_answer_document_ids`;
  const value = record.correct_answer_document_ids;
  if (value === undefined) {
    issues.push(issue(`${field} is missing.`));
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_DOCUMENT_IDS) {
    issues.push(issue(`${field} must be an array of 1 to ${MAX_DOCUMENT_IDS} document ids (input document file names).`));
    return undefined;
  }
  const ids: string[] = [];
  value.forEach((id: unknown, j) => {
    if (typeof id !== 'string' || id.length === 0) issues.push(issue(`${field}[${j}] must be a non-empty string.`));
    else if (!known.has(id)) issues.push(issue(`${field}[${j}] "${id}" is not one of the input documents (${listed(known)}).`));
    else ids.push(id);
  });
  return ids.length === value.length ? ids : undefined;
}

/** A few of the known ids, for a message that shows what was expected. */
function listed(known: ReadonlySet<string>): string {
  const shown = [...known].slice(0, 5).map((id) => JSON.stringify(id));
  return known.size > shown.length ? `${shown.join(', ')} and ${known.size - shown.length} more` : shown.join(', ') || 'none';
}
