import { context, SpanKind } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import { traceMetadata } from './propagation';
import { endSpan, startSpan } from './spans';
import { tracingEnabled } from './tracing';

export interface HttpClientSpan {
  /** Headers for the request: the W3C context of this span and the transaction id. */
  headers: Record<string, string>;
  /** Ends the span with the response status, or the error that ended the call. */
  end(statusCode?: number, error?: unknown): void;
}

/**
 * A CLIENT span for one outgoing HTTP call (e.g. the inference service asking a model server), whose headers make
 * the server's span its child; `route` (the path without its variable parts) names it. Undefined when tracing is
 * off, so the caller adds nothing to its request and builds nothing for it.
 */
export function startHttpClientSpan(method: string, origin: string, path: string, route?: string): HttpClientSpan | undefined {
  if (!tracingEnabled()) return undefined;
  const url = new URL(path, origin);
  const { span, ctx } = startSpan(route ? `${method} ${route}` : method, SpanKind.CLIENT, {
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_URL_FULL]: url.href,
    [ATTR_SERVER_ADDRESS]: url.hostname,
    [ATTR_SERVER_PORT]: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
  });
  let ended = false;
  return {
    headers: context.with(ctx, traceMetadata),
    end(statusCode, error) {
      if (ended) return;
      ended = true;
      if (statusCode !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
      endSpan(span, error ?? (statusCode !== undefined && statusCode >= 400 ? `HTTP ${statusCode}` : undefined));
    },
  };
}
