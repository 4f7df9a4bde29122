export * from './tokens';
export * from './connections-config';
export * from './platform-service.module';
export * from './service-main';
