import type { JobStatus, TrainingPhasesJson } from './jobs';
import type { ModelMetricsJson } from './model-metrics';
import type { DataReferenceJson, FineTuningParametersJson, TuningStatusJson } from './tunings';

// The InstructLab API's resource objects (seed 000) as the gateway answers them. Fields marked optional are left out
// of list entries or until they apply.

export interface TaxonomyJson {
  id: string;
  project_id: string;
  name: string;
  taxonomy_path_cos: string;
  created_at: string;
  /** GET and POST only. */
  tokens?: { data_tokens_estimated: number };
  cos_bucket_information?: { bucket: string; endpoint: string };
  secrets_manager_config?: { url: string; git_id: string };
  href: string;
}

/** One qna.yaml of a taxonomy, as validated at create (`GET …/taxonomies/{id}/leaves`). */
export interface TaxonomyLeafJson {
  /** Relative to the taxonomy root, e.g. knowledge/science/astronomy/sun/qna.yaml. */
  path: string;
  kind: 'knowledge' | 'freeform_skill' | 'grounded_skill';
  qna_yaml: string;
  /** Knowledge leaves: the files of document.repo read as the leaf's documents. */
  documents: { source_path: string; size_bytes: number }[];
}

export interface TaxonomyLeavesJson {
  leaves: TaxonomyLeafJson[];
}

/** One leaf of a running data generation run, as `sdg.job.progress` carries it in `leaves`. */
export interface DataLeafProgressJson {
  leaf: string;
  batches_done: number;
  batches_total: number;
  samples: number;
}

/** A running data generation run: `sdg.job.progress` (stage, done of total, samples so far, and per leaf). */
export interface DataProgressJson {
  stage: string;
  done: number;
  total: number;
  samples: number;
  /** At most 100 leaves, unfinished first; GET /v1/data/{id} carries the last event's (absent while preparing). */
  leaves?: DataLeafProgressJson[];
}

/** One generated sample of GET /v1/projects/{project_id}/data/{id}/samples; each text is cut at 4000 characters. */
export interface DataSampleJson {
  leaf: string;
  /** Its position within the leaf (0-based). */
  index: number;
  question: string;
  response: string;
  /** Knowledge leaves: the document chunk it was generated from. */
  context?: string;
  truncated: boolean;
}

export interface DataSamplesJson {
  samples: DataSampleJson[];
  limit: number;
  first: { href: string };
  next?: { href: string; start: string };
}

export interface DataTokensJson {
  data_tokens_total: number;
  /** Leaf-node path (…/qna.yaml) → tokens of the data generated for it. */
  data_leaf_nodes: Record<string, number>;
  training_estimated: number;
  training_phases: TrainingPhasesJson;
}

export interface DataMetricsJson {
  /** Leaf-node path (…/qna.yaml) → samples kept. */
  samples: Record<string, number>;
  /** Once the run completed. */
  tokens?: DataTokensJson;
}

/** What a data run and a model job share: identity, the fine-grained `state` and the coarse `status`. */
export interface JobResourceJson {
  id: string;
  project_id: string;
  name: string;
  state: string;
  status: JobStatus;
  created_at: string;
  completed_at?: string;
  href: string;
}

export interface DataJson extends JobResourceJson {
  taxonomy_id: string;
  /** GET and POST only, like the fields below it. */
  data_metrics?: DataMetricsJson;
  progress?: DataProgressJson;
  failure_reason?: string;
  teacher_model?: string;
  judge_model?: string;
}

/** A running training job: phase and epoch (1-based) of `epochs`, with the last step's loss. */
export interface ModelProgressJson {
  phase: number;
  epoch: number;
  epochs: number;
  step: number;
  loss: number;
  tokens_per_second: number;
}

/** `GET /v1/projects/{project_id}/models/{id}/loss`: the loss after every training step, from the job's run logs. */
export interface ModelLossJson {
  /** In training order (phase, then step); at most 2000, thinned evenly when the run had more steps. */
  points: { phase: number; epoch: number; step: number; loss: number }[];
  total_steps: number;
}

export interface ModelJson extends JobResourceJson {
  data_id: string;
  base_model: string;
  taxonomy_id: string;
  /** GET and POST only. */
  model_metrics?: ModelMetricsJson;
  failure_reason?: string;
  progress?: ModelProgressJson;
}

/**
 * A watsonx.ai fine tuning (`metadata` / `entity`), which the official SDK reads: an InstructLab training job (type
 * `ilab`, with its base model, taxonomy and benchmark metrics) or a fine tuning of `{input, output}` records (its
 * `parameters`).
 */
export interface FineTuningJson {
  metadata: {
    id: string;
    name: string;
    description?: string;
    tags: string[];
    project_id?: string;
    space_id?: string;
    owner: string;
    created_at: string;
    modified_at: string;
  };
  entity: {
    type?: 'ilab';
    auto_update_model: boolean;
    parameters?: FineTuningParametersJson;
    training_data_references: DataReferenceJson[];
    test_data_references?: DataReferenceJson[];
    results_reference: DataReferenceJson;
    custom?: Record<string, unknown>;
    status: TuningStatusJson;
    /** The `/ml/v4/models` asset auto_update_model created. */
    model_id?: string;
    /** InstructLab only. */
    base_model?: string;
    taxonomy_id?: string;
    model_metrics?: ModelMetricsJson;
    href?: string;
  };
}

/** One entry of the IBM error envelope. */
export interface EnvelopeError {
  code: string;
  message: string;
  /** The documentation of the surface the route belongs to. */
  more_info: string;
  target?: { type: 'field' | 'header' | 'parameter'; name: string };
}

/** The IBM error envelope every watsonx and InstructLab route answers errors with. */
export interface ErrorEnvelope {
  errors: EnvelopeError[];
  trace: string;
  status_code: number;
}
