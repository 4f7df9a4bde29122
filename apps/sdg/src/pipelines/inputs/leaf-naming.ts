import { taxonomyV1 } from '@platform/contracts';

/** `knowledge/science/astronomy/sun/qna.yaml` → `knowledge/science/astronomy/sun`. */
export function leafDir(path: string): string {
  return path.replace(/\/?qna\.yaml$/, '');
}

/** The file-safe leaf name used in the bucket: the leaf's directory with `/` → `_`. */
export function leafSlug(path: string): string {
  return leafDir(path).split('/').join('_');
}

/** InstructLab's leaf id, parent directories joined by `->`. */
export function taxonomyPath(path: string): string {
  return leafDir(path).split('/').join('->');
}

export type LeafNodeType = 'knowledge' | 'freeform_skill' | 'grounded_skill';

export function leafNodeType(kind: taxonomyV1.LeafKind): LeafNodeType {
  switch (kind) {
    case taxonomyV1.LeafKind.LEAF_KIND_KNOWLEDGE:
      return 'knowledge';
    case taxonomyV1.LeafKind.LEAF_KIND_GROUNDED_SKILL:
      return 'grounded_skill';
    case taxonomyV1.LeafKind.LEAF_KIND_FREEFORM_SKILL:
      return 'freeform_skill';
    default:
      throw new Error(`leaf kind ${String(kind)} cannot be generated`);
  }
}
