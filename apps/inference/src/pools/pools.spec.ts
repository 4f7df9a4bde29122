import { status as GrpcStatus } from '@grpc/grpc-js';
import { describe, expect, it, vi } from 'vitest';
import { BackendError } from '../backends/backend-error';
import type { ModelServerAdapter } from '../backends/types';
import { Admission } from './admission';
import { EmbedCoalescer, attributeTokens } from './embed-coalescer';
import { callPool, streamPool } from './dispatch';
import { Pool } from './pool';
import { PoolRegistry, SLOW_PROBES_TO_EJECT } from './pool-registry';
import { readInferenceConfig } from '../inference.config';
import { TokenizeCoalescer } from './tokenize-coalescer';
import { Replica, pickReplica } from './replica';

const replica = (url: string) => new Replica({ url, kind: 'openai' } as ModelServerAdapter, 'm');
const signal = () => new AbortController().signal;

describe('pickReplica', () => {
  it('takes the healthy replica with the least outstanding work, own and backend-reported', () => {
    const [a, b, c] = [replica('a'), replica('b'), replica('c')];
    a.inFlight = 2;
    b.backendLoad = 1;
    c.healthy = false;
    expect(pickReplica([a, b, c], new Set())).toBe(b);
    b.inFlight = 2;
    expect(pickReplica([a, b, c], new Set())).toBe(a);
    expect(pickReplica([a, b, c], new Set([a, b]))).toBeUndefined();
  });
});

describe('Admission', () => {
  it('runs up to the limit, queues up to the bound and refuses past it', async () => {
    const gate = new Admission({ maxConcurrency: 1, maxQueue: 1 });
    const release = await gate.acquire(signal());
    const queued = gate.acquire(signal());
    await expect(gate.acquire(signal())).rejects.toMatchObject({ grpcCode: GrpcStatus.RESOURCE_EXHAUSTED });
    release();
    const second = await queued;
    expect(gate.active).toBe(1);
    second();
    expect(gate.active).toBe(0);
  });

  it('drops a waiter whose caller gave up', async () => {
    const gate = new Admission({ maxConcurrency: 1, maxQueue: 1 });
    const release = await gate.acquire(signal());
    const controller = new AbortController();
    const waiting = gate.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ grpcCode: GrpcStatus.CANCELLED });
    expect(gate.queued).toBe(0);
    release();
    expect(gate.active).toBe(0);
  });
});

describe('dispatch', () => {
  const pool = (...urls: string[]) => {
    const p = new Pool('m', { maxConcurrency: 4, maxQueue: 4 });
    for (const u of urls) p.add(replica(u));
    return p;
  };

  it('retries a unary call on another replica and ejects the unreachable one', async () => {
    const p = pool('down', 'up');
    p.replicas[1].backendLoad = 5;
    const res = await callPool(p, signal(), async (r) => {
      if (r.url === 'down') throw new BackendError('connection refused', true);
      return r.url;
    });
    expect(res).toBe('up');
    expect(p.replicas[0].healthy).toBe(false);
    expect(p.replicas.every((r) => r.inFlight === 0)).toBe(true);
  });

  it('does not retry what the caller got wrong', async () => {
    const p = pool('a', 'b');
    let calls = 0;
    await expect(
      callPool(p, signal(), async () => {
        calls++;
        throw new BackendError('bad prompt', false, 400);
      }),
    ).rejects.toMatchObject({ grpcCode: GrpcStatus.INVALID_ARGUMENT });
    expect(calls).toBe(1);
  });

  it('retries a stream only before its first item', async () => {
    const p = pool('a', 'b');
    p.replicas[1].backendLoad = 1;
    const opened: string[] = [];
    const items: string[] = [];
    const gen = streamPool(p, signal(), async function* (r) {
      opened.push(r.url);
      if (r.url === 'a') throw new BackendError('refused', true);
      yield 'one';
      throw new BackendError('connection reset', true);
    });
    await expect(
      (async () => {
        for await (const i of gen) items.push(i);
      })(),
    ).rejects.toBeInstanceOf(BackendError);
    expect(opened).toEqual(['a', 'b']);
    expect(items).toEqual(['one']);
    expect(p.admission.active).toBe(0);
  });

  it('answers UNAVAILABLE when every replica is out', async () => {
    const p = pool('a');
    p.replicas[0].healthy = false;
    await expect(callPool(p, signal(), async () => 1)).rejects.toMatchObject({ grpcCode: GrpcStatus.UNAVAILABLE });
  });
});

