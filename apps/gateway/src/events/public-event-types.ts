import type {
  DeploymentEvents,
  DocumentsEvents,
  EvaluationEvents,
  ReplicaEvents,
  SdgEvents,
  SdgLeafProgress,
  TaxonomyEvents,
  TrainingEvents,
} from '@platform/events';
import type { PublicEvent } from '@platform/api-types';
import { count, obj, scores, str, type JsonSchema } from './json-schema';
import { leafProgressView } from '../data/data-view';

/**
 * Which domain events of the catalog (libs/events/src/catalog) the public stream `GET /v1/events` carries, and as
 * what: an allowlist of payload fields renamed to the public API's snake_case, so a field added to an internal payload
 * stays internal until it is listed here. The AsyncAPI document (/asyncapi.json) is generated from this table, so the
 * documented payloads are the delivered ones.
 *
 * Versioning: `version` is per event type. Adding an optional field keeps it; renaming, removing or retyping a public
 * field is a new version (and a row in docs/events.md's history).
 */
export type CatalogEvents = TaxonomyEvents &
  SdgEvents &
  TrainingEvents &
  EvaluationEvents &
  DeploymentEvents &
  ReplicaEvents &
  DocumentsEvents;
export type CatalogEventType = keyof CatalogEvents & string;

export interface PublicField {
  /** Its name in the public event's `data`. */
  name: string;
  schema: JsonSchema;
  optional?: true;
  /** Where the internal value has another shape (checkpoint references): its schema and the public view of it. */
  internal?: JsonSchema;
  view?: (value: unknown) => unknown;
}

/** What names the container of an event: `projectId` (a space's id for space tunings) or exactly one of both. */
export type ContainerKeys = 'projectId' | 'projectId|spaceId';

export interface PublicEventType {
  type: CatalogEventType;
  version: number;
  summary: string;
  /** The kind of resource `resource_id` names. */
  resourceType: PublicEvent['resource_type'];
  /** The internal payload's key holding the resource id. */
  resourceKey: string;
  container: ContainerKeys;
  /** Internal payload key → public field: every field the public event carries besides the envelope's. */
  fields: Record<string, PublicField>;
  /** Internal payload fields kept off the public stream (storage locations of other systems), for the NATS document. */
  internalOnly?: Record<string, JsonSchema>;
}

const PATH = str('Where it lies in the project storage (`trained_models/<model_id>/artifacts/phase<p>/epoch-<e>/`).');
const CHECKPOINT_PUBLIC = obj({ phase: count('Training phase (1 knowledge, 2 skills).'), epoch: count('Epoch.'), path: PATH }, [
  'phase',
  'epoch',
  'path',
]);
const CHECKPOINT_INTERNAL = obj({ phase: count('Training phase.'), epoch: count('Epoch.'), objectPrefix: PATH }, [
  'phase',
  'epoch',
  'objectPrefix',
]);
const checkpointView = (v: unknown) => {
  const c = v as { phase: number; epoch: number; objectPrefix: string };
  return { phase: c.phase, epoch: c.epoch, path: c.objectPrefix };
};
const MMLU = obj({ overall_average: { type: 'number' }, scores: scores('Subject (`mmlu_<subject>`) → accuracy (0–1).') }, [
  'overall_average',
  'scores',
]);
const BRANCH = obj(
  {
    improvements: scores('Task → improvement over the base model.'),
    regressions: scores('Task → regression against the base model.'),
    no_change: scores('Task → unchanged.'),
    error_rate: { type: 'number' },
  },
  ['improvements', 'regressions', 'no_change', 'error_rate'],
);
const METRICS = obj(
  {
    mmlu: MMLU,
    mmlu_branch: BRANCH,
    mt_bench: obj(
      {
        error_rate: { type: 'number' },
        overall_average: { type: 'number' },
        scores: obj({ turn_one: { type: 'number' }, turn_two: { type: 'number' } }, ['turn_one', 'turn_two']),
      },
      ['error_rate', 'overall_average', 'scores'],
    ),
    mt_bench_branch: BRANCH,
  },
  ['mmlu', 'mmlu_branch', 'mt_bench', 'mt_bench_branch'],
  'The evaluation metrics, as `model_metrics` of GET /v1/models/{id}.',
);

