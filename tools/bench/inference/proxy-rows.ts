/**
 * The proxy tier measured the way router benchmarks do: the same OpenAI request to the fake instant backend directly,
 * through nginx and through gateway + inference service (`/openai/v1/completions`), with the proxy on its own core;
 * beside them the bare proxy (floors.ts), what the stack's shape costs on Node before any of the platform's work.
 */
import { call, type Headers } from './client';
import { cpuMs, interleavedLatency, rssKiB, timeCount, type Latency } from './measure';
import { raiseFileLimit } from './pinning';
import { FAKE_MODEL, FAKE_PACE_MS, IDLE_MODEL, IDLE_PACE_MS, type Bench } from './setup';
import { holdStreams, streamTiming, type HoldResult } from './streams';
import { fmt, type Row } from './table';

export interface ProxySizes {
  /** Latency samples per target. */
  samples: number;
  /** Requests per target in the CPU and throughput runs. */
  requests: number;
  /** Paced streams per target. */
  streams: number;
  /** Streams held at once, and for how long. */
  held: number;
  holdS: number;
}

const CONCURRENCY = 64;
const STREAM_TOKENS = 200;
/** LiteLLM's published proxy overhead, p50 / p95 / p99 (ms). */
const LITELLM = { p50: 2, p95: 8, p99: 13 };

