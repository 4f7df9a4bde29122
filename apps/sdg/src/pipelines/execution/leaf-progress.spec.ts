import { describe, expect, it } from 'vitest';
import { LeafProgress } from './leaf-progress';

describe('LeafProgress', () => {
  it("counts a knowledge leaf's generation and MMLU batches together, and only the kept samples", () => {
    const p = new LeafProgress([
      { leaf: 'knowledge/sun/qna.yaml', batches: 2 },
      { leaf: 'knowledge/sun/qna.yaml', batches: 1 },
      { leaf: 'compositional_skills/poems/qna.yaml', batches: 1 },
    ]);
    p.finished('knowledge/sun/qna.yaml', 5);
    p.finished('knowledge/sun/qna.yaml', 0);
    expect(p.snapshot()).toEqual([
      { leaf: 'compositional_skills/poems/qna.yaml', batchesDone: 0, batchesTotal: 1, samples: 0 },
      { leaf: 'knowledge/sun/qna.yaml', batchesDone: 2, batchesTotal: 3, samples: 5 },
    ]);
  });

  it('bounds a large taxonomy to the limit, unfinished leaves first', () => {
    const leaves = Array.from({ length: 150 }, (_, i) => `skills/l${String(i).padStart(3, '0')}/qna.yaml`);
    const p = new LeafProgress(leaves.map((leaf) => ({ leaf, batches: 1 })));
    for (const leaf of leaves.slice(0, 120)) p.finished(leaf, 1);
    const shown = p.snapshot(100);
    expect(shown).toHaveLength(100);
    expect(shown.slice(0, 30).map((l) => l.leaf)).toEqual(leaves.slice(120));
    expect(shown.slice(30).every((l) => l.batchesDone === 1)).toBe(true);
    expect(new LeafProgress([{ leaf: 'a/qna.yaml', batches: 1 }]).snapshot(100)).toHaveLength(1);
  });
});
