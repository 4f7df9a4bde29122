import { PlatformError, storagePathProblem } from '@platform/common';

/**
 * The bucket key of `path` inside a model job's own objects (`outputPrefix`, the job's `trained_models/<id>/`): a 400
 * naming `path` when it is empty, a directory, or could climb out of the prefix (`..`, empty segments, odd characters).
 */
export function artifactKey(outputPrefix: string, path: string): string {
  if (path === '' || path.endsWith('/')) throw PlatformError.invalid('path must name a file of the model job, not a directory.', 'path');
  const problem = storagePathProblem(path);
  if (problem) throw PlatformError.invalid(`path ${problem}.`, 'path');
  return outputPrefix + path;
}

/** A download's Content-Disposition: the file's last segment, ASCII-safe plus its UTF-8 form (RFC 6266 / 5987). */
export function attachmentDisposition(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
