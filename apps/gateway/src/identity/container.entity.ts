import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Projects and deployment spaces share one shape: a named container of resources with role-based members. */
export type ContainerKind = 'project' | 'space';

@Entity({ name: 'containers' })
export class ContainerEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'text' }) kind!: ContainerKind;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', default: '' }) description!: string;
  @Column({ type: 'jsonb', default: () => "'[]'" }) tags!: string[];
  @Column({ type: 'jsonb', default: () => "'{}'" }) extra!: Record<string, unknown>;
  @Column({ name: 'creator_id', type: 'uuid' }) creatorId!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
