/**
 * PLATFORM_TRUST_PROXY: which proxies in front of the gateway may name the client in `X-Forwarded-For` (Fastify's
 * `trustProxy`). Unset: none, the client is the socket's peer (the embedded default). Behind an ingress it must be
 * set, or every client shares the ingress's address and its sign-in limits: `true` (any proxy), a hop count (`1`),
 * or addresses / CIDR ranges (`10.0.0.0/8,127.0.0.1`).
 */
export function parseTrustProxy(raw: string | undefined): boolean | number | string[] {
  if (raw === undefined) return false;
  const value = raw.trim();
  if (/^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!list.length || list.some((s) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(s)))
    throw new Error(`must be true, false, a hop count or comma-separated addresses / CIDR ranges, got "${raw}"`);
  return list;
}
