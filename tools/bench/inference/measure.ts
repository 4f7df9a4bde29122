/** Small load-generation helpers: sequential latency samples, time to first byte, closed-loop throughput, CPU use. */
import { readdirSync, readFileSync } from 'node:fs';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export interface Latency {
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Calls made before the samples, as many as the samples: V8 optimizes a route's functions only after some hundreds of
 * calls, and a server is measured in its steady state (a handful of warm-up calls left a Node target half interpreted
 * while nginx and the fake backend need none, which inflated what the stack added).
 */
async function warmUp(n: number, call: () => Promise<void>): Promise<void> {
  for (let i = 0; i < n; i++) await call();
}

export async function latency(n: number, call: () => Promise<void>): Promise<Latency> {
  await warmUp(n, call);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await call();
    samples.push(performance.now() - start);
  }
  return summarize(samples);
}

function summarize(samples: number[]): Latency {
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99) };
}

/**
 * `n` sequential samples of each call, taken in `rounds` alternating blocks (A, B, C, A, B, C, …) so that a change in
 * the machine's load hits every target alike.
 */
export async function interleavedLatency<K extends string>(
  n: number,
  rounds: number,
  calls: Record<K, () => Promise<void>>,
): Promise<Record<K, Latency>> {
  const keys = Object.keys(calls) as K[];
  const samples = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (const k of keys) await warmUp(n, calls[k]);
  for (let r = 0; r < rounds; r++)
    for (const k of keys)
      for (let i = 0; i < Math.ceil(n / rounds); i++) {
        const start = performance.now();
        await calls[k]();
        samples[k].push(performance.now() - start);
      }
  return Object.fromEntries(keys.map((k) => [k, summarize(samples[k])])) as Record<K, Latency>;
}

/** Seconds that exactly `count` calls take with `concurrency` workers. */
export async function timeCount(count: number, concurrency: number, call: () => Promise<void>): Promise<number> {
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        await call();
      }
    }),
  );
  return (performance.now() - start) / 1000;
}

/** Milliseconds until the first body chunk of a streaming response. */
export async function firstByte(url: string, init: RequestInit): Promise<number> {
  const start = performance.now();
  const res = await fetch(url, init);
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  await reader.read();
  const at = performance.now() - start;
  while (!(await reader.read()).done) {
    // drain so the connection is reused
  }
  return at;
}

/** Requests per second with `concurrency` workers looping for `seconds`. */
export async function throughput(concurrency: number, seconds: number, call: () => Promise<void>): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await call();
        done++;
      }
    }),
  );
  return done / seconds;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** CPU time (user + system, ms) a process and its direct children have used so far, from /proc (Linux only; NaN elsewhere). */
export function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const ticks = (p: string) => {
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: f[1], cpu: Number(f[11]) + Number(f[12]) };
  };
  try {
    let total = ticks(String(pid)).cpu;
    for (const p of readdirSync('/proc')) {
      if (!/^\d+$/.test(p)) continue;
      try {
        const t = ticks(p);
        if (t.ppid === String(pid)) total += t.cpu;
      } catch {
        // gone meanwhile
      }
    }
    return (total * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

/** Resident memory of a process in KiB, from /proc (Linux only; NaN elsewhere or when it is gone). */
export function rssKiB(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.replace(/\D+/g, '')) : NaN;
  } catch {
    return NaN;
  }
}
