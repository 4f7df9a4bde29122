export const OBJECT_STORE = 'OBJECT_STORE';
export const NATS_CONNECTION = 'NATS_CONNECTION';
export const INFERENCE = 'INFERENCE';
export const TAXONOMY = 'TAXONOMY';
export const EVAL_SETTINGS = 'EVAL_SETTINGS';
export const LOGGER = 'LOGGER';
export const EVALUATION_SCHEMA = 'evaluation';
