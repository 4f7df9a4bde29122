// The platform's public REST response shapes, declared once: the gateway's views return them, the CLI reads them.
export * from './jobs';
export * from './model-metrics';
export * from './resources';
export * from './deployments';
export * from './notebooks';
export * from './asset-files';
export * from './tunings';
export * from './documents';
export * from './events';
export * from './prompts';
export * from './text';
export * from './access';
