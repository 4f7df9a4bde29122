// The watsonx.ai deployment resources (seed 001: /ml/v4/deployments, /ml/v4/models, /ml/v4/custom_foundation_models)
// as the gateway answers them; the official SDK's DeploymentResource, ModelResource and the seed's examples.

/** Common resource metadata: exactly one of project_id and space_id. */
export interface ResourceMetadataJson {
  id: string;
  created_at: string;
  modified_at: string;
  project_id?: string;
  space_id?: string;
  name: string;
  description?: string;
  tags: string[];
  owner: string;
  rev?: string;
}

/** One URL a deployment answers text requests on: by id or by serving name, streaming (`sse`) or not. */
export interface InferenceUrlJson {
  url: string;
  sse?: boolean;
  uses_serving_name?: boolean;
}

export type DeploymentState = 'initializing' | 'updating' | 'ready' | 'failed';

export interface DeploymentStatusJson {
  state: DeploymentState | string;
  message?: { level: string; text: string };
  /** When `state` is failed: what went wrong, as the SDK's ApiErrorResponse. */
  failure?: { trace: string; errors: { code: string; message: string }[] };
  inference: InferenceUrlJson[];
}

export interface DeploymentJson {
  metadata: ResourceMetadataJson;
  entity: {
    asset?: { id: string };
    prompt_template?: { id: string };
    /** `parameters` holds serving_name and the other online parameters as given. */
    online: { parameters?: Record<string, unknown> };
    custom?: Record<string, unknown>;
    hardware_spec?: { id?: string; name?: string; num_nodes?: number };
    hardware_request?: { size?: string; num_nodes?: number };
    base_model_id?: string;
    base_deployment_id?: string;
    /** prompt_tune | foundation_model | custom_foundation_model | fine_tune | autoai_rag_pattern */
    deployed_asset_type: string;
    status: DeploymentStatusJson;
  };
}

export interface ModelAssetJson {
  metadata: ResourceMetadataJson;
  entity: {
    /** custom_foundation_model_1.0 | fine_tune_1.0 | prompt_tune_1.0 | autoai_rag_pattern */
    type: string;
    software_spec?: { name: string };
    /** The model store's model (custom foundation models) or the base model the training started from. */
    foundation_model?: { model_id: string };
    training_id?: string;
    training?: { id: string };
    custom?: Record<string, unknown>;
    content_import_state: 'running' | 'completed' | 'failed' | string;
  };
}

/** One tunable of a custom foundation model (the seed's `parameters` entries). */
export interface CustomFoundationModelParameterJson {
  name: string;
  display_name: string;
  description: string;
  type: string;
  default: number;
  min: number;
  max: number;
}

/** A model of the model store, with what its config.json and weights say (beyond the seed's fields). */
export interface CustomFoundationModelJson {
  model_id: string;
  description?: string;
  tags: string[];
  parameters: CustomFoundationModelParameterJson[];
  architecture?: string;
  model_type?: string;
  model_limits?: { max_sequence_length: number };
  /** As the foundation model specs write it ("135m", "8.03b"). */
  number_params?: string;
}
