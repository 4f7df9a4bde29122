export * from './health';
export * from './ports';
export * from './postgres-server';
export * from './nats-server';
export * from './s3-server';
