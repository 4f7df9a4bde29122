import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type SecretType = 'username_password' | 'arbitrary';

/** A stored secret; `value_*` hold the AES-256-GCM sealed JSON of its value and are never read back out. */
@Entity({ name: 'secrets' })
export class SecretEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'project_id', type: 'uuid' }) projectId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'secret_type', type: 'text' }) secretType!: SecretType;
  @Column({ type: 'text' }) description!: string;
  @Column({ name: 'value_iv', type: 'bytea' }) valueIv!: Buffer;
  @Column({ name: 'value_tag', type: 'bytea' }) valueTag!: Buffer;
  @Column({ name: 'value_ciphertext', type: 'bytea' }) valueCiphertext!: Buffer;
  /** Where the value may be sent (canonical `allowed_urls` entries); part of the sealed value's additional data. */
  @Column({ name: 'allowed_urls', type: 'text', array: true }) allowedUrls!: string[];
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
