import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ClientGrpc } from '@nestjs/microservices';
import { PlatformError, unary } from '@platform/common';
import { documentsV1 } from '@platform/contracts';
import { describeContainer, type Container } from './container';
import { PATTERN_NAME_FIELD } from './model-asset-request';

/** What an autoai_rag_pattern asset takes from its experiment: the pattern, and the foundation model it generates with. */
export interface RagPattern {
  experimentId: string;
  patternName: string;
  /** The pattern's `settings.generation.model_id`: served by the inference service, so the deployment needs no replicas. */
  modelId: string;
}

/** The AutoAI RAG experiments (the documents service) whose patterns model assets can name. */
export interface RagPatterns {
  /**
   * The pattern `patternName` of experiment `experimentId` in the container: 404 when the container has no such
   * experiment, 400 naming training_id while it is not completed, 400 naming custom.pattern_name when its results hold
   * no such pattern, 503 while the documents service cannot be reached.
   */
  usable(container: Container, experimentId: string, patternName: string): Promise<RagPattern>;
}

const notFound = (id: string, container: Container) =>
  PlatformError.notFound(
    `AutoAI RAG experiment ${id} (training_id) was not found in ${describeContainer(container)}.`,
    'training_not_found',
  );

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `results[].context.rag_pattern` of the seed's experiment, each pattern's name and generation model. */
function patternsOf(resultsJson: string): { name: string; modelId: string }[] {
  let results: unknown;
  try {
    results = JSON.parse(resultsJson || '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(results)) return [];
  return results.flatMap((r: unknown) => {
    const pattern = isObject(r) && isObject(r.context) ? r.context.rag_pattern : undefined;
    if (!isObject(pattern) || typeof pattern.name !== 'string') return [];
    const generation = isObject(pattern.settings) ? pattern.settings.generation : undefined;
    const modelId = isObject(generation) && typeof generation.model_id === 'string' ? generation.model_id : '';
    return [{ name: pattern.name, modelId }];
  });
}

const sameName = (a: string, b: string) => a.replace(/\s+/g, '') === b.replace(/\s+/g, '');

/**
 * The pattern an asset names, from the experiment as GetRagExperiment answers it: the experiment must be completed
 * (its patterns' indexes and scores are final then) and its results must hold the pattern by name (spaces aside); the
 * name is kept as the results spell it.
 */
export function ragPatternOf(experiment: documentsV1.RagExperiment, patternName: string): RagPattern {
  const state = experiment.status?.state ?? '';
  if (state !== 'completed')
    throw PlatformError.invalid(
      `AutoAI RAG experiment ${experiment.id} is ${state || 'in an unknown state'}, not completed; a model asset can name a pattern of a completed experiment only.`,
      'training_id',
    );
  const patterns = patternsOf(experiment.resultsJson);
  // As BuildRagPrompt matches them: `Pattern 1` (the seed's spelling) and `Pattern1` name the same pattern.
  const pattern = patterns.find((p) => sameName(p.name, patternName));
  if (!pattern)
    throw PlatformError.invalid(
      `${PATTERN_NAME_FIELD} "${patternName}" is not a pattern of AutoAI RAG experiment ${experiment.id}` +
        (patterns.length ? ` (its patterns: ${patterns.map((p) => p.name).join(', ')}).` : ' (its results hold no pattern).'),
      PATTERN_NAME_FIELD,
    );
  if (!pattern.modelId)
    throw PlatformError.invalid(
      `Pattern ${patternName} of AutoAI RAG experiment ${experiment.id} names no generation model (settings.generation.model_id).`,
      PATTERN_NAME_FIELD,
    );
  return { experimentId: experiment.id, patternName: pattern.name, modelId: pattern.modelId };
}

/** Answers that mean "this container has no such experiment": unknown, or an id the documents service never issues. */
const NOT_THERE = new Set<number>([GrpcStatus.NOT_FOUND, GrpcStatus.INVALID_ARGUMENT]);
/** The documents service is down or slow: the experiment may well exist, so this is no 404. */
const UNREACHABLE = new Set<number>([GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED]);

/** Asks the documents service (`GetRagExperiment` in the asset's project or space; one of another container is NOT_FOUND). */
export class GrpcRagPatterns implements RagPatterns {
  private readonly documents: documentsV1.DocumentServiceClient;

  constructor(client: ClientGrpc) {
    this.documents = client.getService<documentsV1.DocumentServiceClient>(documentsV1.DOCUMENT_SERVICE_NAME);
  }

  async usable(container: Container, experimentId: string, patternName: string): Promise<RagPattern> {
    let experiment: documentsV1.RagExperiment | undefined;
    try {
      const req = { projectId: container.projectId ?? '', spaceId: container.spaceId ?? '', id: experimentId };
      experiment = (await unary(this.documents.getRagExperiment(req))).experiment;
    } catch (err) {
      const code = (err as { code?: number }).code ?? GrpcStatus.UNKNOWN;
      if (NOT_THERE.has(code)) throw notFound(experimentId, container);
      if (UNREACHABLE.has(code))
        throw new PlatformError(
          GrpcStatus.UNAVAILABLE,
          'documents_unavailable',
          `training_id ${experimentId} could not be looked up: the documents service cannot be reached. Try again.`,
        );
      throw err;
    }
    if (!experiment) throw notFound(experimentId, container);
    return ragPatternOf(experiment, patternName);
  }
}
