import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'audit_events' })
export class AuditEventEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  /** Set by the database (clock_timestamp()), so events of one transaction keep their order. */
  @Column({ name: 'created_at', type: 'timestamptz', insert: false }) createdAt!: Date;
  @Column({ type: 'text' }) action!: string;
  @Column({ name: 'actor_id', type: 'uuid', nullable: true }) actorId!: string | null;
  @Column({ name: 'actor_name', type: 'text', nullable: true }) actorName!: string | null;
  @Column({ name: 'client_address', type: 'text', nullable: true }) clientAddress!: string | null;
  @Column({ name: 'target_type', type: 'text', nullable: true }) targetType!: string | null;
  @Column({ name: 'target_id', type: 'text', nullable: true }) targetId!: string | null;
  @Column({ name: 'target_name', type: 'text', nullable: true }) targetName!: string | null;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ type: 'jsonb' }) details!: Record<string, AuditDetail>;
  @Column({ type: 'text', nullable: true }) trace!: string | null;
}

/** Details are flat and scalar: names, ids, roles, counts. Never a password, key or secret value. */
export type AuditDetail = string | number | boolean | null;
