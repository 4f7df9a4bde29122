/**
 * What an error must look like on each public surface, stated here independently of the gateway's own table
 * (apps/gateway/src/http/error-surface.ts), so a route that answers in the wrong shape is caught: the IBM envelope
 * `{errors:[{code,message,more_info,target?}],trace,status_code}` with `more_info` at the surface's reference, or
 * OpenAI's `{error:{message,type,param,code}}` on /openai/v1.
 */
type Surface = { shape: 'ibm'; moreInfo: string } | { shape: 'openai' };

const LLAMA_STACK = 'https://llama-stack.readthedocs.io';
const SURFACES: [prefix: string, surface: Surface][] = [
  ['/openai/v1', { shape: 'openai' }],
  ['/v1/prompts', { shape: 'ibm', moreInfo: 'https://cloud.ibm.com/apidocs/watsonx-ai-cp' }],
  ['/v1/prompt_sessions', { shape: 'ibm', moreInfo: 'https://cloud.ibm.com/apidocs/watsonx-ai-cp' }],
  ['/v2/notebooks', { shape: 'ibm', moreInfo: 'https://cloud.ibm.com/apidocs/watsonx-ai-cp' }],
  ['/ml', { shape: 'ibm', moreInfo: 'https://cloud.ibm.com/apidocs/watsonx-ai-cp' }],
  ['/v1', { shape: 'ibm', moreInfo: 'https://cloud.ibm.com/apidocs/instructlab' }],
  ['/api/v2/secrets', { shape: 'ibm', moreInfo: 'https://cloud.ibm.com/apidocs/secrets-manager/secrets-manager-v2' }],
  ['/v2', { shape: 'ibm', moreInfo: 'https://cloud.ibm.com/apidocs/watson-data-api-cpd' }],
  ['/icp4d-api', { shape: 'ibm', moreInfo: 'https://cloud.ibm.com/apidocs/watson-data-api-cpd' }],
  ...[
    '/inference',
    '/agentic_system',
    '/datasets',
    '/memory_bank',
    '/memory_banks',
    '/post_training',
    '/synthetic_data_generation',
    '/reward_scoring',
  ].map((prefix): [string, Surface] => [prefix, { shape: 'ibm', moreInfo: LLAMA_STACK }]),
];

function surfaceOf(path: string, gatewayUrl: string): Surface {
  const p = path.split('?', 1)[0];
  return SURFACES.find(([prefix]) => p === prefix || p.startsWith(`${prefix}/`))?.[1] ?? { shape: 'ibm', moreInfo: `${gatewayUrl}/docs` };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

const isString = (v: unknown): v is string => typeof v === 'string';

/** Why this error response is not in its surface's shape; undefined when it is. */
export function errorShapeProblem(path: string, res: RawResponse, gatewayUrl: string): string | undefined {
  const surface = surfaceOf(path, gatewayUrl);
  if (!res.headers.get('content-type')?.includes('application/json')) return `not JSON (content-type ${res.headers.get('content-type')})`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(res.text) as Record<string, unknown>;
  } catch {
    return 'a JSON content type with a body that does not parse';
  }
  if (surface.shape === 'openai') {
    const e = body.error as Record<string, unknown> | undefined;
    if (!e || !isString(e.message) || !isString(e.type) || !('param' in e) || !('code' in e)) return 'not an OpenAI error object';
    if ((e.param !== null && !isString(e.param)) || (e.code !== null && !isString(e.code)))
      return 'OpenAI error param/code neither string nor null';
    return undefined;
  }
  const errors = body.errors;
  if (!Array.isArray(errors) || errors.length === 0) return 'no errors[] (not the IBM envelope)';
  if (body.status_code !== res.status) return `status_code ${String(body.status_code)} differs from the HTTP status ${res.status}`;
  if (!isString(body.trace) || body.trace !== res.headers.get('x-global-transaction-id'))
    return 'trace missing or not the X-Global-Transaction-Id';
  for (const e of errors as Record<string, unknown>[]) {
    if (!isString(e.code) || !isString(e.message) || !e.message) return 'an error without code or message';
    if (e.more_info !== surface.moreInfo) return `more_info ${String(e.more_info)} is not this surface's reference ${surface.moreInfo}`;
    const t = e.target as Record<string, unknown> | undefined;
    if (t !== undefined && (!isString(t.type) || !isString(t.name))) return 'a target without type and name';
  }
  return undefined;
}
