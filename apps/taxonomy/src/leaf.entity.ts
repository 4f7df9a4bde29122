import { Column, Entity, PrimaryColumn } from 'typeorm';

export type StoredLeafKind = 'knowledge' | 'freeform_skill' | 'grounded_skill';

/** One stored document of a knowledge leaf: the extracted text lives in the bucket under `objectKey`. */
export interface StoredLeafDocument {
  sourcePath: string;
  objectKey: string;
  sizeBytes: number;
}

/**
 * A validated leaf as it was at create time. The qna.yaml text is kept here, not re-read from the tarball,
 * so the content served to SDG and evaluation is the content that was validated even if the upload is
 * later overwritten in the bucket.
 */
@Entity({ name: 'taxonomy_leaves' })
export class TaxonomyLeafEntity {
  @PrimaryColumn({ name: 'taxonomy_id', type: 'uuid' }) taxonomyId!: string;
  @PrimaryColumn({ type: 'text' }) path!: string;
  @Column({ type: 'text' }) kind!: StoredLeafKind;
  @Column({ name: 'qna_yaml', type: 'text' }) qnaYaml!: string;
  @Column({ type: 'jsonb' }) documents!: StoredLeafDocument[];
}
