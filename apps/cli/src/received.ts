import type { DataJson, DataProgressJson, ModelJson, ModelProgressJson, TaxonomyJson } from '@platform/api-types';

// Lists and maps (leaf path → count) are taken as they come; objects with named fields may miss any of them.
type Partly<T> = T extends readonly unknown[] ? T : T extends object ? (string extends keyof T ? T : { [K in keyof T]?: Partly<T[K]> }) : T;

/**
 * A resource as the CLI reads it: the API's shape (`@platform/api-types`) with any field possibly absent but the id,
 * because the CLI also talks to servers of other versions (the seeds' own examples leave fields out).
 */
export type Received<T extends { id: string }> = Partly<T> & { id: string };

export type ReceivedTaxonomy = Received<TaxonomyJson>;
export type ReceivedData = Received<DataJson>;
export type ReceivedModel = Received<ModelJson>;

/** A running job's progress: data runs report stage and counts, training runs phase, epoch and loss. */
export type ReceivedProgress = Partly<DataProgressJson> & Partly<ModelProgressJson>;

/** A watsonx resource's common metadata (`/ml/v4/...`), as the CLI reads it. */
export interface ReceivedMetadata {
  id: string;
  name?: string;
  description?: string;
  project_id?: string;
  space_id?: string;
  tags?: string[];
  created_at?: string;
  modified_at?: string;
}

/** `status.inference[]`: a URL to call the deployment at (by id or by serving name, `sse` on streams). */
export interface ReceivedInferenceUrl {
  url: string;
  sse?: boolean;
  uses_serving_name?: boolean;
}

/** A deployment (`/ml/v4/deployments`) in the seed's shape; any entity field may be missing. */
export interface ReceivedDeployment {
  metadata: ReceivedMetadata;
  entity?: {
    asset?: { id?: string };
    prompt_template?: { id?: string };
    online?: { parameters?: { serving_name?: string } };
    hardware_spec?: { id?: string; name?: string; num_nodes?: number };
    deployed_asset_type?: string;
    base_model_id?: string;
    base_deployment_id?: string;
    status?: {
      state?: string;
      message?: { level?: string; text?: string };
      failure?: { errors?: { code?: string; message?: string }[] };
      inference?: ReceivedInferenceUrl[];
    };
  };
}

/** A model asset (`/ml/v4/models`), as far as the CLI needs it. */
export interface ReceivedModelAsset {
  metadata: ReceivedMetadata;
  entity?: { type?: string; training_id?: string; foundation_model?: { model_id?: string } };
}
