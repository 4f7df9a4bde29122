import type { DocumentLimits } from './documents';

export const STORE_LOCATION = 'STORE_LOCATION';
export const DOCUMENT_POLICY = 'DOCUMENT_POLICY';

/** The bucket and endpoint reported back as `cos_bucket_information`. */
export interface StoreLocation {
  bucket: string;
  endpoint: string;
}

/** How knowledge documents may be fetched (PLATFORM_ALLOW_PRIVATE_GIT, PLATFORM_GIT_CA_FILE and the size and time limits). */
export interface DocumentPolicy {
  allowPrivate: boolean;
  caFile?: string;
  limits: DocumentLimits;
}
