/** What the keeper asks a model server over HTTP, each call bounded in time. */

const PROBE_TIMEOUT_MS = 5_000;

function bounded(signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(PROBE_TIMEOUT_MS);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** Whether `GET <url><path>` answers 2xx. */
export async function answersOk(url: string, path: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const res = await fetch(`${url}${path}`, { signal: bounded(signal) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** The model ids an OpenAI-compatible server lists (`GET /v1/models`); undefined when it does not answer. */
export async function servedModelIds(url: string, signal?: AbortSignal): Promise<string[] | undefined> {
  try {
    const res = await fetch(`${url}/v1/models`, { signal: bounded(signal) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { data?: { id?: unknown }[] };
    return (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
  } catch {
    return undefined;
  }
}

const LOAD_GAUGES = ['vllm:num_requests_running', 'vllm:num_requests_waiting'];

/**
 * Requests running or waiting on a vLLM-compatible server (the engine server exports vLLM's gauges), summed over its
 * models; undefined when `/metrics` does not answer or has neither gauge.
 */
export async function requestsInFlight(url: string, signal?: AbortSignal): Promise<number | undefined> {
  let text: string;
  try {
    const res = await fetch(`${url}/metrics`, { signal: bounded(signal) });
    if (!res.ok) return undefined;
    text = await res.text();
  } catch {
    return undefined;
  }
  let total: number | undefined;
  for (const line of text.split('\n')) {
    const name = line.split(/[{\s]/, 1)[0];
    if (!LOAD_GAUGES.includes(name)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}
