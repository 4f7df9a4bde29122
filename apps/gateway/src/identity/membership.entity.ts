import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type MemberRole = 'viewer' | 'editor' | 'admin';
export const MEMBER_ROLES: readonly MemberRole[] = ['viewer', 'editor', 'admin'];

@Entity({ name: 'memberships' })
export class MembershipEntity {
  @PrimaryColumn({ name: 'container_id', type: 'uuid' }) containerId!: string;
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId!: string;
  @Column({ type: 'text' }) role!: MemberRole;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
