/** The bucket key of one output file of a job: `data/<jobId>/<relativeKey>`, never outside that folder. */
export function outputKey(jobId: string, relativeKey: string): string {
  const parts = relativeKey.split('/');
  if (relativeKey.length === 0 || relativeKey.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`invalid output key "${relativeKey}"`);
  }
  return `${dataPrefix(jobId)}${relativeKey}`;
}

export const dataPrefix = (jobId: string) => `data/${jobId}/`;
