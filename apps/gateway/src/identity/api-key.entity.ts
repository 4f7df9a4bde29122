import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** API keys are random 256-bit secrets, so a SHA-256 digest is enough to store them (no slow hash needed). */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'user_id', type: 'uuid' }) userId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'key_digest', type: 'text', unique: true }) keyDigest!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