const LEAF_PATH = str('The leaf path (…/qna.yaml), as data_metrics.samples names it.');
const LEAF_PUBLIC = obj(
  {
    leaf: LEAF_PATH,
    batches_done: count('Batches done.'),
    batches_total: count('Batches in all.'),
    samples: count('Samples kept so far.'),
  },
  ['leaf', 'batches_done', 'batches_total', 'samples'],
);
const LEAF_INTERNAL = obj(
  { leaf: LEAF_PATH, batchesDone: count('Batches done.'), batchesTotal: count('Batches in all.'), samples: count('Samples kept so far.') },
  ['leaf', 'batchesDone', 'batchesTotal', 'samples'],
);

const field = (name: string, schema: JsonSchema, optional?: true): PublicField => ({ name, schema, ...(optional ? { optional } : {}) });
const REASON = field('reason', str('Why it failed.'));

const sdg = (type: CatalogEventType, summary: string, fields: Record<string, PublicField> = {}): PublicEventType => ({
  type,
  version: 1,
  summary,
  resourceType: 'data',
  resourceKey: 'dataId',
  container: 'projectId',
  fields,
});

const trainingFinished = (type: CatalogEventType, status: string, summary: string): PublicEventType => ({
  type,
  version: 1,
  summary,
  resourceType: 'model',
  resourceKey: 'modelId',
  container: 'projectId',
  fields: { status: field('status', { type: 'string', const: status }), reason: field('reason', str('Why it failed.'), true) },
});

const model = (
  type: CatalogEventType,
  summary: string,
  fields: Record<string, PublicField>,
  internalOnly?: PublicEventType['internalOnly'],
) => ({
  type,
  version: 1,
  summary,
  resourceType: 'model' as const,
  resourceKey: 'modelId',
  container: 'projectId' as const,
  fields,
  ...(internalOnly ? { internalOnly } : {}),
});

const deployment = (type: CatalogEventType, summary: string): PublicEventType => ({
  type,
  version: 1,
  summary,
  resourceType: 'deployment',
  resourceKey: 'deploymentId',
  container: 'projectId|spaceId',
  fields: {
    state: field('state', { type: 'string', enum: ['initializing', 'updating', 'ready', 'failed'] }),
    servingName: field('serving_name', str('The serving name, when it has one.'), true),
    message: field('message', str('Why it failed, or what changed.'), true),
  },
});

const extraction = (type: CatalogEventType, summary: string, fields: Record<string, PublicField> = {}): PublicEventType => ({
  type,
  version: 1,
  summary,
  resourceType: 'extraction',
  resourceKey: 'extractionId',
  container: 'projectId|spaceId',
  fields: { status: field('status', str('The status the job reached, as GET /ml/v1/text/extractions/{id} shows it.')), ...fields },
});

const rag = (type: CatalogEventType, summary: string, fields: Record<string, PublicField> = {}): PublicEventType => ({
  type,
  version: 1,
  summary,
  resourceType: 'rag_experiment',
  resourceKey: 'experimentId',
  container: 'projectId|spaceId',
  fields: { state: field('state', { type: 'string', enum: ['pending', 'running', 'completed', 'failed', 'canceled'] }), ...fields },
});

const failure = { code: field('code', str('The error code.')), reason: REASON };

const checkpointFields = {
  phase: field('phase', count('Training phase (1 knowledge, 2 skills).')),
  epoch: field('epoch', count('Epoch.')),
  objectPrefix: field('path', PATH),
};

/** A catalog type the public stream never carries: why, and its payload for the NATS document. */
export interface InternalEventType {
  internal: string;
  payload: JsonSchema;
}

