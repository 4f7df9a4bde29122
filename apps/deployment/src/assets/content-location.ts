import { PlatformError } from '@platform/common';
import { asDirectory, bucketPathProblem, MAX_CONTENT_PATH_CHARS } from './bucket-path';

/**
 * Prefixes the platform's own jobs write (another project's training results, data runs, taxonomies): a content
 * location may not name them, or a member of one project could serve another's weights. A training's result is
 * named by `training_id`, which the training service answers only in the training's own project.
 */
export const RESERVED_PREFIXES = ['trained_models/', 'data/', 'taxonomies/', 'taxonomy/', 'node_datasets/'];

export interface ContentLocation {
  /** The directory prefix in the platform's bucket, ending with "/". */
  prefix: string;
  /** The request's object as given, kept with the asset. */
  json: Record<string, unknown>;
}

const invalid = (message: string, field: string) => PlatformError.invalid(message, field);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `content_location` (`{type, location: {path} | {bucket, path}, contents}`) as a prefix of the platform's bucket,
 * the only storage a model asset here can name: another bucket or a connection is a 400 naming the field.
 */
export function readContentLocation(raw: string, platformBucket: string): ContentLocation {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw invalid('content_location must be a JSON object.', 'content_location');
  }
  if (!isObject(json)) throw invalid('content_location must be a JSON object.', 'content_location');
  if (json.connection !== undefined && !(isObject(json.connection) && Object.keys(json.connection).length === 0))
    throw invalid(
      `content_location.connection is not supported: the content must be in the platform's bucket ${platformBucket}.`,
      'content_location.connection',
    );
  const location = json.location;
  if (!isObject(location)) throw invalid('content_location.location must be an object with a path.', 'content_location.location');
  if (location.bucket !== undefined && location.bucket !== platformBucket)
    throw invalid(
      `content_location.location.bucket must be the platform's bucket ${platformBucket} (or be left out).`,
      'content_location.location.bucket',
    );
  const path = location.path;
  if (typeof path !== 'string') throw invalid('content_location.location.path must be a string.', 'content_location.location.path');
  const dir = path.endsWith('/') ? path.slice(0, -1) : path;
  const problem = bucketPathProblem(dir, MAX_CONTENT_PATH_CHARS);
  if (problem) throw invalid(`content_location.location.path ${problem}.`, 'content_location.location.path');
  const prefix = asDirectory(dir);
  const reserved = RESERVED_PREFIXES.find((p) => prefix.startsWith(p));
  if (reserved)
    throw invalid(
      `content_location.location.path may not be under ${reserved}, which holds the platform's own job results; name a training's model with training_id.`,
      'content_location.location.path',
    );
  return { prefix, json };
}