export async function proxyRows(b: Bench, size: ProxySizes): Promise<{ rows: Row[]; details: [string, string][] }> {
  const rows: Row[] = [];
  const details: [string, string][] = [];
  const stackHeaders: Headers = { ...b.auth, 'openai-project': b.projectId };
  const targets: { key: 'direct' | 'nginx' | 'stack'; url: string; headers: Headers }[] = [
    { key: 'direct', url: b.fakeUrl, headers: {} },
    ...(b.nginx ? [{ key: 'nginx' as const, url: b.nginx.url, headers: {} }] : []),
    { key: 'stack', url: `${b.gatewayUrl}/openai`, headers: stackHeaders },
  ];
  const completion = (maxTokens: number, streamed = false) => ({
    model: FAKE_MODEL,
    prompt: 'Hello world',
    max_tokens: maxTokens,
    stream: streamed,
  });
  const nginxCell = (v: string) => (b.nginx ? v : 'not installed');
  if (!b.nginx) details.push(['nginx', 'not installed (Debian: apt-get install nginx): its column is empty']);

  // Added latency of a 1-token generation, p50 / p95 / p99, with LiteLLM's published overhead beside it, and the
  // bare proxy's (floors.ts) in the same blocks.
  const lat = (await interleavedLatency(size.samples, 4, {
    ...Object.fromEntries(targets.map((t) => [t.key, () => call(`${t.url}/v1/completions`, completion(1), t.headers)])),
    bare: () => call(`${b.bare.url}/v1/completions`, completion(1)),
  })) as Record<'direct' | 'stack' | 'bare', Latency> & { nginx?: Latency };
  const goals = { p50: 1.0, p95: undefined, p99: 3.0 };
  for (const p of ['p50', 'p95', 'p99'] as const) {
    const added = lat.stack[p] - lat.direct[p];
    const goal = goals[p];
    rows.push({
      figure: `added latency, 1-token generation, ${p} (ms)`,
      direct: fmt(lat.direct[p]),
      nginx: nginxCell(lat.nginx ? `${fmt(lat.nginx[p])} (+${fmt(lat.nginx[p] - lat.direct[p])})` : ''),
      floor: `${fmt(lat.bare[p])} (+${fmt(lat.bare[p] - lat.direct[p])})`,
      stack: fmt(lat.stack[p]),
      added: lat.nginx ? `${fmt(added)} (vs nginx ${fmt(lat.stack[p] - lat.nginx[p])})` : fmt(added),
      goal: goal === undefined ? undefined : `≤ ${fmt(goal, 1)}`,
      met: goal === undefined ? undefined : added <= goal,
      reference: String(LITELLM[p]),
    });
  }

  // Proxy-tier CPU per request over a fixed number of requests at concurrency 64, and the throughput of the same run.
  const measure = async (request: () => Promise<void>, pids: (number | undefined)[]) => {
    await timeCount(Math.min(200, size.requests), CONCURRENCY, request);
    const before = pids.map(cpuMs);
    const seconds = await timeCount(size.requests, CONCURRENCY, request);
    return { rps: size.requests / seconds, cpuMs: pids.map((p, i) => (cpuMs(p) - before[i]) / size.requests) };
  };
  const run = (url: string, headers: Headers, pids: (number | undefined)[]) =>
    measure(() => call(`${url}/v1/completions`, completion(1), headers), pids);
  const direct = await run(b.fakeUrl, {}, [b.pid.fake]);
  const viaNginx = b.nginx ? await run(b.nginx.url, {}, [b.nginx.pid]) : undefined;
  const stack = await run(`${b.gatewayUrl}/openai`, stackHeaders, [b.pid.gateway(), b.pid.inference()]);
  const stackCpu = stack.cpuMs[0] + stack.cpuMs[1];
  // The same two hops with none of the platform's work (warmed by the latency rows, as the stack was).
  const floor = await run(b.bare.url, {}, b.bare.pids);
  const floorCpu = floor.cpuMs[0] + floor.cpuMs[1];
  rows.push({
    figure: 'proxy-tier CPU per request (ms; direct: the backend, stack: gateway + inference)',
    direct: fmt(direct.cpuMs[0], 3),
    nginx: nginxCell(viaNginx ? fmt(viaNginx.cpuMs[0], 3) : ''),
    floor: `${fmt(floorCpu, 3)} (${fmt(floor.cpuMs[0], 3)} + ${fmt(floor.cpuMs[1], 3)})`,
    stack: `${fmt(stackCpu, 3)} (${fmt(stack.cpuMs[0], 3)} + ${fmt(stack.cpuMs[1], 3)})`,
    added: `${fmt(stackCpu, 3)} (${fmt(stackCpu / floorCpu)}x the floor)`,
    goal: '≤ 0.3',
    met: stackCpu <= 0.3,
  });
  const perCore = (ms: number) => 1000 / ms;
  rows.push({
    figure: 'requests/s per core that CPU implies',
    direct: fmt(perCore(direct.cpuMs[0]), 0),
    nginx: nginxCell(viaNginx ? fmt(perCore(viaNginx.cpuMs[0]), 0) : ''),
    floor: fmt(perCore(floorCpu), 0),
    stack: fmt(perCore(stackCpu), 0),
    goal: '≥ 3000',
    met: perCore(stackCpu) >= 3000,
  });

  // An authenticated read with no backend behind it: the gateway's own per-request cost.
  const project = await interleavedLatency(size.samples, 1, {
    stack: () => call(`${b.gatewayUrl}/v2/projects/${b.projectId}`, undefined, b.auth),
  });
  rows.push({
    figure: 'authenticated GET /v2/projects/{id} p50 (ms)',
    stack: fmt(project.stack.p50),
    added: fmt(project.stack.p50),
    goal: '≤ 0.5',
    met: project.stack.p50 <= 0.5,
  });
  // Its CPU, next to the completion's gateway share above: what every authenticated request costs before its own work.
  const getProject = await measure(() => call(`${b.gatewayUrl}/v2/projects/${b.projectId}`, undefined, b.auth), [b.pid.gateway()]);
  details.push([
    `gateway CPU per request at concurrency ${CONCURRENCY}: GET /v2/projects/{id} / the completion (ms)`,
    `${fmt(getProject.cpuMs[0], 3)} / ${fmt(stack.cpuMs[0], 3)}`,
  ]);

  // A stream of STREAM_TOKENS tokens at the backend's fixed pace: added time to first token and per token.
  const timing: Partial<Record<'direct' | 'nginx' | 'stack', Awaited<ReturnType<typeof streamTiming>>>> = {};
  for (const t of targets)
    timing[t.key] = await streamTiming(`${t.url}/v1/completions`, completion(STREAM_TOKENS, true), t.headers, size.streams);
  const [sd, sn, ss] = [timing.direct!, timing.nginx, timing.stack!];
  const ttftAdded = ss.firstMs - sd.firstMs;
  rows.push({
    figure: `added time to first token, ${STREAM_TOKENS}-token stream p50 (ms)`,
    direct: fmt(sd.firstMs),
    nginx: nginxCell(sn ? fmt(sn.firstMs) : ''),
    stack: fmt(ss.firstMs),
    added: fmt(ttftAdded),
    goal: '≤ 1.5',
    met: ttftAdded <= 1.5,
  });
  const perToken = (ss.totalMs - sd.totalMs) / STREAM_TOKENS;
  rows.push({
    figure: `added time per streamed token (total over ${STREAM_TOKENS} tokens at ${FAKE_PACE_MS} ms pace; ms)`,
    direct: `${fmt(sd.totalMs, 1)} total`,
    nginx: nginxCell(sn ? `${fmt(sn.totalMs, 1)} total` : ''),
    stack: `${fmt(ss.totalMs, 1)} total`,
    added: fmt(perToken, 3),
    goal: '≤ 0.05',
    met: perToken <= 0.05,
  });
  if (ss.events !== STREAM_TOKENS || sd.events !== STREAM_TOKENS)
    details.push(['token events per stream, direct / stack (expected ' + STREAM_TOKENS + ')', `${sd.events} / ${ss.events}`]);
  // The same first token from a backend that answers at once, streams back to back as the 1-token rows run. Between a
  // paced stream's tokens every process on its path sleeps, and on a VM the next request pays to wake each of them
  // (README: "Time to first token and sleeping cores"): the gap between this row's added time and the table's is that.
  const burst = async (url: string, headers: Headers) =>
    (await streamTiming(`${url}/v1/completions`, completion(1, true), headers, Math.ceil(size.samples / 5))).firstMs;
  const burstDirect = await burst(b.fakeUrl, {});
  const burstStack = await burst(`${b.gatewayUrl}/openai`, stackHeaders);
  details.push([
    'first token of a 1-token stream, streams back to back: direct / stack p50 (ms)',
    `${fmt(burstDirect)} / ${fmt(burstStack)}  (added ${fmt(burstStack - burstDirect)}; after a paced stream ${fmt(ttftAdded)})`,
  ]);

  rows.push({
    figure: `throughput at concurrency ${CONCURRENCY}, proxy and backend on separate cores (req/s)`,
    direct: fmt(direct.rps, 0),
    nginx: nginxCell(viaNginx ? `${fmt(viaNginx.rps, 0)} (${fmt(viaNginx.rps / direct.rps)}x)` : ''),
    floor: `${fmt(floor.rps, 0)} (${fmt(floor.rps / direct.rps)}x)`,
    stack: fmt(stack.rps, 0),
    added: `${fmt(stack.rps / direct.rps)}x of direct`,
    goal: '≥ 0.9x',
    met: stack.rps / direct.rps >= 0.9,
  });

  rows.push(...(await streamRows(b, size, stackHeaders, details)));
  return { rows, details };
}

