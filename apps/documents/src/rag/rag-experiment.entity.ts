import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RagParameters, RagQuestion } from './evaluation';

/** The job runner's status (see @platform/jobs); the API's is `state`. */
export type RagJobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'canceled';

/** The seed's `status.state`. */
export const RAG_STATES = ['pending', 'running', 'completed', 'failed', 'canceled'] as const;
export type RagState = (typeof RAG_STATES)[number];

/** One input document: its bucket key and its id (the file name, what test questions name). */
export interface RagInputDocument {
  key: string;
  documentId: string;
}

/**
 * One chunking × embedding index of the experiment: a collection of @platform/retrieval, in the vector table keyed by
 * `vectorKey` (the container and the embedding's dimension, so models of different widths never share a table).
 */
export interface RagIndexRecord {
  collection: string;
  vectorKey: string;
  embeddingModel: string;
  chunking: { method: 'recursive'; chunk_size: number; chunk_overlap: number };
}

/** One AutoAI RAG experiment: what was asked, its checked inputs, how far it got, and what it wrote. */
@Entity({ name: 'rag_experiments' })
export class RagExperimentEntity {
  @PrimaryColumn('uuid') id!: string;
  /** Exactly one of project_id and space_id is set. */
  @Column({ name: 'project_id', type: 'uuid', nullable: true }) projectId!: string | null;
  @Column({ name: 'space_id', type: 'uuid', nullable: true }) spaceId!: string | null;
  @Column({ type: 'text', default: '' }) name!: string;
  @Column({ type: 'text', default: '' }) description!: string;
  @Column({ type: 'jsonb', default: () => "'[]'" }) tags!: string[];
  @Column({ name: 'created_by', type: 'text', default: '' }) createdBy!: string;
  /** The request's entity fields as given, results_reference's location filled in with the experiment's paths. */
  @Column({ type: 'jsonb' }) request!: Record<string, unknown>;
  /** `parameters` checked, with their defaults. */
  @Column({ type: 'jsonb' }) parameters!: RagParameters;
  @Column({ type: 'jsonb' }) documents!: RagInputDocument[];
  /** The test questions, read and checked at create. */
  @Column({ type: 'jsonb' }) questions!: RagQuestion[];
  /** Bucket key of the experiment's own directory: `<results path>/<id>/`. */
  @Column({ name: 'results_key', type: 'text' }) resultsKey!: string;
  @Column({ type: 'text' }) status!: RagJobStatus;
  @Column({ type: 'text' }) state!: RagState;
  @Column({ type: 'text', default: '' }) step!: string;
  @Column({ name: 'message_level', type: 'text', default: 'info' }) messageLevel!: string;
  @Column({ name: 'message_text', type: 'text', default: '' }) messageText!: string;
  @Column({ name: 'failure_code', type: 'text', default: '' }) failureCode!: string;
  @Column({ name: 'failure_reason', type: 'text', default: '' }) failureReason!: string;
  /** The seed's `results[]`: evaluated patterns, best first. */
  @Column({ type: 'jsonb', default: () => "'[]'" }) results!: unknown[];
  /** Pattern files a run may have written (recorded before the write): what a failure, a cancel or a resume deletes. */
  @Column({ name: 'written_keys', type: 'jsonb', default: () => "'[]'" }) writtenKeys!: string[];
  /** Indexes a run may have written (recorded before the write); the deployed patterns' retrieval reads them. */
  @Column({ type: 'jsonb', default: () => "'[]'" }) indexes!: RagIndexRecord[];
  @Column({ type: 'int', default: 0 }) attempts!: number;
  @Column({ name: 'lease_owner', type: 'text', nullable: true }) leaseOwner!: string | null;
  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true }) leaseExpiresAt!: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
  @Column({ name: 'running_at', type: 'timestamptz', nullable: true }) runningAt!: Date | null;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt!: Date | null;
}
