// Every domain event of the platform: its name, its payload type and, for the events a service consumes, the parser
// that checks a received payload once. Apps publish and consume through these; none declares its own.
export * from './model-metrics';
export * from './deployment-replica-events';
export * from './deployment-events';
export * from './taxonomy-events';
export * from './sdg-events';
export * from './training-events';
export * from './evaluation-events';
export * from './documents-events';
