import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ExtractionSettings } from './extraction-settings';

/** The job runner's status (see @platform/jobs); the API's status is `state`. */
export type ExtractionJobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'canceled';

/** The seed's `results.status`, in the order a job goes through them. */
export const EXTRACTION_STATES = ['submitted', 'uploading', 'running', 'downloading', 'downloaded', 'completed', 'failed'] as const;
export type ExtractionState = (typeof EXTRACTION_STATES)[number];

/** One text extraction job: what was asked, where it reads and writes, how far it got. */
@Entity({ name: 'text_extractions' })
export class ExtractionEntity {
  @PrimaryColumn('uuid') id!: string;
  /** Exactly one of project_id and space_id is set. */
  @Column({ name: 'project_id', type: 'uuid', nullable: true }) projectId!: string | null;
  @Column({ name: 'space_id', type: 'uuid', nullable: true }) spaceId!: string | null;
  @Column({ type: 'text', default: '' }) name!: string;
  @Column({ name: 'created_by', type: 'text', default: '' }) createdBy!: string;
  /** The request's entity fields as given (document_reference, results_reference, steps, parameters …). */
  @Column({ type: 'jsonb' }) request!: Record<string, unknown>;
  /** The document's bucket key, inside the container's storage. */
  @Column({ name: 'document_key', type: 'text' }) documentKey!: string;
  /** The results' bucket key: a file for one output, a directory prefix (ending in "/") for several. */
  @Column({ name: 'results_key', type: 'text' }) resultsKey!: string;
  /** The request's settings, checked and with their defaults. */
  @Column({ type: 'jsonb' }) settings!: ExtractionSettings;
  @Column({ type: 'text' }) status!: ExtractionJobStatus;
  @Column({ type: 'text' }) state!: ExtractionState;
  @Column({ name: 'pages_processed', type: 'int', default: 0 }) pagesProcessed!: number;
  @Column({ name: 'total_pages', type: 'int', default: 0 }) totalPages!: number;
  /** Set when failed: an extraction error code, `canceled`, or `extraction_failed` for anything else. */
  @Column({ name: 'error_code', type: 'text', default: '' }) errorCode!: string;
  @Column({ name: 'failure_reason', type: 'text', default: '' }) failureReason!: string;
  /** Every key a run may have written (recorded before the write): what a cancel, a failure or a resume deletes. */
  @Column({ name: 'written_keys', type: 'jsonb', default: () => "'[]'" }) writtenKeys!: string[];
  /** The results' paths relative to the container's storage, once completed. */
  @Column({ type: 'jsonb', default: () => "'[]'" }) locations!: string[];
  @Column({ type: 'int', default: 0 }) attempts!: number;
  /** The worker running the job and until when its claim holds without a heartbeat (see @platform/jobs). */
  @Column({ name: 'lease_owner', type: 'text', nullable: true }) leaseOwner!: string | null;
  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true }) leaseExpiresAt!: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
  @Column({ name: 'running_at', type: 'timestamptz', nullable: true }) runningAt!: Date | null;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt!: Date | null;
}
