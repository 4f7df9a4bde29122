export const INFERENCE = 'INFERENCE';
export const TAXONOMY = 'TAXONOMY';
export const EVAL_SETTINGS = 'EVAL_SETTINGS';
export const EVALUATION_SCHEMA = 'evaluation';
export const DEPLOYMENTS = 'DEPLOYMENTS';
