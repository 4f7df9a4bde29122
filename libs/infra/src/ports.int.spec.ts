import { describe, expect, it } from 'vitest';
import { freePort } from './ports';

describe('freePort', () => {
  it('never hands out the same port twice while none is bound, and draws from this worker’s slice', async () => {
    const ports = [];
    for (let i = 0; i < 400; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
    // Under vitest each worker draws from its own quarter of 20000–31999 (VITEST_POOL_ID 1 → 20000–22999, …).
    const slice = (Number(process.env.VITEST_POOL_ID) - 1) % 4;
    expect(Math.min(...ports)).toBeGreaterThanOrEqual(20_000 + slice * 3_000);
    expect(Math.max(...ports)).toBeLessThan(20_000 + (slice + 1) * 3_000);
  });
});
