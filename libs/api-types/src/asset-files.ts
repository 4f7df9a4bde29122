// Files of a project's or space's storage (`/v2/asset_files`), what watsonx data references of type `container` name.

/** A stored file: its path relative to the container's storage. */
export interface AssetFileJson {
  path: string;
  size: number;
  content_type?: string;
  etag: string;
  modified_at: string;
}

export interface AssetFileListJson {
  limit: number;
  first: { href: string };
  next?: { href: string; start: string };
  total_count?: number;
  resources: AssetFileJson[];
}

/** A file of a model job's own objects (`/v1/projects/{project_id}/models/{id}/artifacts`): checkpoints, model, logs. */
export interface ModelArtifactJson {
  /** Relative to the job's `trained_models/<id>/`, e.g. `artifacts/phase1/epoch-1/config.json`, `logs/train-attempt-1.log`. */
  path: string;
  size: number;
  content_type?: string;
  modified_at: string;
  /** The download (`…/artifacts/{path}`). */
  href: string;
}

export interface ModelArtifactListJson {
  limit: number;
  first: { href: string };
  next?: { href: string; start: string };
  artifacts: ModelArtifactJson[];
}
