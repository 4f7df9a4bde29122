import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { Limiter } from './limiter';
import { guessFamily, renderPrompt } from './model-family';
import { isRetryable, withRetry } from './retry';

describe('teacher plumbing', () => {
  it('never runs more than the limit at once and releases on failure', async () => {
    const limiter = new Limiter(3);
    let active = 0;
    let peak = 0;
    const task = async (fail: boolean) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      if (fail) throw new Error('x');
    };
    await Promise.allSettled(Array.from({ length: 20 }, (_, i) => limiter.run(() => task(i % 4 === 0))));
    expect(peak).toBe(3);
    expect(limiter.inFlight).toBe(0);
  });

  it('a waiting call leaves the queue when its signal aborts', async () => {
    const limiter = new Limiter(1);
    let release!: () => void;
    const first = limiter.run(() => new Promise<void>((r) => (release = r)));
    const ac = new AbortController();
    const second = limiter.run(async () => 'ran', ac.signal);
    ac.abort(new Error('canceled'));
    await expect(second).rejects.toThrow('canceled');
    release();
    await first;
    expect(limiter.inFlight).toBe(0);
  });

  it('retries RESOURCE_EXHAUSTED and UNAVAILABLE only', async () => {
    expect(isRetryable({ code: status.RESOURCE_EXHAUSTED })).toBe(true);
    expect(isRetryable({ code: status.INVALID_ARGUMENT })).toBe(false);
    let n = 0;
    const signal = new AbortController().signal;
    const policy = { attempts: 5, baseDelayMs: 1, maxDelayMs: 2 };
    await expect(
      withRetry(
        async () => (++n < 3 ? Promise.reject(Object.assign(new Error('full'), { code: status.RESOURCE_EXHAUSTED })) : 'ok'),
        signal,
        policy,
      ),
    ).resolves.toBe('ok');
    expect(n).toBe(3);
    n = 0;
    await expect(
      withRetry(async () => (++n, Promise.reject(Object.assign(new Error('bad'), { code: status.INVALID_ARGUMENT }))), signal, policy),
    ).rejects.toThrow('bad');
    expect(n).toBe(1);
  });

  it('writes the chat markup of the teacher family with the prefill last', () => {
    expect(renderPrompt('granite', 'S', 'U', '[Question]\n')).toBe('<|system|>\nS\n<|user|>\nU\n<|assistant|>\n[Question]\n');
    expect(renderPrompt('mixtral', '', 'U')).toBe('<s>[INST] U [/INST] ');
    expect(guessFamily('mistralai/Mixtral-8x7B-Instruct-v0.1')).toBe('mixtral');
    expect(guessFamily('meta-llama/Llama-3.1-8B-Instruct')).toBe('llama3');
    expect(guessFamily('platform/starter-llama')).toBe('granite');
    expect(() => guessFamily('x', 'gpt')).toThrow(/PLATFORM_SDG_MODEL_FAMILY/);
  });
});
