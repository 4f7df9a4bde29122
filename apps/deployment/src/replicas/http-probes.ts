import { childSignal, sumGaugeSamples, VLLM_LOAD_GAUGES } from '@platform/common';

/** What the keeper asks a model server over HTTP, each call bounded in time. */

const PROBE_TIMEOUT_MS = 5_000;

/**
 * `GET url`, and `read` of its response, bounded by the probe timeout and by `signal` (the keeper's, which lives as
 * long as the keeper runs: see childSignal); undefined when either fails.
 */
async function probe<T>(url: string, signal: AbortSignal | undefined, read: (res: Response) => Promise<T>): Promise<T | undefined> {
  const bounded = childSignal(signal, { timeoutMs: PROBE_TIMEOUT_MS });
  try {
    return await read(await fetch(url, { signal: bounded.signal }));
  } catch {
    return undefined;
  } finally {
    bounded.dispose();
  }
}

/** Whether `GET <url><path>` answers 2xx. */
export async function answersOk(url: string, path: string, signal?: AbortSignal): Promise<boolean> {
  const ok = await probe(`${url}${path}`, signal, async (res) => {
    await res.body?.cancel();
    return res.ok;
  });
  return ok ?? false;
}

/** The model ids an OpenAI-compatible server lists (`GET /v1/models`); undefined when it does not answer. */
export function servedModelIds(url: string, signal?: AbortSignal): Promise<string[] | undefined> {
  return probe(`${url}/v1/models`, signal, async (res) => {
    if (!res.ok) return undefined;
    const body = (await res.json()) as { data?: { id?: unknown }[] };
    return (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
  });
}

/**
 * Requests running or waiting on a model server: the sum of its `/metrics` `gauges` over its models (by default vLLM's,
 * which the engine server exports too); undefined when `/metrics` does not answer or has none of them.
 */
export function requestsInFlight(
  url: string,
  signal?: AbortSignal,
  gauges: readonly string[] = VLLM_LOAD_GAUGES,
): Promise<number | undefined> {
  return probe(`${url}/metrics`, signal, async (res) => {
    if (!res.ok) {
      await res.body?.cancel();
      return undefined;
    }
    return sumGaugeSamples(await res.text(), gauges);
  });
}
