/**
 * The seed's name rule for taxonomies, data and model jobs (`INSTRUCTLAB_NAME` in @platform/common, which the
 * console may not import): 1-32 characters, ^[a-zA-Z0-9]([_-]?[a-zA-Z0-9]+)*$, written here in its linear-time form
 * (letters and digits with single - or _ between them): the seed's backtracks for seconds on a near-miss.
 */
export const INSTRUCTLAB_NAME_PATTERN = /^[a-zA-Z0-9]+(?:[_-][a-zA-Z0-9]+)*$/;
export const MAX_TAXONOMY_NAME = 32;

/**
 * Why `name` would be refused, or null when the API takes it. `taken`: the project's taxonomy names (a second one is a
 * 409, and its upload would have replaced the first one's archive in the project's storage first).
 */
export function taxonomyNameProblem(name: string, taken: ReadonlySet<string> = new Set()): string | null {
  if (name === '') return 'A name is required.';
  if (taken.has(name)) return `A taxonomy named ${name} already exists in this project.`;
  if (name.length > MAX_TAXONOMY_NAME) return `At most ${MAX_TAXONOMY_NAME} characters (${name.length} now).`;
  if (!INSTRUCTLAB_NAME_PATTERN.test(name)) return 'Letters and digits, with single - or _ between them.';
  return null;
}

/**
 * Where the console puts a taxonomy's archive in the project's storage (`/v2/asset_files/{path}`) and the bucket key
 * the taxonomy is then created from: `taxonomy_path_cos` may be at most 100 characters, and
 * `projects/<id>/assets/taxonomies/<32-character name>.tgz` is exactly that.
 */
export function archiveLocation(projectId: string, name: string): { path: string; key: string } {
  const path = `taxonomies/${name}.tgz`;
  return { path, key: `projects/${projectId}/assets/${path}` };
}