/** Many idle streams held through the gateway at once: none may be lost; their memory is reported. */
async function streamRows(b: Bench, size: ProxySizes, headers: Headers, details: [string, string][]): Promise<Row[]> {
  const pids = [b.pid.gateway(), b.pid.inference(), b.pid.fake, process.pid];
  // Each held stream is a socket in this process, the gateway, the inference service and the backend.
  const limits = pids.map((pid) => (pid === undefined ? Infinity : raiseFileLimit(pid, size.held + 1024)));
  const count = Math.min(size.held, Math.min(...limits) - 1024);
  if (count < size.held)
    details.push(['many streams: open-files limit', `soft limit ${Math.min(...limits)}: holding ${count} instead of ${size.held}`]);
  const result: HoldResult = await holdStreams({
    url: `${b.gatewayUrl}/openai/v1/completions`,
    // Enough tokens at the idle pace to outlast the ramp and the hold; this side closes them.
    body: { model: IDLE_MODEL, prompt: 'Hello world', max_tokens: 1000, stream: true },
    headers,
    count,
    holdS: size.holdS,
    paceMs: IDLE_PACE_MS,
    openConcurrency: 32,
    rssKiB: () => rssKiB(b.pid.gateway()) + rssKiB(b.pid.inference()),
  });
  // Closing a stream at the client must end it at the backend too (disconnect aborts all the way down): how long
  // until the backend has none open, polled for up to 15 s.
  const closedAt = performance.now();
  let stillOpen = NaN;
  while (performance.now() - closedAt < 15_000) {
    const metrics = await (await fetch(`${b.fakeUrl}/metrics`)).text();
    stillOpen = Number(new RegExp(`vllm:num_requests_running\\{model_name="${IDLE_MODEL}"\\} (\\d+)`).exec(metrics)?.[1]);
    if (stillOpen === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const waited = (performance.now() - closedAt) / 1000;
  details.push([
    'many streams: opened in (s) / backend streams still open after closing',
    `${fmt(result.rampS, 1)} / ${stillOpen} after ${fmt(waited, 1)} s`,
  ]);
  if (result.firstError) details.push(['many streams: first error', result.firstError.slice(0, 200)]);
  return [
    {
      figure: `concurrent SSE streams held for ${size.holdS} s through the gateway (held / lost)`,
      stack: `${result.held} / ${result.lost}`,
      goal: '≥ 5000 / 0',
      met: count >= 5000 ? result.held >= 5000 && result.lost === 0 : undefined,
    },
    {
      figure: 'memory per idle stream, gateway + inference RSS (KiB)',
      stack: fmt(result.kibPerStream, 1),
      goal: 'reported',
    },
  ];
}
