export * from './tokens';
export * from './connections-config';
export * from './nats-connection';
export * from './platform-service.module';
export * from './service-main';
