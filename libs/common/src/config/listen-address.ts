/**
 * PLATFORM_LISTEN_HOST: the interface a service's gRPC and ops servers bind. Unset, they keep the embedded default
 * (gRPC on the host of its URL, ops on loopback). In a pod it is `0.0.0.0`, because there the gRPC URL is the
 * Service's DNS name (what clients dial, not an address of the pod) and probes arrive on the pod IP.
 */
export function listenHost(): string | undefined {
  const host = process.env.PLATFORM_LISTEN_HOST?.trim();
  return host ? host : undefined;
}

/** The address a gRPC server binds for `grpcUrl`: the URL itself, or its port on the listen host when one is set. */
export function grpcBindUrl(grpcUrl: string, host = listenHost()): string {
  if (!host) return grpcUrl;
  const port = grpcUrl.slice(grpcUrl.lastIndexOf(':') + 1);
  if (!/^\d+$/.test(port)) throw new Error(`gRPC URL "${grpcUrl}" has no port to bind on ${host}`);
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
