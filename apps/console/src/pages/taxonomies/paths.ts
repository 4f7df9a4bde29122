/** The taxonomies area's pages under /ui/taxonomies, for links. */
export const TAXONOMIES_PATH = '/taxonomies';
export const NEW_LEAF_PATH = `${TAXONOMIES_PATH}/new-leaf`;
export const taxonomyPath = (id: string) => `${TAXONOMIES_PATH}/${id}`;
