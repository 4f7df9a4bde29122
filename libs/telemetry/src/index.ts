export * from './transaction';
export * from './tracing-config';
export * from './tracing';
export * from './spans';
export * from './propagation';
export * from './http-server-spans';
export * from './http-client-spans';
export * from './messaging-spans';