describe('configuration', () => {
  it('reads pools and backends, defaulting to the engine server', () => {
    expect(readInferenceConfig({ PLATFORM_ENGINE_PORT: '8123' }).backends).toEqual([{ url: 'http://127.0.0.1:8123', adapter: 'openai' }]);
    const c = readInferenceConfig({
      PLATFORM_INFERENCE_POOLS: JSON.stringify([{ model_id: 'x', replicas: [{ url: 'http://h:1/', adapter: 'tgi' }], max_queue: 3 }]),
    });
    expect(c.backends).toEqual([]);
    expect(c.pools[0]).toMatchObject({ modelId: 'x', replicas: [{ url: 'http://h:1', adapter: 'tgi' }], limits: { maxQueue: 3 } });
    expect(() => readInferenceConfig({ PLATFORM_INFERENCE_POOLS: '[{"model_id":"x","replicas":[{"url":"h"}]}]' })).toThrow(/url/);
  });
});

describe('EmbedCoalescer', () => {
  const embeddingPool = (calls: string[][]) => {
    const adapter = {
      url: 'x',
      kind: 'openai',
      embed: async (_m: string, inputs: string[]) => {
        calls.push(inputs);
        return { vectors: inputs.map((t) => [t.length]), promptTokens: inputs.join('').length };
      },
    } as unknown as ModelServerAdapter;
    const p = new Pool('m', { maxConcurrency: 4, maxQueue: 4 });
    p.add(new Replica(adapter, 'm'));
    return p;
  };

  it('sends concurrent requests as one backend call and gives each its own vectors', async () => {
    const calls: string[][] = [];
    const p = embeddingPool(calls);
    const c = new EmbedCoalescer({ windowMs: 5, maxInputs: 100 });
    const [a, b] = await Promise.all([c.embed(p, ['aa', 'b'], undefined, signal()), c.embed(p, ['cccc'], undefined, signal())]);
    expect(calls).toEqual([['aa', 'b', 'cccc']]);
    expect(a.vectors).toEqual([[2], [1]]);
    expect(b.vectors).toEqual([[4]]);
    expect(a.promptTokens + b.promptTokens).toBe(7);
  });

  it('sends a full batch at once and never mixes truncation settings', async () => {
    const calls: string[][] = [];
    const p = embeddingPool(calls);
    const c = new EmbedCoalescer({ windowMs: 1000, maxInputs: 2 });
    await Promise.all([c.embed(p, ['a'], undefined, signal()), c.embed(p, ['b'], undefined, signal())]);
    expect(calls).toEqual([['a', 'b']]);
    const off = new EmbedCoalescer({ windowMs: 1, maxInputs: 10 });
    await Promise.all([off.embed(p, ['x'], 3, signal()), off.embed(p, ['y'], undefined, signal())]);
    expect(calls.slice(1).sort()).toEqual([['x'], ['y']]);
  });

  it('gathers what arrives while the backend is busy into the next batch, sent when a call comes back', async () => {
    const calls: string[][] = [];
    const gates: (() => void)[] = [];
    const adapter = {
      url: 'x',
      kind: 'openai',
      embed: async (_m: string, inputs: string[]) => {
        calls.push(inputs);
        await new Promise<void>((resolve) => gates.push(resolve));
        return { vectors: inputs.map((t) => [t.length]), promptTokens: inputs.length };
      },
    } as unknown as ModelServerAdapter;
    const p = new Pool('m', { maxConcurrency: 4, maxQueue: 4 });
    p.add(new Replica(adapter, 'm'));
    // Fake time, so "however long it takes" is a full second past the 1 ms window on any machine.
    vi.useFakeTimers();
    try {
      const c = new EmbedCoalescer({ windowMs: 1, maxInputs: 100, inFlightPerReplica: 1 });
      const first = c.embed(p, ['a'], undefined, signal());
      await vi.advanceTimersByTimeAsync(1);
      expect(calls).toHaveLength(1);
      // The backend is busy: these wait for it however long it takes, not for the 1 ms window.
      const rest = [c.embed(p, ['b'], undefined, signal()), c.embed(p, ['cc'], undefined, signal())];
      await vi.advanceTimersByTimeAsync(1000);
      expect(calls).toHaveLength(1);
      gates.shift()?.();
      await vi.advanceTimersByTimeAsync(1);
      expect(calls).toEqual([['a'], ['b', 'cc']]);
      gates.shift()?.();
      expect((await first).vectors).toEqual([[1]]);
      expect((await Promise.all(rest)).map((r) => r.vectors)).toEqual([[[1]], [[2]]]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('attributes the token total in proportion to text length', () => {
    expect(attributeTokens(10, [1, 1, 2])).toEqual([2, 2, 6]);
    expect(attributeTokens(7, [5])).toEqual([7]);
  });
});

describe('TokenizeCoalescer', () => {
  const tokenizingPool = (calls: string[][], batches: boolean) => {
    const adapter = {
      url: 'x',
      kind: 'openai',
      batchTokenize: undefined as boolean | undefined,
      tokenize: async (_m: string, text: string) => {
        calls.push([text]);
        return { count: text.length, tokens: [...text] };
      },
      tokenizeBatch: async (_m: string, texts: string[]) => {
        if (!batches) {
          adapter.batchTokenize = false;
          return undefined;
        }
        calls.push(texts);
        return texts.map((t) => ({ count: t.length, tokens: [...t] }));
      },
    };
    const p = new Pool('m', { maxConcurrency: 4, maxQueue: 4 });
    p.add(new Replica(adapter as unknown as ModelServerAdapter, 'm'));
    return p;
  };

  it('sends concurrent tokenizations as one batch and answers each with its own tokens', async () => {
    const calls: string[][] = [];
    const p = tokenizingPool(calls, true);
    const c = new TokenizeCoalescer({ windowMs: 5, maxInputs: 100 });
    const [a, b] = await Promise.all([c.tokenize(p, 'ab', signal()), c.tokenize(p, 'xyz', signal())]);
    expect(calls).toEqual([['ab', 'xyz']]);
    expect(a).toEqual({ count: 2, tokens: ['a', 'b'] });
    expect(b).toEqual({ count: 3, tokens: ['x', 'y', 'z'] });
  });

  it('falls back to one text per call on a server without batches, and stops waiting for company there', async () => {
    const calls: string[][] = [];
    const p = tokenizingPool(calls, false);
    const c = new TokenizeCoalescer({ windowMs: 5, maxInputs: 100 });
    const [a, b] = await Promise.all([c.tokenize(p, 'ab', signal()), c.tokenize(p, 'c', signal())]);
    expect([a.count, b.count]).toEqual([2, 1]);
    expect(calls.sort()).toEqual([['ab'], ['c']]);
    // A window longer than the test's timeout: only a call that skips the batcher can finish.
    const patient = new TokenizeCoalescer({ windowMs: 60_000, maxInputs: 100 });
    await patient.tokenize(p, 'd', signal());
    expect(calls).toContainEqual(['d']);
  });
});

describe('PoolRegistry.probe', () => {
  const logger = { info: () => undefined, warn: () => undefined } as unknown as ConstructorParameters<typeof PoolRegistry>[1];
  const registry = new PoolRegistry(readInferenceConfig({ PLATFORM_INFERENCE_PROBE_TIMEOUT_MS: '20' }), logger);
  const server = (healthy: (signal: AbortSignal) => Promise<boolean>) =>
    new Replica({ url: 'http://r', kind: 'openai', healthy, load: async () => 0 } as unknown as ModelServerAdapter, 'm');
  const hang = (signal: AbortSignal) => new Promise<boolean>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

  it('ejects a replica that answers unhealthy or cannot be reached at once', async () => {
    const down = server(async () => false);
    await registry.probe(down);
    expect(down.healthy).toBe(false);
    const refused = server(async () => Promise.reject(new BackendError('connect ECONNREFUSED', true)));
    await registry.probe(refused);
    expect(refused.healthy).toBe(false);
  });

  it(`keeps a busy replica (a probe timed out) until ${SLOW_PROBES_TO_EJECT} probes in a row time out`, async () => {
    const busy = server(hang);
    for (let i = 1; i < SLOW_PROBES_TO_EJECT; i++) {
      await registry.probe(busy);
      expect(busy.healthy).toBe(true);
    }
    await registry.probe(busy);
    expect(busy.healthy).toBe(false);
    // A passing probe readmits it and starts the count again.
    const back = server(async () => true);
    back.eject();
    await registry.probe(back);
    expect(back).toMatchObject({ healthy: true, failures: 0, slowProbes: 0 });
  });
});
