/**
 * The gateway's input policy: how much of a request it reads and how deep, long and wide a body may be, per class of
 * route. The body parsers (body-parsers.ts) apply it before any validation pipe sees the value, so an oversized or
 * hostile body is a 400 (413 for its size) naming the limit, never a 500 from a library recursing over it.
 * docs/http-input-policy.md is the table for readers; a new route family joins a class by adding a prefix row.
 */
export interface InputLimits {
  /** Which class of routes this is, as the documentation and the error messages name it. */
  name: RouteClass;
  /** Bytes of request body (after content decoding): beyond it, 413. */
  bodyBytes: number;
  /** Nesting of arrays and objects: `{"a":[1]}` is 2 deep. */
  depth: number;
  /** Characters of any one string, object keys included. */
  stringChars: number;
  /** Items of any one array, keys of any one object. */
  collectionItems: number;
  /**
   * The body is not parsed: the route reads it as a stream (any content type), counting `bodyBytes` itself (its
   * setting may lower or raise them). Depth, string and collection limits do not apply.
   */
  raw?: true;
}

export type RouteClass = 'auth' | 'inference' | 'notebook' | 'management' | 'file' | 'dataset' | 'document' | 'events';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Token issuing, answered to anyone: a username and a credential, no more. */
const AUTH: InputLimits = { name: 'auth', bodyBytes: 32 * KiB, depth: 4, stringChars: 4 * KiB, collectionItems: 32 };

/**
 * Model input: prompts and documents are long, chats and batches are many items, tool and response-format schemas
 * nest; the model server's context length is the real bound and is checked by the inference service.
 */
const INFERENCE: InputLimits = { name: 'inference', bodyBytes: 10 * MiB, depth: 64, stringChars: 4 * MiB, collectionItems: 10_000 };

/**
 * Notebooks: a `.ipynb` may come with the request as one string (`content`, at most 3 MiB of UTF-8, held whole by the
 * notebooks service); its outputs (images) make it far larger than a resource description.
 */
const NOTEBOOK: InputLimits = { name: 'notebook', bodyBytes: 4 * MiB, depth: 32, stringChars: 3 * MiB, collectionItems: 1_000 };

/**
 * Files put into a project's or space's storage (`/v2/asset_files`): the raw body streamed to the bucket, never held
 * whole; PLATFORM_ASSET_FILE_MAX_BYTES (default the size here) bounds it.
 */
const FILE: InputLimits = { name: 'file', bodyBytes: 256 * MiB, depth: 0, stringChars: 0, collectionItems: 0, raw: true };

/**
 * Llama Stack datasets and post-training: a dataset's rows may come inline as a `data:` URL (at most 3 MiB, in one
 * gRPC message to the training service); larger sets go through project storage (/v2/asset_files).
 */
const DATASET: InputLimits = { name: 'dataset', bodyBytes: 4 * MiB, depth: 32, stringChars: 3 * MiB, collectionItems: 1_000 };

/**
 * Llama Stack memory bank documents, base64 in a JSON array: one document is at most 3 MiB (4 MiB of base64) and a
 * request's documents at most 3.5 MiB together, decoded, since they travel to the agents service in one gRPC message
 * (memory-banks-request.ts); the routes check both and name the document. The body and string bounds sit above those, so a document
 * just too large is refused by name rather than by the body's size.
 */
const DOCUMENT: InputLimits = { name: 'document', bodyBytes: 6 * MiB, depth: 32, stringChars: 5 * MiB, collectionItems: 1_000 };

/**
 * The event stream (`GET /v1/events`): a long-lived answer to a request without a body; its filters are query
 * parameters (at most 50 types or resource ids each, checked by the route). The smallest class: nothing to read.
 */
const EVENTS: InputLimits = { name: 'events', bodyBytes: 1 * KiB, depth: 1, stringChars: 256, collectionItems: 16 };

/** Everything else: resources described by names, tags, settings and references (the largest field is an SSH key). */
const MANAGEMENT: InputLimits = { name: 'management', bodyBytes: 1 * MiB, depth: 32, stringChars: 64 * KiB, collectionItems: 1_000 };

/** Route prefixes to classes, first match wins; anything unlisted is management. */
const CLASSES: readonly [prefix: string, limits: InputLimits][] = [
  ['/icp4d-api/v1/authorize', AUTH],
  ['/identity/token', AUTH],
  // Jobs over documents already in the container's storage: references and settings, not model input.
  ['/ml/v1/text/extractions', MANAGEMENT],
  ['/ml/v1/autoai/rags', MANAGEMENT],
  ['/ml/v1/text', INFERENCE],
  ['/ml/v1/deployments', INFERENCE],
  ['/openai/v1', INFERENCE],
  ['/inference', INFERENCE],
  ['/agentic_system/execute', INFERENCE],
  ['/reward_scoring', INFERENCE],
  ['/synthetic_data_generation', INFERENCE],
  ['/v2/notebooks', NOTEBOOK],
  ['/v2/asset_files', FILE],
  ['/datasets', DATASET],
  ['/post_training', DATASET],
  ['/memory_banks', DOCUMENT],
  ['/memory_bank', DOCUMENT],
  ['/v1/events', EVENTS],
];

/** The limits of the route serving `url` (a route template or a request URL; the query is ignored). */
export function inputLimitsOf(url: string): InputLimits {
  const path = url.split('?', 1)[0];
  return CLASSES.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`))?.[1] ?? MANAGEMENT;
}

/** Every class, for the documentation check and the body parsers' upper bound. */
export const ROUTE_CLASSES: readonly InputLimits[] = [AUTH, INFERENCE, MANAGEMENT, NOTEBOOK, FILE, DATASET, DOCUMENT, EVENTS];

/** The raw-body class's defaults (the asset files route applies its own setting). */
export const FILE_LIMITS: InputLimits = FILE;

/** The largest body any parser reads into memory: what a parser reads before it knows better (raw bodies stream). */
export const MAX_BODY_BYTES = Math.max(...ROUTE_CLASSES.filter((c) => !c.raw).map((c) => c.bodyBytes));

/**
 * Characters of one path parameter (ids are 36, names and serving names far shorter): longer is a 414 in the envelope.
 */
export const MAX_PATH_PARAM_CHARS = 256;

/** Characters of one query parameter value (page tokens are at most 512). */
export const MAX_QUERY_VALUE_CHARS = 2 * KiB;

/**
 * The request line and headers together, Node's own default, stated here so the policy is in one place: beyond it, a
 * 431 in the envelope.
 */
export const MAX_HEADER_BYTES = 16 * KiB;

/** `1 MiB`, `16 KiB`: how the messages and the documentation write a size. */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} bytes`;
}