/** Every catalog event type: its public form, or why it stays internal. */
const TABLE: Record<CatalogEventType, PublicEventType | InternalEventType> = {
  'taxonomy.created': {
    type: 'taxonomy.created',
    version: 1,
    summary: 'A taxonomy was stored and validated: its leaves and the token estimate of the data generation they lead to.',
    resourceType: 'taxonomy',
    resourceKey: 'taxonomyId',
    container: 'projectId',
    fields: {
      name: field('name', str('The taxonomy name.')),
      taxonomyPathCos: field('taxonomy_path_cos', str('The tarball in the project storage.')),
      leaves: field('leaves', {
        type: 'array',
        items: { type: 'string' },
        description: 'Leaf node paths, in path order: at most 100 (GET /v1/taxonomies/{id}/leaves lists them all).',
      }),
      leafCount: field('leaf_count', count('How many leaves the taxonomy has (absent from events stored before it was added).'), true),
      dataTokensEstimated: field('data_tokens_estimated', count('Estimated tokens of the data generation.')),
    },
    internalOnly: { bucket: str('The bucket the tarball was read from (storage configuration, not public).') },
  },
  'taxonomy.deleted': {
    type: 'taxonomy.deleted',
    version: 1,
    summary: 'A taxonomy was deleted.',
    resourceType: 'taxonomy',
    resourceKey: 'taxonomyId',
    container: 'projectId',
    fields: {},
  },
  'sdg.job.progress': sdg('sdg.job.progress', 'A running data generation job progressed (throttled).', {
    stage: field('stage', str('The pipeline stage running.')),
    done: field('done', count('Units of the stage done.')),
    total: field('total', count('Units of the stage in all.')),
    samples: field('samples', count('Samples generated so far.')),
    leaves: {
      name: 'leaves',
      optional: true,
      schema: {
        type: 'array',
        description:
          'Per leaf: batches done of its batches (generation and, for knowledge, MMLU-branch questions) and samples kept. At most 100 leaves (a larger taxonomy lists its unfinished leaves first); absent while preparing.',
        items: LEAF_PUBLIC,
      },
      internal: { type: 'array', items: LEAF_INTERNAL },
      view: (v) => (v as SdgLeafProgress[]).map(leafProgressView),
    },
  }),
  'sdg.job.completed': sdg('sdg.job.completed', 'A data generation job completed.', {
    taxonomyId: field('taxonomy_id', str('The taxonomy it generated from.')),
  }),
  'sdg.job.failed': sdg('sdg.job.failed', 'A data generation job failed.', { reason: REASON }),
  'sdg.job.canceled': sdg('sdg.job.canceled', 'A data generation job was canceled.'),
  'training.checkpoint.saved': model('training.checkpoint.saved', 'A training job saved a checkpoint.', checkpointFields),
  'training.job.trained': model(
    'training.job.trained',
    'A training job finished training; its phase-2 candidates are being evaluated.',
    {
      dataId: field('data_id', str('The data job it trained on.')),
      taxonomyId: field('taxonomy_id', str('The taxonomy of that data.')),
      baseModel: field('base_model', str('The base model (catalog id).')),
      candidates: {
        name: 'candidates',
        schema: { type: 'array', items: CHECKPOINT_PUBLIC, description: 'Checkpoints the evaluation chooses the best of.' },
        internal: { type: 'array', items: CHECKPOINT_INTERNAL },
        view: (v) => (v as unknown[]).map(checkpointView),
      },
    },
    { baseModelPrefix: str("Where the base model's files lie in the bucket (storage layout, not public).") },
  ),
  'training.job.completed': trainingFinished('training.job.completed', 'completed', 'A training job completed (evaluated).'),
  'training.job.failed': trainingFinished('training.job.failed', 'failed', 'A training job failed.'),
  'training.job.canceled': trainingFinished('training.job.canceled', 'canceled', 'A training job was canceled.'),
  'training.job.deleted': model('training.job.deleted', 'A training job was deleted.', {}),
  'evaluation.model.evaluated': model('evaluation.model.evaluated', "A trained model's final evaluation: the best checkpoint.", {
    bestCheckpoint: {
      name: 'best_checkpoint',
      schema: CHECKPOINT_PUBLIC,
      internal: CHECKPOINT_INTERNAL,
      view: checkpointView,
    },
    metrics: field('metrics', METRICS),
  }),
  'evaluation.model.failed': model('evaluation.model.failed', "A trained model's evaluation failed.", { reason: REASON }),
  'evaluation.checkpoint.evaluated': model('evaluation.checkpoint.evaluated', "A phase-1 checkpoint's MMLU score.", {
    ...checkpointFields,
    mmlu: field('mmlu', MMLU),
  }),
  'deployment.created': deployment('deployment.created', 'A deployment was created.'),
  'deployment.ready': deployment('deployment.ready', 'A deployment is ready to serve.'),
  'deployment.failed': deployment('deployment.failed', 'A deployment failed.'),
  'deployment.updated': deployment('deployment.updated', 'A deployment was updated.'),
  'deployment.deleted': deployment('deployment.deleted', 'A deployment was deleted.'),
  'documents.extraction.created': extraction('documents.extraction.created', 'A text extraction job was submitted.'),
  'documents.extraction.progress': extraction('documents.extraction.progress', 'A text extraction job progressed.', {
    pagesProcessed: field('pages_processed', count('Pages done.')),
    totalPages: field('total_pages', count('Pages in all.')),
  }),
  'documents.extraction.completed': extraction('documents.extraction.completed', 'A text extraction job completed.'),
  'documents.extraction.failed': extraction('documents.extraction.failed', 'A text extraction job failed.', failure),
  'documents.extraction.canceled': extraction('documents.extraction.canceled', 'A text extraction job was canceled.'),
  'documents.extraction.deleted': extraction('documents.extraction.deleted', 'A text extraction job was deleted.'),
  'documents.rag.created': rag('documents.rag.created', 'An AutoAI RAG experiment was submitted.'),
  'documents.rag.progress': rag('documents.rag.progress', 'An AutoAI RAG experiment progressed.', {
    step: field('step', str('The composition step in progress (chunking, embeddings, retrieval, generation …).')),
    patternsCompleted: field('patterns_completed', count('Patterns evaluated.')),
    patternsPlanned: field('patterns_planned', count('Patterns planned.')),
  }),
  'documents.rag.completed': rag('documents.rag.completed', 'An AutoAI RAG experiment completed.'),
  'documents.rag.failed': rag('documents.rag.failed', 'An AutoAI RAG experiment failed.', failure),
  'documents.rag.canceled': rag('documents.rag.canceled', 'An AutoAI RAG experiment was canceled.'),
  'documents.rag.deleted': rag('documents.rag.deleted', 'An AutoAI RAG experiment was deleted.'),
  'deployment.replica.ready': {
    internal: 'A model-server replica for the inference router: infrastructure addresses, in no project.',
    payload: obj(
      {
        deploymentId: str('The deployment the replica belongs to (informational).'),
        modelId: str('The model id requests name.'),
        url: str('Base URL of the model server.'),
        adapter: { type: 'string', enum: ['openai', 'tgi'] },
        replicaId: str('Unique per replica.'),
        backendModel: str('The name the server serves the model under, when it differs.'),
      },
      ['modelId', 'url', 'adapter', 'replicaId'],
    ),
  },
  'deployment.replica.removed': {
    internal: 'A model-server replica going away: infrastructure, in no project.',
    payload: obj({ replicaId: str('The replica.'), modelId: str('Its model id.') }, ['replicaId', 'modelId']),
  },
};

const isPublic = (row: PublicEventType | InternalEventType): row is PublicEventType => !('internal' in row);

/** The public event types, in catalog order. */
export const PUBLIC_EVENT_TYPES: readonly PublicEventType[] = Object.values(TABLE).filter(isPublic);

/** The catalog types kept off the public stream, with why. */
export const INTERNAL_EVENT_TYPES: readonly (InternalEventType & { type: string })[] = Object.entries(TABLE).flatMap(([type, row]) =>
  isPublic(row) ? [] : [{ type, ...row }],
);

const BY_TYPE = new Map(PUBLIC_EVENT_TYPES.map((t) => [t.type as string, t]));

export function publicEventType(type: string): PublicEventType | undefined {
  return BY_TYPE.get(type);
}
