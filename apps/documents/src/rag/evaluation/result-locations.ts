/** The seed's `results_reference.location` of an experiment: where its status, log and pattern assets go. */
export interface ExperimentLocation {
  path: string;
  training: string;
  training_status: string;
  assets_path: string;
  training_log: string;
}

/** A pattern's files, the seed's `rag_pattern.location`. */
export interface PatternLocation {
  evaluation_results: string;
  indexing_notebook: string;
  inference_notebook: string;
}

/** `<path>/<experiment_id>/rag/{training-status.json, training.log, assets}` as the seed's GET example lays them out. */
export function experimentLocation(resultsPath: string, experimentId: string): ExperimentLocation {
  const path = resultsPath.replace(/\/+$/, '');
  const training = `${path}/${experimentId}`;
  return {
    path,
    training,
    training_status: `${training}/rag/training-status.json`,
    assets_path: `${training}/rag/assets`,
    training_log: `${training}/rag/training.log`,
  };
}

/** `<assets_path>/<pattern name>/{evaluation_results.json, indexing_notebook.ipynb, inference_notebook.ipynb}`. */
export function patternLocation(assetsPath: string, patternName: string): PatternLocation {
  const dir = `${assetsPath}/${patternName}`;
  return {
    evaluation_results: `${dir}/evaluation_results.json`,
    indexing_notebook: `${dir}/indexing_notebook.ipynb`,
    inference_notebook: `${dir}/inference_notebook.ipynb`,
  };
}
