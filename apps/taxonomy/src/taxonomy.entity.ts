import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'taxonomies' })
export class TaxonomyEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'project_id', type: 'uuid' }) projectId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'taxonomy_path_cos', type: 'text' }) taxonomyPathCos!: string;
  @Column({ type: 'text' }) bucket!: string;
  @Column({ type: 'text' }) endpoint!: string;
  @Column({ name: 'secrets_manager_url', type: 'text', nullable: true }) secretsManagerUrl!: string | null;
  @Column({ name: 'secrets_manager_git_id', type: 'text', nullable: true }) secretsManagerGitId!: string | null;
  // bigint arrives from pg as a string; token counts stay far below 2^53, so reading it as a number is exact.
  @Column({ name: 'data_tokens_estimated', type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  dataTokensEstimated!: number;
  /** Leaf qna.yaml path → its token estimate; the SDG service reads the leaves through this service. */
  @Column({ type: 'jsonb' }) leaves!: Record<string, number>;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
