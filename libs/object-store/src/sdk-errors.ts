/**
 * S3 reports a missing object as `NoSuchKey` when a body can carry the code (GET) and as a bare 404
 * `NotFound` when it cannot (HEAD); both mean the same thing to callers.
 */
export function isMissingObjectError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const name = (err as { name?: unknown }).name;
  if (name === 'NoSuchKey' || name === 'NotFound') return true;
  // Some S3-compatible servers send a 404 with an empty or unfamiliar code; a 404 on a key is still a miss.
  const status = (err as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  return status === 404 && name !== 'NoSuchBucket';
}
