import { envInt, envString } from '@platform/common';
import { STARTER_MMLU_DIR } from './benchmarks/mmlu/mmlu-data';

/**
 * What an evaluation runs, from the environment. The defaults keep a CPU run on the starter model to minutes; an
 * operator with GPUs raises them (InstructLab: 80 MT-Bench questions, 1024 answer tokens, 57 MMLU subjects).
 */
export interface EvalSettings {
  /** PLATFORM_EVAL_JUDGE_MODEL: judge of MT-Bench and reward scoring; default the job's base model. */
  judgeModel?: string;
  /** PLATFORM_MMLU_DIR: MMLU in the standard CSV layout; default the starter set shipped in data/mmlu. */
  mmluDir: string;
  /** PLATFORM_MMLU_SUBJECTS: comma-separated subjects to run (default all in the directory). */
  mmluSubjects: string[];
  /** PLATFORM_EVAL_MMLU_LIMIT: questions per subject, 0 = all (default 0). */
  mmluLimit: number;
  /** PLATFORM_EVAL_MMLU_SHOTS (default 5, reduced per question when the prompt would not fit the context). */
  mmluShots: number;
  /** PLATFORM_EVAL_MT_BENCH_QUESTIONS: questions, spread over the categories; 0 = all 80 (default 8). */
  mtBenchQuestions: number;
  /** PLATFORM_EVAL_BRANCH_QUESTIONS: most MT-Bench-branch questions (default 40). */
  branchQuestions: number;
  /** PLATFORM_EVAL_MAX_TOKENS: answer tokens per turn (default 256). */
  maxTokens: number;
  /** PLATFORM_EVAL_JUDGE_MAX_TOKENS (default 256). */
  judgeMaxTokens: number;
  /** PLATFORM_EVAL_ENGINE_THREADS: threads of each checkpoint's engine server (default 1). */
  engineThreads: number;
  /** PLATFORM_EVAL_ENGINE_START_TIMEOUT_MS (default 120000). */
  engineStartTimeoutMs: number;
  /** PLATFORM_EVAL_PHASE1: `mmlu` evaluates phase-1 checkpoints with MMLU, `record` only records them (default). */
  phase1: 'mmlu' | 'record';
}

export function readEvalSettings(): EvalSettings {
  const judge = envString('PLATFORM_EVAL_JUDGE_MODEL', '');
  const phase1 = envString('PLATFORM_EVAL_PHASE1', 'record');
  if (phase1 !== 'mmlu' && phase1 !== 'record') throw new Error('PLATFORM_EVAL_PHASE1 must be "mmlu" or "record"');
  return {
    judgeModel: judge || undefined,
    mmluDir: envString('PLATFORM_MMLU_DIR', STARTER_MMLU_DIR),
    mmluSubjects: envString('PLATFORM_MMLU_SUBJECTS', '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    mmluLimit: envInt('PLATFORM_EVAL_MMLU_LIMIT', 0),
    mmluShots: envInt('PLATFORM_EVAL_MMLU_SHOTS', 5),
    mtBenchQuestions: envInt('PLATFORM_EVAL_MT_BENCH_QUESTIONS', 8),
    branchQuestions: envInt('PLATFORM_EVAL_BRANCH_QUESTIONS', 40),
    maxTokens: envInt('PLATFORM_EVAL_MAX_TOKENS', 256),
    judgeMaxTokens: envInt('PLATFORM_EVAL_JUDGE_MAX_TOKENS', 256),
    engineThreads: envInt('PLATFORM_EVAL_ENGINE_THREADS', 1),
    engineStartTimeoutMs: envInt('PLATFORM_EVAL_ENGINE_START_TIMEOUT_MS', 120_000),
    phase1,
  };
}
