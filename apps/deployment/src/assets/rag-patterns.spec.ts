import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ClientGrpc } from '@nestjs/microservices';
import { PlatformError } from '@platform/common';
import type { documentsV1 } from '@platform/contracts';
import { of, throwError, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { GrpcRagPatterns, ragPatternOf } from './rag-patterns';

const PROJECT = { projectId: '0b7c3f5e-2d4a-4e8b-9c1d-6f0a2b3c4d5e', spaceId: null };

/** A `results[]` entry in the seed's shape (only the members the asset reads matter). */
const result = (name: string, modelId: string) => ({
  metrics: { test_data: [{ metric_name: 'answer_correctness', mean: 0.5, ci_low: 0.4, ci_high: 0.6 }] },
  context: {
    rag_pattern: {
      name,
      composition_steps: ['chunking', 'embeddings', 'vector_store', 'retrieval', 'generation'],
      settings: { retrieval: { method: 'simple', number_of_chunks: 5 }, generation: { model_id: modelId, parameters: {} } },
    },
    iteration: 1,
    max_combinations: 8,
  },
});

const experiment = (state: string, results: unknown[] = []): documentsV1.RagExperiment =>
  ({
    id: 'exp-1',
    projectId: PROJECT.projectId,
    resultsJson: JSON.stringify(results),
    status: { state },
  }) as documentsV1.RagExperiment;

function refusal(fn: () => unknown): { code?: number; field?: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformError);
    const e = err as PlatformError;
    return { code: e.grpcCode, field: e.target?.name, message: e.message };
  }
  throw new Error('accepted');
}

describe('ragPatternOf', () => {
  const done = experiment('completed', [result('Pattern1', 'ibm/granite-8b'), result('Pattern2', 'starter')]);

  it("takes the named pattern's foundation model", () => {
    expect(ragPatternOf(done, 'Pattern2')).toEqual({ experimentId: 'exp-1', patternName: 'Pattern2', modelId: 'starter' });
  });

  it("matches names as BuildRagPrompt does, spaces aside, keeping the results' spelling", () => {
    expect(ragPatternOf(done, 'Pattern 2').patternName).toBe('Pattern2');
    const seedSpelling = experiment('completed', [result('Pattern 1', 'm')]);
    expect(ragPatternOf(seedSpelling, 'Pattern1').patternName).toBe('Pattern 1');
  });

  it.each(['pending', 'running', 'failed', 'canceled', ''])('refuses an experiment that is %s, naming training_id', (state) => {
    const r = refusal(() => ragPatternOf(experiment(state, [result('Pattern1', 'm')]), 'Pattern1'));
    expect(r).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field: 'training_id' });
    expect(r.message).toContain('not completed');
  });

  it('refuses a pattern its results do not hold, naming custom.pattern_name and listing those they do', () => {
    expect(refusal(() => ragPatternOf(done, 'Pattern9'))).toEqual({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'custom.pattern_name',
      message: 'custom.pattern_name "Pattern9" is not a pattern of AutoAI RAG experiment exp-1 (its patterns: Pattern1, Pattern2).',
    });
    expect(refusal(() => ragPatternOf(experiment('completed'), 'Pattern1')).message).toMatch(/its results hold no pattern/);
  });

  it('refuses a pattern that names no generation model', () => {
    const odd = experiment('completed', [{ context: { rag_pattern: { name: 'Pattern1', settings: {} } } }]);
    expect(refusal(() => ragPatternOf(odd, 'Pattern1')).field).toBe('custom.pattern_name');
  });

  it('reads results that are not an array of patterns as none', () => {
    for (const resultsJson of ['', '{', '{}', '[1, null, {"context": 3}]'])
      expect(refusal(() => ragPatternOf({ ...done, resultsJson }, 'Pattern1')).field).toBe('custom.pattern_name');
  });
});

describe('GrpcRagPatterns', () => {
  /** The documents service's GetRagExperiment answering `answer`, recording what it was asked. */
  function patterns(answer: () => Observable<documentsV1.GetRagExperimentResponse>) {
    const asked: documentsV1.GetRagExperimentRequest[] = [];
    const service = {
      getRagExperiment: (req: documentsV1.GetRagExperimentRequest) => {
        asked.push(req);
        return answer();
      },
    };
    const client = { getService: () => service } as unknown as ClientGrpc;
    return { patterns: new GrpcRagPatterns(client), asked };
  }
  const grpcError = (code: number) => throwError(() => Object.assign(new Error('x'), { code }));

  async function failure(p: Promise<unknown>) {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PlatformError);
    return { grpcCode: (err as PlatformError).grpcCode, code: (err as PlatformError).code };
  }

  it("asks in the asset's own container and reads the pattern", async () => {
    const { patterns: p, asked } = patterns(() => of({ experiment: experiment('completed', [result('Pattern1', 'm1')]) }));
    await expect(p.usable(PROJECT, 'exp-1', 'Pattern1')).resolves.toEqual({
      experimentId: 'exp-1',
      patternName: 'Pattern1',
      modelId: 'm1',
    });
    expect(asked).toEqual([{ projectId: PROJECT.projectId, spaceId: '', id: 'exp-1' }]);
  });

  it('answers 404 training_not_found for an experiment the container does not have', async () => {
    for (const code of [GrpcStatus.NOT_FOUND, GrpcStatus.INVALID_ARGUMENT])
      expect(await failure(patterns(() => grpcError(code)).patterns.usable(PROJECT, 'x', 'Pattern1'))).toEqual({
        grpcCode: GrpcStatus.NOT_FOUND,
        code: 'training_not_found',
      });
  });

  it('answers 503 documents_unavailable, never a 404, while the documents service cannot be reached', async () => {
    for (const code of [GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED])
      expect(await failure(patterns(() => grpcError(code)).patterns.usable(PROJECT, 'x', 'Pattern1'))).toEqual({
        grpcCode: GrpcStatus.UNAVAILABLE,
        code: 'documents_unavailable',
      });
  });
});
