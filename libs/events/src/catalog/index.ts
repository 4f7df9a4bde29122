export * from './deployment-replica-events';
export * from './training-events';
export * from './evaluation-events';
