export const OBJECT_STORE = 'OBJECT_STORE';
export const NATS_CONNECTION = 'NATS_CONNECTION';
export const TAXONOMY_CLIENT = 'TAXONOMY_CLIENT';
export const INFERENCE_CLIENT = 'INFERENCE_CLIENT';
export const RUN_SDG = 'RUN_SDG';
export const SDG_QUEUE = 'SDG_QUEUE';
export const LOGGER = 'LOGGER';
