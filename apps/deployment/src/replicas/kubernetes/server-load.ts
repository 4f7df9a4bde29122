import type { ServerKind } from './replica-manifests';

/** The gauges whose sum is a server's running + waiting requests (the engine server exports vLLM's). */
export const LOAD_GAUGES: Record<ServerKind, readonly string[]> = {
  vllm: ['vllm:num_requests_running', 'vllm:num_requests_waiting'],
  engine: ['vllm:num_requests_running', 'vllm:num_requests_waiting'],
  tgi: ['tgi_queue_size', 'tgi_batch_current_size'],
};

const METRICS_TIMEOUT_MS = 5_000;

/** Sum of these gauges over every series in a Prometheus text exposition; undefined when none is there. */
export function sumGauges(exposition: string, names: readonly string[]): number | undefined {
  let total: number | undefined;
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    if (!names.includes(line.split(/[{\s]/, 1)[0])) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

/** Requests running or waiting on the server behind `url` (its `/metrics`); undefined when it does not answer or say. */
export async function serverLoad(url: string, kind: ServerKind, signal: AbortSignal): Promise<number | undefined> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.any([signal, AbortSignal.timeout(METRICS_TIMEOUT_MS)]) });
    if (!res.ok) {
      await res.body?.cancel();
      return undefined;
    }
    return sumGauges(await res.text(), LOAD_GAUGES[kind]);
  } catch {
    return undefined;
  }
}
