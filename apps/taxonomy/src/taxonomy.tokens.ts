export const OBJECT_STORE = 'OBJECT_STORE';
export const NATS_CONNECTION = 'NATS_CONNECTION';
export const STORE_LOCATION = 'STORE_LOCATION';

/** The bucket and endpoint reported back as `cos_bucket_information`. */
export interface StoreLocation {
  bucket: string;
  endpoint: string;
}
