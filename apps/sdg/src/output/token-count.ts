import { training } from '@platform/engine';
import { getEncoding, type Tiktoken } from 'js-tiktoken';
import type { InstructLabRecord } from './records';

/**
 * Training-token estimate of a record. The student model (and so its tokenizer) is only chosen when training
 * starts, so SDG counts with one fixed reference: the record rendered exactly as the trainer renders a record
 * without a chat template (libs/engine renderFallback: role markers, end-of-text after each answer), counted
 * with cl100k_base — the same BPE the taxonomy service uses for `data_tokens_estimated`.
 */
let encoder: Tiktoken | undefined;

export function countTextTokens(text: string): number {
  encoder ??= getEncoding('cl100k_base');
  return encoder.encode(text, [], []).length;
}

export function recordTokens(r: InstructLabRecord): number {
  return countTextTokens(training.renderFallback(r.messages, false));
}

export function fileTokens(records: InstructLabRecord[]): number {
  return records.reduce((n, r) => n + recordTokens(r), 0);
}

/** InstructLab's LAB schedule: phase 1 runs 7 epochs over the knowledge file, phase 2 10 over the skills file. */
export const PHASE_EPOCHS = { phase1: 7, phase2: 10 } as const;
