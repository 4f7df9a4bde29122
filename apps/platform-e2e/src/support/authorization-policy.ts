/**
 * The roles the authorization matrix calls every route as, the outcomes each role may get, and the shape of a row of
 * the table (authorization-table.ts).
 *
 * The policy (apps/gateway/src/auth, apps/gateway/src/access): no bearer token is 401 except on @Public() routes; a
 * project or space route answers a non-member 403, and a member whose role is below the operation's (viewers writing,
 * editors managing members or deleting the container) 403; platform admins act as admins everywhere. "allowed" means
 * authorization let the request through: any answer but 401 or 403 (a 404 for an id of nothing, a 400 from the
 * service, a success); the matrix also holds allowed answers to < 500.
 */
export const ROLES = ['anonymous', 'nonMember', 'viewer', 'editor', 'admin', 'platformAdmin'] as const;
export type Role = (typeof ROLES)[number];
export type Outcome = 401 | 403 | 'allowed';
export type Expectation = Record<Role, Outcome>;

const A = 'allowed';
/** Token issuing and health. */
export const PUBLIC: Expectation = { anonymous: A, nonMember: A, viewer: A, editor: A, admin: A, platformAdmin: A };
/** Any signed-in user, on their own things (their keys, their projects list, the model catalog). */
export const SIGNED_IN: Expectation = { anonymous: 401, nonMember: A, viewer: A, editor: A, admin: A, platformAdmin: A };
export const PLATFORM_ADMIN: Expectation = { anonymous: 401, nonMember: 403, viewer: 403, editor: 403, admin: 403, platformAdmin: A };
/** Reads in a project or space, and inference in one. */
export const VIEWER: Expectation = { anonymous: 401, nonMember: 403, viewer: A, editor: A, admin: A, platformAdmin: A };
export const EDITOR: Expectation = { anonymous: 401, nonMember: 403, viewer: 403, editor: A, admin: A, platformAdmin: A };
export const ADMIN: Expectation = { anonymous: 401, nonMember: 403, viewer: 403, editor: 403, admin: A, platformAdmin: A };

/** What a row's request may use: the fixtures the matrix made through the API. */
export interface MatrixContext {
  /** The project and space every role is a member of (as its role); a fresh one for rows marked `fresh`. */
  project: string;
  space: string;
  /** A well-formed id that names nothing (allowed roles get 404). */
  absentId: string;
  /** A member of the project and space that member-changing rows add, change and remove (never a role's user). */
  bystander: string;
  /** A user's credentials and API key, for the token routes. */
  login: { username: string; password: string };
  apiKey: string;
  /** The served model (watsonx and OpenAI names) and the Llama Stack draft's names for it. */
  model: string;
  /** A new name each call (users, keys and secrets must not collide). */
  unique(prefix: string): string;
}

export interface MatrixRequest {
  /** Path parameters by name; unnamed ones default to the container of the path, or `absentId`. */
  params?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface MatrixRow {
  expect: Expectation;
  /** A request that passes validation, so authorization decides (validation runs first on body routes). */
  request?: (ctx: MatrixContext) => MatrixRequest;
  /** The operation deletes its project or space: each role gets a fresh one, with the same members. */
  fresh?: 'project' | 'space';
}
