/** A running model server an operator registers for one custom foundation model (`external` replicas). */
export interface ExternalEndpoint {
  /** The custom foundation model id (`foundation_model.model_id` of the model asset) it serves. */
  modelId: string;
  /** Base URL, http(s), no trailing slash. */
  url: string;
  adapter: 'openai' | 'tgi';
  /** The name the server serves the model under (default: the model id). */
  backendModel: string;
}

/**
 * Reads PLATFORM_DEPLOYMENT_EXTERNAL_ENDPOINTS (`[{"model_id","url","adapter","backend_model"}]`) once at start-up;
 * a malformed list stops the service with a message naming the entry and field.
 */
export function parseExternalEndpoints(json: string | undefined): ExternalEndpoint[] {
  if (!json?.trim()) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new Error(`PLATFORM_DEPLOYMENT_EXTERNAL_ENDPOINTS is not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(raw)) throw new Error('PLATFORM_DEPLOYMENT_EXTERNAL_ENDPOINTS must be a JSON array');
  const seen = new Set<string>();
  return raw.map((entry: unknown, i) => {
    const where = `PLATFORM_DEPLOYMENT_EXTERNAL_ENDPOINTS[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new Error(`${where} must be an object`);
    const e = entry as Record<string, unknown>;
    const text = (key: string, required: boolean): string | undefined => {
      const v = e[key];
      if (v === undefined && !required) return undefined;
      if (typeof v !== 'string' || !v.trim()) throw new Error(`${where}.${key} must be a non-empty string`);
      return v.trim();
    };
    const modelId = text('model_id', true) as string;
    if (seen.has(modelId)) throw new Error(`${where}.model_id ${modelId} is registered twice`);
    seen.add(modelId);
    const url = (text('url', true) as string).replace(/\/+$/, '');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`${where}.url is not a URL: ${url}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`${where}.url must be http(s): ${url}`);
    const adapter = text('adapter', false) ?? 'openai';
    if (adapter !== 'openai' && adapter !== 'tgi') throw new Error(`${where}.adapter must be "openai" or "tgi"`);
    return { modelId, url, adapter, backendModel: text('backend_model', false) ?? modelId };
  });
}
