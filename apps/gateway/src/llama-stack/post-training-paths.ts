/** The draft writes these two paths with a trailing slash; Nest registers routes without one. */
const DRAFT_SLASHED: ReadonlySet<string> = new Set(['/post_training/supervised_fine_tune/', '/post_training/preference_optimize/']);

/**
 * Fastify's `rewriteUrl`: the draft's `/post_training/supervised_fine_tune/` reaches the route Nest registered as
 * `/post_training/supervised_fine_tune` (both spellings work); every other URL is left as it is.
 */
export function withoutDraftSlash(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return DRAFT_SLASHED.has(path) ? path.slice(0, -1) + (q < 0 ? '' : url.slice(q)) : url;
}
