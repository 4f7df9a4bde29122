import { sumGaugeSamples, VLLM_LOAD_GAUGES } from '@platform/common';

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

/**
 * Requests running or waiting on a model server: the sum of its `/metrics` `gauges` over its models (by default vLLM's,
 * which the engine server exports too); undefined when `/metrics` does not answer or has none of them.
 */
export async function requestsInFlight(
  url: string,
  signal?: AbortSignal,
  gauges: readonly string[] = VLLM_LOAD_GAUGES,
): Promise<number | undefined> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: bounded(signal) });
    if (!res.ok) {
      await res.body?.cancel();
      return undefined;
    }
    return sumGaugeSamples(await res.text(), gauges);
  } catch {
    return undefined;
  }
}
