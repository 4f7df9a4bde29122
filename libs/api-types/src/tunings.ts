// watsonx.ai tunings (seed 001: /ml/v4/trainings prompt tuning, /ml/v1/fine_tunings) as the gateway answers them; the
// official SDK's TrainingResource, TrainingStatus, FineTuningResource and FineTuningParameters.
import type { EnvelopeError, ErrorEnvelope } from './resources';
import type { ResourceMetadataJson } from './deployments';

/** A data reference as the caller gave it; results references gain the paths the job wrote. */
export interface DataReferenceJson {
  id?: string;
  type: string;
  location: Record<string, unknown>;
  connection?: Record<string, unknown>;
}

export type TuningState = 'queued' | 'pending' | 'running' | 'storing' | 'completed' | 'failed' | 'canceled';

/** One epoch: its index, the mean training loss (and under DPO the reward margin) and when it ended. */
export interface TuningMetricJson {
  iteration: number;
  ml_metrics: { loss: number; reward_margin?: number };
  timestamp?: string;
}

export interface TuningStatusJson {
  state: TuningState;
  running_at?: string;
  completed_at?: string;
  message?: { level: string; text: string };
  metrics?: TuningMetricJson[];
  /** The envelope's shape, its entries without more_info and target. */
  failure?: Omit<ErrorEnvelope, 'errors'> & { errors: Pick<EnvelopeError, 'code' | 'message'>[] };
}

/** The settings of a prompt tuning, resolved (defaults applied). */
export interface PromptTuningJson {
  base_model: { model_id: string };
  task_id?: string;
  tuning_type: 'prompt_tuning';
  num_epochs: number;
  learning_rate: number;
  accumulate_steps: number;
  batch_size: number;
  max_input_tokens: number;
  max_output_tokens: number;
  init_method: string;
  init_text?: string;
  verbalizer: string;
}

/** A `/ml/v4/trainings` resource. */
export interface TrainingJson {
  metadata: ResourceMetadataJson;
  entity: {
    prompt_tuning: PromptTuningJson;
    training_data_references: DataReferenceJson[];
    auto_update_model: boolean;
    results_reference: DataReferenceJson;
    custom?: Record<string, unknown>;
    status: TuningStatusJson;
    /** The `/ml/v4/models` asset auto_update_model created. */
    model_id?: string;
  };
}

export interface TrainingListJson {
  limit: number;
  first: { href: string };
  next?: { href: string; start: string };
  total_count?: number;
  resources: TrainingJson[];
}

/** The settings of a fine tuning that is not InstructLab, resolved (defaults applied). */
export interface FineTuningParametersJson {
  base_model: { model_id: string };
  task_id?: string;
  num_epochs: number;
  learning_rate: number;
  batch_size: number;
  max_seq_length: number;
  accumulate_steps: number;
  verbalizer?: string;
  response_template?: string;
  peft_parameters: { type: 'lora' | 'none'; rank?: number; lora_alpha?: number; lora_dropout?: number; target_modules?: string[] };
}
