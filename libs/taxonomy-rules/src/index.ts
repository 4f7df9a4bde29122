// The rules a qna.yaml must follow, as the taxonomy service applies them; browser-safe (no Node modules) so the
// console checks a leaf being written by the very same rules.
export { validateLeaf, validateLeafText } from './validate-leaf';
export { LEAF_ROOTS, misnamedLeafIssues } from './leaf-names';
export { byFileThenLine, describeIssue, type LeafIssue, type FileIssue } from './leaf-issue';
export { MAX_YAML_ALIASES, scanAliases, type AliasScan } from './yaml-aliases';
export type { LeafKind } from './schema/select-schema';
export { packTar, type TarFile } from './pack-tar';
