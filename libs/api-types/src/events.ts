/**
 * One event of the public job event stream `GET /v1/events` (server-sent events; envelope version 1, the payloads of
 * each type in /asyncapi.json). `id` is the JetStream stream sequence of the event: stable, increasing, what a client
 * sends back as `Last-Event-ID` to resume after it.
 */
export interface PublicEvent {
  id: string;
  /** e.g. `sdg.job.progress` */
  type: string;
  /** The version of this type's `data`. */
  version: number;
  occurred_at: string;
  /** Exactly one of project_id and space_id: the container the stream was opened for. */
  project_id?: string;
  space_id?: string;
  resource_type: 'taxonomy' | 'data' | 'model' | 'deployment' | 'extraction' | 'rag_experiment';
  resource_id: string;
  data: Record<string, unknown>;
}
