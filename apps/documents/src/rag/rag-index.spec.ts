import type { SearchHit } from '@platform/retrieval';
import { describe, expect, it } from 'vitest';
import { indexCollection, joinChunks, vectorKey } from './rag-index';

const TEXT = 'Alpha beta gamma. Delta epsilon zeta. Eta theta iota. Kappa lambda mu.';

/** A chunk of TEXT from start to end, as chunkText cuts it (its offsets in the metadata). */
function chunk(chunkIndex: number, start: number, end: number): SearchHit {
  return {
    collection: 'c',
    documentId: 'd',
    chunkIndex,
    text: TEXT.slice(start, end).trim(),
    metadata: { start, end },
    score: 1,
    generation: 'g',
  };
}

describe('joinChunks (a window of neighbouring chunks as one text)', () => {
  it('writes the text two overlapping chunks share once', () => {
    // "Delta epsilon zeta." is in both.
    expect(joinChunks([chunk(0, 0, 37), chunk(1, 18, 53)])).toBe(TEXT.slice(0, 53));
  });

  it('joins chunks that do not overlap with a line break, and keeps a chunk inside the previous one out', () => {
    expect(joinChunks([chunk(0, 0, 17), chunk(1, 18, 37)])).toBe('Alpha beta gamma.\nDelta epsilon zeta.');
    expect(joinChunks([chunk(0, 0, 53), chunk(1, 18, 37)])).toBe(TEXT.slice(0, 53));
  });

  it('is the chunk itself alone', () => {
    expect(joinChunks([chunk(2, 38, 53)])).toBe('Eta theta iota.');
  });
});

describe('index names', () => {
  it('keys vectors by container and width, so models of different widths never share a table', () => {
    const project = { projectId: '5e0f8a52-7d7c-4d1c-9b8e-0f1b2c3d4e5f' };
    expect(vectorKey(project, 128)).toBe(`${project.projectId}_rag_d128`);
    expect(vectorKey(project, 64)).not.toBe(vectorKey(project, 128));
    expect(vectorKey({ spaceId: 'a0b1c2d3-0000-4000-8000-000000000000' }, 128)).toBe('a0b1c2d3-0000-4000-8000-000000000000_rag_d128');
    expect(indexCollection('e1', 2)).toBe('autoai_rag_e1_index_2');
  });
});
