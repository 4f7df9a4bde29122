import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { parseRagParameters, type RagModelCatalog } from './rag-parameters';

const catalog: RagModelCatalog = {
  embeddingModels: ['starter', 'e5'],
  generationModels: ['starter', 'tiny'],
  defaultEmbeddingModel: 'starter',
  defaultFoundationModel: 'starter',
};

/** Every issue of the refusal of `raw`, as `field: message`. */
function issues(raw: unknown, cat: RagModelCatalog = catalog): string[] {
  try {
    parseRagParameters(raw, cat);
  } catch (e) {
    expect(e).toBeInstanceOf(PlatformError);
    expect((e as PlatformError).grpcCode).toBe(GrpcStatus.INVALID_ARGUMENT);
    return (e as PlatformError).issues.map((i) => `${i.target?.name}: ${i.message}`);
  }
  throw new Error('the parameters were accepted');
}

describe('parseRagParameters', () => {
  it('fills the defaults: the served models, two chunkings, simple and window retrieval, 8 patterns, answer_correctness', () => {
    expect(parseRagParameters(undefined, catalog)).toEqual({
      constraints: {
        chunking: [
          { method: 'recursive', chunk_size: 256, chunk_overlap: 64 },
          { method: 'recursive', chunk_size: 512, chunk_overlap: 128 },
        ],
        embedding_models: ['starter'],
        retrieval: [
          { method: 'simple', number_of_chunks: 5 },
          { method: 'window', number_of_chunks: 5, window_size: 2 },
        ],
        foundation_models: ['starter'],
        max_number_of_rag_patterns: 8,
      },
      optimization: { metrics: ['answer_correctness'] },
      output_logs: false,
    });
  });

  it('takes the constraints given, with per-entry defaults (overlap 0, 5 chunks, window 2)', () => {
    const p = parseRagParameters(
      {
        constraints: {
          chunking: [{ chunk_size: 128 }],
          embedding_models: ['e5', 'starter'],
          retrieval: [{ method: 'window' }, { method: 'simple', number_of_chunks: 3 }],
          foundation_models: ['tiny'],
          max_number_of_rag_patterns: 4,
        },
        optimization: { metrics: ['context_correctness'] },
        output_logs: true,
      },
      catalog,
    );
    expect(p.constraints).toEqual({
      chunking: [{ method: 'recursive', chunk_size: 128, chunk_overlap: 0 }],
      embedding_models: ['e5', 'starter'],
      retrieval: [
        { method: 'window', number_of_chunks: 5, window_size: 2 },
        { method: 'simple', number_of_chunks: 3 },
      ],
      foundation_models: ['tiny'],
      max_number_of_rag_patterns: 4,
    });
    expect(p.optimization.metrics).toEqual(['context_correctness']);
    expect(p.output_logs).toBe(true);
  });

  it('keeps default chunk sizes within the embedding model’s input limit, else one of its limit', () => {
    const limited = (n: number): RagModelCatalog => ({ ...catalog, embeddingInputTokens: (m) => (m === 'starter' ? n : undefined) });
    expect(parseRagParameters({}, limited(300)).constraints.chunking).toEqual([
      { method: 'recursive', chunk_size: 256, chunk_overlap: 64 },
    ]);
    expect(parseRagParameters({}, limited(120)).constraints.chunking).toEqual([
      { method: 'recursive', chunk_size: 120, chunk_overlap: 30 },
    ]);
    expect(issues({ constraints: { chunking: [{ chunk_size: 512, chunk_overlap: 0 }] } }, limited(300))).toEqual([
      'parameters.constraints.chunking[0].chunk_size: parameters.constraints.chunking[0].chunk_size must be an integer from 16 to 300. The embedding models take at most 300 tokens.',
    ]);
  });

  it('names every bad field', () => {
    expect(
      issues({
        constraints: {
          chunking: [
            { method: 'semantic', chunk_size: 8, chunk_overlap: 4 },
            { chunk_size: 100, chunk_overlap: 100 },
            { chunk_size: 64 },
            { chunk_size: 64, chunk_overlap: 0 },
          ],
          embedding_models: ['nope'],
          retrieval: [
            { method: 'simple', window_size: 1 },
            { method: 'window', number_of_chunks: 0, window_size: 9 },
            { method: 'hybrid', k: 1 },
          ],
          foundation_models: [],
          max_number_of_rag_patterns: 3,
          top_k: 1,
        },
        optimization: { metrics: ['answer_correctness', 'faithfulness'] },
        output_logs: 'yes',
      }),
    ).toEqual([
      'parameters.constraints.top_k: parameters.constraints.top_k is not a constraint (chunking, embedding_models, retrieval, foundation_models, max_number_of_rag_patterns).',
      'parameters.constraints.embedding_models[0]: parameters.constraints.embedding_models[0] "nope" is not a model the platform serves for embeddings (starter, e5).',
      'parameters.constraints.foundation_models: parameters.constraints.foundation_models must be an array of 1 to 20 entries.',
      'parameters.constraints.chunking[0].method: parameters.constraints.chunking[0].method must be recursive.',
      'parameters.constraints.chunking[0].chunk_size: parameters.constraints.chunking[0].chunk_size must be an integer from 16 to 8192.',
      'parameters.constraints.chunking[1].chunk_overlap: parameters.constraints.chunking[1].chunk_overlap must be an integer from 0 to chunk_size - 1.',
      'parameters.constraints.chunking[3]: parameters.constraints.chunking[3] repeats parameters.constraints.chunking[2].',
      'parameters.constraints.retrieval[0].window_size: parameters.constraints.retrieval[0].window_size applies to the window method only.',
      'parameters.constraints.retrieval[1].number_of_chunks: parameters.constraints.retrieval[1].number_of_chunks must be an integer from 1 to 20.',
      'parameters.constraints.retrieval[1].window_size: parameters.constraints.retrieval[1].window_size must be an integer from 1 to 4.',
      'parameters.constraints.retrieval[2].k: parameters.constraints.retrieval[2].k is not a field (method, number_of_chunks, window_size).',
      'parameters.constraints.retrieval[2].method: parameters.constraints.retrieval[2].method must be simple or window.',
      'parameters.constraints.max_number_of_rag_patterns: parameters.constraints.max_number_of_rag_patterns must be an integer from 4 to 20.',
      'parameters.optimization.metrics: parameters.optimization.metrics must hold exactly one of answer_correctness, faithfulness, context_correctness.',
      'parameters.output_logs: parameters.output_logs must be true or false.',
    ]);
    expect(issues({ constraints: [] })).toEqual(['parameters.constraints: parameters.constraints must be an object.']);
    expect(issues({ constraints: { chunking: [null] } })).toEqual([
      'parameters.constraints.chunking[0]: parameters.constraints.chunking[0] must be an object.',
    ]);
    expect(issues({ constraints: { foundation_models: ['e5'] } })).toEqual([
      'parameters.constraints.foundation_models[0]: parameters.constraints.foundation_models[0] "e5" is not a model the platform serves for text generation (starter, tiny).',
    ]);
  });
});
