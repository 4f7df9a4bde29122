export type { ObjectHead, ObjectStore } from './object-store';
export { ObjectNotFoundError, ObjectTooLargeError } from './errors';
export { HEAD_CONCURRENCY, headMany } from './head-many';
export { loadS3Config, type EnvSource, type S3StoreConfig } from './config';
export { S3ObjectStore, createObjectStoreFromEnv, type S3ObjectStoreOptions } from './s3-object-store';
