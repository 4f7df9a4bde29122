import { defineConfig, enumSetting, intSetting, listSetting, optionalSetting, stringSetting, type ConfigOf } from '@platform/common';
import { STARTER_MMLU_DIR } from './benchmarks/mmlu/mmlu-data';

/**
 * The evaluation service's settings, read once at start-up. What an evaluation runs: the defaults keep a CPU run on
 * the starter model to minutes; an operator with GPUs raises them (InstructLab: 80 MT-Bench questions, 1024 answer
 * tokens, 57 MMLU subjects).
 */
export const EvaluationConfig = defineConfig('evaluation', {
  /** The work-sharing consumer of the service's replicas on the training events. */
  consumer: stringSetting('PLATFORM_EVALUATION_CONSUMER', { default: 'evaluation-training-events' }),
  settings: {
    /** Judge of MT-Bench and reward scoring; default the job's base model. */
    judgeModel: optionalSetting('PLATFORM_EVAL_JUDGE_MODEL'),
    /** MMLU in the standard CSV layout; default the starter set shipped in data/mmlu. */
    mmluDir: stringSetting('PLATFORM_MMLU_DIR', { default: STARTER_MMLU_DIR }),
    /** Comma-separated subjects to run (default all in the directory). */
    mmluSubjects: listSetting('PLATFORM_MMLU_SUBJECTS'),
    /** Questions per subject, 0 = all. */
    mmluLimit: intSetting('PLATFORM_EVAL_MMLU_LIMIT', { default: 0 }),
    /** Reduced per question when the prompt would not fit the context. */
    mmluShots: intSetting('PLATFORM_EVAL_MMLU_SHOTS', { default: 5 }),
    /** Questions, spread over the categories; 0 = all 80. */
    mtBenchQuestions: intSetting('PLATFORM_EVAL_MT_BENCH_QUESTIONS', { default: 8 }),
    /** Most MT-Bench-branch questions. */
    branchQuestions: intSetting('PLATFORM_EVAL_BRANCH_QUESTIONS', { default: 40 }),
    /** Answer tokens per turn. */
    maxTokens: intSetting('PLATFORM_EVAL_MAX_TOKENS', { default: 256, min: 1 }),
    judgeMaxTokens: intSetting('PLATFORM_EVAL_JUDGE_MAX_TOKENS', { default: 256, min: 1 }),
    /** How long a checkpoint's replica (a temporary deployment) may take to be ready. */
    replicaReadyTimeoutMs: intSetting('PLATFORM_EVAL_REPLICA_TIMEOUT_MS', { default: 300_000, min: 1 }),
    /** The deployment service removes a replica the evaluation stopped renewing (it crashed) after this long. */
    replicaLeaseMs: intSetting('PLATFORM_EVAL_REPLICA_LEASE_MS', { default: 60_000, min: 3_000 }),
    /** `mmlu` evaluates phase-1 checkpoints with MMLU, `record` only records them. */
    phase1: enumSetting('PLATFORM_EVAL_PHASE1', ['mmlu', 'record'], { default: 'record' }),
  },
});
export type EvaluationConfig = ConfigOf<typeof EvaluationConfig>;
export type EvalSettings = EvaluationConfig['settings'];
