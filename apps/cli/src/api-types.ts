// The seed's JSON shapes (../shared/seeds/000), as far as the CLI reads them; every field may be absent.

export type JobStatus = 'queued' | 'running' | 'completed' | 'canceled' | 'failed';

export interface TaxonomyJson {
  id: string;
  project_id?: string;
  name?: string;
  taxonomy_path_cos?: string;
  created_at?: string;
  tokens?: { data_tokens_estimated?: number };
  cos_bucket_information?: { bucket?: string; endpoint?: string };
  secrets_manager_config?: { url?: string; git_id?: string };
  href?: string;
}

/**
 * Progress of a running job as its GET reports it: data jobs give `sdg.job.progress` (stage, done of total, samples
 * so far); training jobs give phase, epoch of epochs, step and loss.
 */
export interface JobProgressJson {
  stage?: string;
  done?: number;
  total?: number;
  samples?: number;
  phase?: number;
  epoch?: number;
  epochs?: number;
  step?: number;
  loss?: number;
}

export interface DataJson {
  id: string;
  project_id?: string;
  name?: string;
  state?: string;
  status?: JobStatus | string;
  created_at?: string;
  completed_at?: string;
  taxonomy_id?: string;
  data_metrics?: {
    samples?: Record<string, number>;
    tokens?: {
      data_tokens_total?: number;
      data_leaf_nodes?: Record<string, number> | number;
      training_estimated?: number;
      training_phases?: { phase_1_knowledge?: number; phase_2_skills?: number };
    };
  };
  progress?: JobProgressJson;
  failure_reason?: string;
  teacher_model?: string;
  judge_model?: string;
  href?: string;
}

export interface MetricScores {
  overall_average?: number;
  error_rate?: number;
  scores?: Record<string, number>;
}

export interface BranchMetrics {
  error_rate?: number;
  improvements?: Record<string, number>;
  regressions?: Record<string, number>;
  no_change?: Record<string, number>;
}

export interface ModelJson {
  id: string;
  project_id?: string;
  name?: string;
  state?: string;
  status?: JobStatus | string;
  created_at?: string;
  completed_at?: string;
  data_id?: string;
  base_model?: string;
  taxonomy_id?: string;
  model_metrics?: {
    mmlu?: MetricScores;
    mmlu_branch?: BranchMetrics;
    mt_bench?: MetricScores;
    mt_bench_branch?: BranchMetrics;
    tokens?: { training_estimated?: number; training_total?: number; training_phases?: Record<string, number> };
  };
  progress?: JobProgressJson;
  failure_reason?: string;
  href?: string;
}

export const TERMINAL_STATUSES: readonly string[] = ['completed', 'canceled', 'failed'];
