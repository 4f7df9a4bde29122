// The documents service's watsonx.ai resources (seed 001: /ml/v1/text/extractions, /ml/v1/autoai/rags) as the gateway
// answers them; the official SDK's TextExtractionResource / TextExtractionResources, and the AutoAI RAG run.
import type { ResourceMetadataJson } from './deployments';
import type { EnvelopeError, ErrorEnvelope } from './resources';
import type { DataReferenceJson } from './tunings';

export type TextExtractionStatus = 'submitted' | 'uploading' | 'running' | 'downloading' | 'downloaded' | 'completed' | 'failed';

/** A text extraction's metadata: its id, when it was created, its one container, and a name when one was given. */
export interface TextExtractionMetadataJson {
  id: string;
  created_at: string;
  project_id?: string;
  space_id?: string;
  name?: string;
}

export interface TextExtractionResultsJson {
  status: TextExtractionStatus;
  number_pages_processed: number;
  /** Once the document has been read. */
  total_pages?: number;
  running_at?: string;
  completed_at?: string;
  /** Set when failed (`canceled` when a delete stopped it). */
  error?: { code: string; message: string };
  /** Platform extension: the files written, as paths in the container's storage, once completed. */
  locations?: string[];
}

export interface TextExtractionJson {
  metadata: TextExtractionMetadataJson;
  /** The request's fields as given (document_reference … custom) and the job's `results`. */
  entity: {
    document_reference: DataReferenceJson;
    results_reference: DataReferenceJson;
    steps?: Record<string, unknown>;
    assembly_json?: Record<string, unknown>;
    assembly_md?: Record<string, unknown>;
    parameters?: Record<string, unknown>;
    custom?: Record<string, unknown>;
    results: TextExtractionResultsJson;
  };
}

export interface TextExtractionListJson {
  limit: number;
  first: { href: string };
  next?: { href: string; start: string };
  total_count?: number;
  resources: TextExtractionJson[];
}

export type AutoAiRagState = 'pending' | 'running' | 'completed' | 'failed' | 'canceled';

/** The seed's `entity.status` of an AutoAI RAG run. */
export interface AutoAiRagStatusJson {
  state: AutoAiRagState;
  /** The composition step in progress: chunking | embeddings | vector_store | retrieval | generation | evaluation. */
  step?: string;
  message?: { level: string; text: string };
  running_at?: string;
  completed_at?: string;
  /** The envelope's shape, its entries without more_info and target, when failed. */
  failure?: Omit<ErrorEnvelope, 'errors'> & { errors: Pick<EnvelopeError, 'code' | 'message'>[] };
}

/** One metric of a pattern over the test questions: its mean and 95% confidence interval. */
export interface RagMetricJson {
  metric_name: string;
  mean: number;
  ci_high: number;
  ci_low: number;
}

/** One evaluated pattern, as the seed's `entity.results[]`. */
export interface RagPatternResultJson {
  metrics: { test_data: RagMetricJson[] };
  context: {
    rag_pattern: {
      composition_steps: string[];
      location: { evaluation_results: string; indexing_notebook: string; inference_notebook: string };
      name: string;
      settings: Record<string, unknown>;
    };
    iteration: number;
    max_combinations: number;
  };
}

export interface AutoAiRagJson {
  metadata: ResourceMetadataJson;
  entity: {
    input_data_references: DataReferenceJson[];
    test_data_references: DataReferenceJson[];
    vector_store_references?: DataReferenceJson[];
    /** With the run's paths filled in (training, training_status, assets_path, training_log). */
    results_reference: DataReferenceJson;
    parameters?: Record<string, unknown>;
    hardware_spec?: Record<string, unknown>;
    custom?: Record<string, unknown>;
    /** Best first; empty until a pattern has been evaluated. */
    results: RagPatternResultJson[];
    status: AutoAiRagStatusJson;
  };
}

export interface AutoAiRagListJson {
  limit: number;
  first: { href: string };
  next?: { href: string; start: string };
  total_count?: number;
  resources: AutoAiRagJson[];
}
