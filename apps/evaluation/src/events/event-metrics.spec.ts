import type { BranchMetrics, ModelMetrics } from '@platform/events';
import { describe, expect, it } from 'vitest';
import { boundBranch, eventMetrics, MAX_BRANCH_BYTES } from './event-metrics';

const leaf = (i: number) => `knowledge/${'deep/'.repeat(40)}leaf-${i}/qna.yaml`;

/** `n` tasks per map: regressions −(i+1)/100, improvements (i+1)/100, no_change 0. */
function branch(n: number): BranchMetrics {
  const out: BranchMetrics = { improvements: {}, regressions: {}, no_change: {}, error_rate: 0.05 };
  for (let i = 0; i < n; i++) {
    out.regressions[leaf(i)] = -(i + 1) / 100;
    out.improvements[leaf(n + i)] = (i + 1) / 100;
    out.no_change[leaf(2 * n + i)] = 0;
  }
  return out;
}

const metrics = (b: BranchMetrics): ModelMetrics => ({
  mmlu: { overall_average: 0.5, scores: { mmlu_astronomy: 0.5 } },
  mmlu_branch: b,
  mt_bench: { error_rate: 0, overall_average: 6.5, scores: { turn_one: 7, turn_two: 6 } },
  mt_bench_branch: b,
});

describe('eventMetrics', () => {
  it('passes a report that fits through as it is', () => {
    const m = metrics(branch(50));
    expect(eventMetrics(m)).toEqual(m);
  });

  it('keeps the largest changes of a report over the bound, within it, regressions and improvements before unchanged tasks', () => {
    const big = branch(2_000); // 6,000 tasks of ~230 bytes: about 1.4 MB
    const m = eventMetrics(metrics(big));
    for (const b of [m.mmlu_branch, m.mt_bench_branch]) {
      const bytes = Buffer.byteLength(JSON.stringify(b));
      expect(bytes).toBeLessThanOrEqual(MAX_BRANCH_BYTES);
      expect(bytes).toBeGreaterThan(MAX_BRANCH_BYTES - 300);
      expect(b.error_rate).toBe(0.05);
      const kept = [...Object.values(b.regressions), ...Object.values(b.improvements)].map(Math.abs);
      // Every kept change is at least as large as every left-out one.
      const smallestKept = Math.min(...kept);
      const leftOut = Object.entries(big.regressions)
        .filter(([k]) => !(k in b.regressions))
        .map(([, v]) => Math.abs(v));
      expect(Math.max(...leftOut)).toBeLessThanOrEqual(smallestKept);
      expect(b.regressions[leaf(1_999)]).toBe(-20);
      expect(b.improvements[leaf(3_999)]).toBe(20);
      expect(Object.keys(b.no_change)).toEqual([]);
    }
    expect(Buffer.byteLength(JSON.stringify(m))).toBeLessThan(512 * 1024);
  });

  it('fills the space left with unchanged tasks once every change fits', () => {
    const b: BranchMetrics = { ...branch(0), regressions: { 'a/qna.yaml': -0.5 }, improvements: { 'b/qna.yaml': 0.25 } };
    for (let i = 0; i < 100; i++) b.no_change[leaf(i)] = 0;
    const bound = 4_000;
    const out = boundBranch(b, bound);
    expect(out.regressions).toEqual({ 'a/qna.yaml': -0.5 });
    expect(out.improvements).toEqual({ 'b/qna.yaml': 0.25 });
    expect(Object.keys(out.no_change).length).toBeGreaterThan(0);
    expect(Object.keys(out.no_change)).toEqual(Object.keys(b.no_change).slice(0, Object.keys(out.no_change).length));
    expect(Buffer.byteLength(JSON.stringify(out))).toBeLessThanOrEqual(bound);
  });
});
