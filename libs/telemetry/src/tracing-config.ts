/** How spans leave the process: OTLP over HTTP, in protobuf (the OTLP default) or JSON. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface TracingConfig {
  /** `service.name` of every span: OTEL_SERVICE_NAME, else the process name. */
  serviceName: string;
  /** The traces endpoint itself (…/v1/traces). */
  url: string;
  protocol: OtlpProtocol;
}

const truthy = (v: string | undefined) => v?.trim().toLowerCase() === 'true';

function endpoint(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name}=${value} is not a URL (e.g. http://jaeger:4318)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name}=${value}: use an http:// or https:// URL`);
  return value;
}

/**
 * Reads the standard OpenTelemetry variables once, at start-up. Tracing is on only when an OTLP endpoint is set
 * (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces) and neither
 * OTEL_SDK_DISABLED=true nor OTEL_TRACES_EXPORTER=none says otherwise; `undefined` means off. A value this
 * process cannot honour throws, naming the variable, so a misconfigured process stops instead of silently not
 * tracing.
 */
export function tracingConfig(processName: string, env: NodeJS.ProcessEnv = process.env): TracingConfig | undefined {
  if (truthy(env.OTEL_SDK_DISABLED)) return undefined;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === 'none') return undefined;
  if (exporter && exporter !== 'otlp') throw new Error(`OTEL_TRACES_EXPORTER=${exporter}: this platform exports "otlp" or "none"`);
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const generic = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!specific && !generic) return undefined;
  const url = specific
    ? endpoint('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', specific)
    : `${endpoint('OTEL_EXPORTER_OTLP_ENDPOINT', generic as string).replace(/\/+$/, '')}/v1/traces`;
  const protocolVar = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = env[protocolVar]?.trim() || 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new Error(`${protocolVar}=${protocol}: use http/protobuf or http/json (OTLP over gRPC is not built in)`);
  }
  return { serviceName: env.OTEL_SERVICE_NAME?.trim() || processName, url, protocol };
}
