// The notebooks resources (seed 001: /v2/notebooks…) as the gateway answers them, in the shapes of the seed's examples.

/** `entity.notebook.kernel`: the Jupyter kernel the notebook runs with. */
export interface NotebookKernelJson {
  display_name?: string;
  name?: string;
  language?: string;
}

/** `entity.runtime`: the environment the notebook runs on (absent on a notebook promoted to a space). */
export interface NotebookRuntimeJson {
  environment?: string;
  spark_monitoring_enabled?: boolean;
}

/** `entity.notebook.originates_from`: blank (from a file) or a copy of another notebook. */
export interface NotebookOriginJson {
  type: string;
  guid?: string;
}

/** A notebook as POST /v2/notebooks, PATCH, PUT (revert) and promote answer it: the v2/assets form. */
export interface NotebookAssetJson {
  metadata: {
    name: string;
    description?: string;
    asset_type: 'notebook';
    /** Milliseconds since the epoch. */
    created: number;
    created_at: string;
    owner_id: string;
    asset_id: string;
    project_id?: string;
    space_id?: string;
    tags?: string[];
  };
  entity: {
    notebook: { kernel?: NotebookKernelJson; originates_from?: NotebookOriginJson };
    runtime?: NotebookRuntimeJson;
    href: string;
  };
}

/** One notebook of POST /v2/notebooks/list. */
export interface NotebookResourceJson {
  metadata: { guid: string; url: string };
  entity: {
    /** Only with `include=runtime`. */
    runtime?: NotebookRuntimeJson;
    asset: {
      asset_id: string;
      asset_type: 'notebook';
      created_at: string;
      /** The asset's revision: 1 at creation, one more on every change. */
      version: number;
      project_id?: string;
      space_id?: string;
      href: string;
    };
  };
}

export interface NotebookListJson {
  total_results: number;
  resources: NotebookResourceJson[];
}

/** An immutable snapshot of a notebook's content. */
export interface NotebookVersionJson {
  metadata: {
    guid: string;
    url: string;
    /** Milliseconds since the epoch. */
    created_at: number;
  };
  entity: {
    master_notebook_guid: string;
    project_id?: string;
    space_id?: string;
    created_by_iui: string;
    file_reference: string;
    rev_id: number;
  };
}

export interface NotebookVersionListJson {
  total_results: number;
  resources: NotebookVersionJson[];
}
