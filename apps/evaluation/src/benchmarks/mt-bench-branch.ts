import { createHash } from 'node:crypto';
import type { BranchMetrics } from '@platform/events';
import { parse } from 'yaml';
import type { ModelClient } from '../clients/model-client';
import { compareBranch, mean, round2 } from './aggregate';
import type { MtSettings } from './mt-bench/answer-and-judge';
import type { MtQuestion } from './mt-bench/mt-bench-data';
import { runMtBench, type MtBenchRun } from './mt-bench/run-mt-bench';

export interface SkillLeaf {
  /** The qna.yaml path relative to the taxonomy root. */
  path: string;
  qnaYaml: string;
}

export interface BranchQuestion extends MtQuestion {
  qna_file: string;
}

interface SeedExample {
  question?: unknown;
  answer?: unknown;
  context?: unknown;
}

/**
 * InstructLab's mt_bench_branch_generator: one single-turn `taxonomy` question per skill seed example that has a
 * question and an answer; with a context the turn reads "Given the context below: … Answer the following question:";
 * the seed answer is the judge's reference; question_id = decimal MD5 of the question text.
 */
export function branchQuestions(leaves: readonly SkillLeaf[]): BranchQuestion[] {
  const out: BranchQuestion[] = [];
  for (const leaf of leaves) {
    let doc: { seed_examples?: SeedExample[] } | null;
    try {
      doc = parse(leaf.qnaYaml) as { seed_examples?: SeedExample[] } | null;
    } catch {
      continue;
    }
    for (const seed of doc?.seed_examples ?? []) {
      if (typeof seed.question !== 'string' || typeof seed.answer !== 'string') continue;
      const context = typeof seed.context === 'string' && seed.context.trim() ? seed.context.trim() : undefined;
      const turn = context
        ? `Given the context below:\n${context}\nAnswer the following question: ${seed.question.trim()}`
        : seed.question.trim();
      const id = BigInt(`0x${createHash('md5').update(turn).digest('hex')}`).toString(10);
      out.push({ question_id: id, category: 'taxonomy', turns: [turn], reference: [seed.answer.trim()], qna_file: leaf.path });
    }
  }
  return out;
}

/** Mean score per qna.yaml; files without a single rating are left out. */
function perFile(questions: readonly BranchQuestion[], run: MtBenchRun): Map<string, number> {
  const file = new Map(questions.map((q) => [String(q.question_id), q.qna_file]));
  const scores = new Map<string, number[]>();
  for (const j of run.judgments) {
    if (j.score === undefined) continue;
    const f = file.get(String(j.question_id));
    if (f) scores.set(f, [...(scores.get(f) ?? []), j.score]);
  }
  return new Map([...scores].map(([f, s]) => [f, round2(mean(s) as number)]));
}

export interface MtBranchRun {
  questions: BranchQuestion[];
  base: MtBenchRun;
  trained: MtBenchRun;
  metrics: BranchMetrics;
}

/** Base versus trained on the taxonomy's own skills; error rate = mean of the two runs' error rates (InstructLab). */
export async function runMtBenchBranch(
  client: ModelClient,
  baseModel: string,
  trainedModel: string,
  leaves: readonly SkillLeaf[],
  s: MtSettings & { limit: number },
): Promise<MtBranchRun> {
  const questions = branchQuestions(leaves).slice(0, s.limit > 0 ? s.limit : undefined);
  const base = await runMtBench(client, baseModel, questions, s);
  const trained = await runMtBench(client, trainedModel, questions, s);
  const metrics = compareBranch(
    perFile(questions, base),
    perFile(questions, trained),
    (base.metrics.error_rate + trained.metrics.error_rate) / 2,
  );
  return { questions, base, trained, metrics };
}
