import { LEAF_ROOTS } from '@platform/taxonomy-rules';

const LEAF_FILE = 'qna.yaml';

/** True for paths (relative to the taxonomy root) inside knowledge/ or compositional_skills/. */
export function underLeafRoot(path: string): boolean {
  return LEAF_ROOTS.some((root) => path.startsWith(`${root}/`));
}

/**
 * `tar czf t.tgz taxonomy/` (and GitHub's tarballs) put everything under one folder. When every file sits
 * under a single top-level folder, and the taxonomy folders are inside it rather than at the top, that
 * folder is the wrapper to strip. Returns it (without slash), or null when paths are already root-relative.
 */
export function findWrapperFolder(paths: Iterable<string>): string | null {
  let wrapper: string | null = null;
  let sawTaxonomy = false;
  for (const path of paths) {
    if (underLeafRoot(path)) return null;
    const slash = path.indexOf('/');
    if (slash < 0) return null; // a file at the top level: there is no single wrapping folder
    const first = path.slice(0, slash);
    if (wrapper !== null && wrapper !== first) return null;
    wrapper = first;
    sawTaxonomy ||= underLeafRoot(path.slice(slash + 1));
  }
  return sawTaxonomy ? wrapper : null;
}

/** Paths of the qna.yaml files under the leaf roots, sorted so results are stable across archive orderings. */
export function findLeaves(paths: Iterable<string>): string[] {
  const leaves: string[] = [];
  for (const path of paths) {
    if (underLeafRoot(path) && path.endsWith(`/${LEAF_FILE}`)) leaves.push(path);
  }
  return leaves.sort();
}
