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
