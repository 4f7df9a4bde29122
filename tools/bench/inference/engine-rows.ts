/**
 * The rows measured against the engine server (a real model, so real embeddings): where a generation's added time
 * goes, CPU per request of each process, and embedding/tokenization coalescing against the engine's own batch gain.
 */
import { connectGrpcService, unary } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { cpuMs, latency, postJson, throughput } from './measure';
import { ENGINE_MODEL, type Bench } from './setup';
import { fmt } from './table';

const VERSION = '2024-05-31';
const CONCURRENCY = 64;

export interface EngineRows {
  details: [string, string][];
  /** Embeddings through the stack, coalesced over uncoalesced (req/s). */
  coalescingGain: number;
  /** The engine server's inputs/s with CONCURRENCY inputs per call over one input per call. */
  engineBatchGain: number;
}

export async function engineRows(b: Bench, n: number, seconds: number): Promise<EngineRows> {
  const details: [string, string][] = [];
  const { auth, projectId, engineUrl: direct } = b;
  const gateway = () => b.platform.gatewayUrl;
  const viaEngine = (maxTokens: number) => async () => {
    await postJson(`${direct}/v1/completions`, {
      model: ENGINE_MODEL,
      prompt: 'Hello world',
      max_tokens: maxTokens,
      temperature: 0,
      ignore_eos: true,
    });
  };
  const viaStack = (maxTokens: number) => async () => {
    await postJson(
      `${gateway()}/ml/v1/text/generation?version=${VERSION}`,
      { model_id: ENGINE_MODEL, project_id: projectId, input: 'Hello world', parameters: { max_new_tokens: maxTokens } },
      auth,
    );
  };

  const engineLat = await latency(n, viaEngine(1));
  const stackLat = await latency(n, viaStack(1));
  details.push([
    '1-token generation on the engine server p50 direct / stack (ms)',
    `${fmt(engineLat.p50)} / ${fmt(stackLat.p50)}  (added ${fmt(stackLat.p50 - engineLat.p50)})`,
  ]);

  // Where the added time goes: the inference service over gRPC without the gateway, and the gateway with a
  // gRPC call and no model server.
  const grpc = connectGrpcService<inferenceV1.InferenceServiceClient>('inference', inferenceV1.INFERENCE_SERVICE_NAME, {
    url: `127.0.0.1:${b.ports.inferenceGrpc}`,
    deadline: 'long',
  });
  const grpcDirect = await latency(n, async () => {
    await unary(
      grpc.service.generate({
        modelId: ENGINE_MODEL,
        input: 'Hello world',
        projectId,
        spaceId: '',
        parameters: { decodingMethod: 'greedy', maxNewTokens: 1, stopSequences: [], timeLimit: 0, returnOptions: undefined },
        moderations: undefined,
      }),
    );
  });
  grpc.close();
  const specs = await latency(n, async () => {
    await (await fetch(`${gateway()}/ml/v1/foundation_model_specs?version=${VERSION}`, { headers: auth })).text();
  });
  details.push(['  breakdown: inference gRPC Generate p50 (ms)', fmt(grpcDirect.p50)]);
  details.push(['  breakdown: gateway + gRPC ListModels, no model server p50 (ms)', fmt(specs.p50)]);

  // CPU time per request of each process: unlike latency on a shared machine, it does not move with the
  // neighbours' load. Postgres counts its postmaster and every backend.
  const cpuOf = () => ({
    gateway: cpuMs(b.pid.gateway()),
    inference: cpuMs(b.pid.inference()),
    engine: cpuMs(b.pid.engine()),
    postgres: cpuMs(b.pid.postgres),
  });
  const cpu0 = cpuOf();
  const rpsDirect = await throughput(CONCURRENCY, seconds, viaEngine(4));
  const cpu1 = cpuOf();
  const rpsStack = await throughput(CONCURRENCY, seconds, viaStack(4));
  const cpu2 = cpuOf();
  const perReq = (k: keyof typeof cpu0, a: typeof cpu0, c: typeof cpu0, rps: number) => fmt((c[k] - a[k]) / (rps * seconds));
  details.push([
    `4-token generations on the engine server at concurrency ${CONCURRENCY}, direct / stack (req/s)`,
    `${fmt(rpsDirect)} / ${fmt(rpsStack)}  (ratio ${fmt(rpsStack / rpsDirect)})`,
  ]);
  details.push([
    '  CPU per request: gateway / inference / postgres / engine (ms)',
    `${perReq('gateway', cpu1, cpu2, rpsStack)} / ${perReq('inference', cpu1, cpu2, rpsStack)} / ${perReq('postgres', cpu1, cpu2, rpsStack)} / ${perReq('engine', cpu1, cpu2, rpsStack)}  (engine direct ${perReq('engine', cpu0, cpu1, rpsDirect)})`,
  ]);

  const embedVia = async () => {
    await postJson(
      `${gateway()}/ml/v1/text/embeddings?version=${VERSION}`,
      { model_id: ENGINE_MODEL, project_id: projectId, inputs: ['Hello world'] },
      auth,
    );
  };
  const tokenizeVia = async () => {
    await postJson(
      `${gateway()}/ml/v1/text/tokenization?version=${VERSION}`,
      { model_id: ENGINE_MODEL, project_id: projectId, input: 'Hello world' },
      auth,
    );
  };
  const embedDirect = await throughput(CONCURRENCY, seconds, async () => {
    await postJson(`${direct}/v1/embeddings`, { model: ENGINE_MODEL, input: ['Hello world'] });
  });
  // What batching can buy at the model server itself: the same inputs, CONCURRENCY per call.
  const batchCalls = await throughput(2, seconds, async () => {
    await postJson(`${direct}/v1/embeddings`, { model: ENGINE_MODEL, input: Array.from({ length: CONCURRENCY }, () => 'Hello world') });
  });
  // Coalescing on and off alternate (on, off, on, off: the platform restarts with PLATFORM_INFERENCE_COALESCE_MS=0
  // for "off"), so a shift in the machine's load hits both.
  const runs = {
    on: { embed: 0, tokenize: 0, cpu: { gateway: 0, inference: 0, engine: 0 } },
    off: { embed: 0, tokenize: 0, cpu: { gateway: 0, inference: 0, engine: 0 } },
  };
  let current: 'on' | 'off' = 'on';
  for (const mode of ['on', 'off', 'on', 'off'] as const) {
    if (mode !== current) {
      await b.relaunch(mode === 'off' ? { PLATFORM_INFERENCE_COALESCE_MS: '0' } : {});
      current = mode;
      // Restarted processes start cold (JIT, token and access caches): warm them before measuring.
      await throughput(CONCURRENCY, Math.min(3, seconds), embedVia);
    }
    const before = cpuOf();
    const embedRps = await throughput(CONCURRENCY, seconds / 2, embedVia);
    const after = cpuOf();
    const r = runs[mode];
    r.embed += embedRps / 2;
    for (const k of ['gateway', 'inference', 'engine'] as const) r.cpu[k] += after[k] - before[k];
    r.tokenize += (await throughput(CONCURRENCY, seconds / 2, tokenizeVia)) / 2;
  }
  // Each mode ran two half-length embedding runs, so its request count is its mean rate times `seconds`.
  const cpuPerEmbed = (r: (typeof runs)['on']) =>
    (['gateway', 'inference', 'engine'] as const).map((k) => fmt(r.cpu[k] / (r.embed * seconds))).join(' / ');
  const coalescingGain = runs.on.embed / runs.off.embed;
  const engineBatchGain = (batchCalls * CONCURRENCY) / embedDirect;
  details.push([
    `embeddings at concurrency ${CONCURRENCY}: stack coalesced / uncoalesced / direct (req/s)`,
    `${fmt(runs.on.embed)} / ${fmt(runs.off.embed)} / ${fmt(embedDirect)}  (coalescing gain ${fmt(coalescingGain)}x)`,
  ]);
  details.push([
    '  CPU per embedding request, coalesced / uncoalesced: gateway / inference / engine (ms)',
    `${cpuPerEmbed(runs.on)}  vs  ${cpuPerEmbed(runs.off)}`,
  ]);
  details.push([
    `  engine alone: ${CONCURRENCY} inputs per call vs 1 per call (inputs/s)`,
    `${fmt(batchCalls * CONCURRENCY)} vs ${fmt(embedDirect)}  (${fmt(engineBatchGain)}x)`,
  ]);
  details.push([
    `tokenization at concurrency ${CONCURRENCY}: stack coalesced / uncoalesced (req/s)`,
    `${fmt(runs.on.tokenize)} / ${fmt(runs.off.tokenize)}  (coalescing gain ${fmt(runs.on.tokenize / runs.off.tokenize)}x)`,
  ]);
  return { details, coalescingGain, engineBatchGain };
}
