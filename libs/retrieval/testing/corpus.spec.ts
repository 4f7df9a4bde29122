import { describe, expect, it } from 'vitest';
import { loadRetrievalCorpus, recallAtK } from './corpus';

describe('the retrieval fixture corpus', () => {
  const { documents, questions } = loadRetrievalCorpus();

  it('holds 20 documents and 20 questions, each answered by a phrase found in its own document and no other', () => {
    expect(documents).toHaveLength(20);
    expect(questions).toHaveLength(20);
    expect(new Set(questions.map((q) => q.id)).size).toBe(20);
    for (const q of questions) {
      const holders = documents.filter((d) => d.text.includes(q.answer)).map((d) => d.id);
      expect(holders, q.id).toEqual([q.documentId]);
    }
  });

  it('scores recall@k over the documents of the first k chunks', () => {
    const qs = questions.slice(0, 2);
    const retrieved = new Map([
      [qs[0].id, ['x', 'y', qs[0].documentId]],
      [qs[1].id, ['x', 'y', 'z', qs[1].documentId]],
    ]);
    expect(recallAtK(qs, retrieved, 3)).toBe(0.5);
    expect(recallAtK(qs, retrieved, 4)).toBe(1);
  });
});
