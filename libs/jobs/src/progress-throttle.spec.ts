import { describe, expect, it, vi } from 'vitest';
import { ProgressThrottle } from './progress-throttle';

interface Progress {
  done: number;
}

const p = (done: number): Progress => ({ done });

describe('ProgressThrottle', () => {
  it('writes at most once per interval, always the latest value, and flushes the last one', async () => {
    // Fake time: "within the interval" must not depend on how busy the machine is.
    vi.useFakeTimers();
    try {
      const written: number[] = [];
      const t = new ProgressThrottle<Progress>(async (x) => {
        written.push(x.done);
      }, 200);
      for (let i = 1; i <= 50; i++) t.report(p(i));
      await vi.advanceTimersByTimeAsync(50);
      expect(written).toEqual([50]);
      t.report(p(51));
      t.report(p(52));
      await vi.advanceTimersByTimeAsync(100);
      expect(written).toEqual([50]);
      await vi.advanceTimersByTimeAsync(100);
      expect(written).toEqual([50, 52]);
      t.report(p(53));
      await t.flush();
      expect(written).toEqual([50, 52, 53]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps going when a write fails', async () => {
    const written: number[] = [];
    let fail = true;
    const t = new ProgressThrottle<Progress>(async (x) => {
      if (fail) {
        fail = false;
        throw new Error('db down');
      }
      written.push(x.done);
    }, 0);
    t.report(p(1));
    await t.flush();
    t.report(p(2));
    await t.flush();
    expect(written).toEqual([2]);
  });
});
