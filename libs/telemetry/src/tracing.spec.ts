import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { startOtlpReceiver } from '@platform/test-fixtures';
import { describe, expect, it } from 'vitest';
import { startHttpClientSpan } from './http-client-spans';
import { contextFromHeaders, currentTraceparent, spanLogFields, traceMetadata } from './propagation';
import { endSpan, startSpan } from './spans';
import { startTracing, tracingEnabled } from './tracing';
import { runWithTrace, TRACE_HEADER } from './transaction';

describe('startTracing', () => {
  it('without an endpoint creates no SDK and no exporter: the no-op API, and only the transaction id travels', () => {
    const tracing = startTracing('gateway', {});
    expect(tracing.enabled).toBe(false);
    expect(tracingEnabled()).toBe(false);
    // Nothing registered: the API still hands out its no-op tracer, whose spans record nothing.
    const span = trace.getTracer('t').startSpan('s');
    expect(span.isRecording()).toBe(false);
    expect(trace.getSpanContext(context.active())).toBeUndefined();
    expect(propagation.fields()).toEqual([]);
    expect(startHttpClientSpan('POST', 'http://engine:8000', '/v1/completions')).toBeUndefined();
    runWithTrace('tx-1', () => {
      expect(traceMetadata()).toEqual({ [TRACE_HEADER]: 'tx-1' });
      expect(currentTraceparent()).toBeUndefined();
      expect(spanLogFields()).toEqual({});
    });
  });

  it('with an endpoint exports spans over OTLP/HTTP under the service name and propagates W3C traceparent', async () => {
    const receiver = await startOtlpReceiver();
    const tracing = startTracing('unit-test', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    try {
      expect(tracing.enabled).toBe(true);
      expect(startTracing('another-name', {})).toBe(tracing);
      const caller = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const server = startSpan(
        'GET /things',
        SpanKind.SERVER,
        {},
        contextFromHeaders((h) => (h === 'traceparent' ? caller : undefined)),
      );
      const sent = context.with(server.ctx, () =>
        runWithTrace('tx-2', () => {
          expect(spanLogFields()).toEqual({ trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: server.span.spanContext().spanId });
          return {
            headers: traceMetadata(),
            parent: currentTraceparent(),
            client: startHttpClientSpan('POST', 'http://e:8000', '/x?a=1', '/x'),
          };
        }),
      );
      expect(sent.headers[TRACE_HEADER]).toBe('tx-2');
      expect(sent.headers.traceparent).toBe(`00-0af7651916cd43dd8448eb211c80319c-${server.span.spanContext().spanId}-01`);
      expect(sent.parent).toBe(sent.headers.traceparent);
      expect(sent.client?.headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
      sent.client?.end(503);
      endSpan(server.span);
      await tracing.forceFlush();
      const spans = await receiver.waitForSpans((all) => all.length >= 2);
      const serverSpan = spans.find((s) => s.name === 'GET /things');
      expect(serverSpan).toMatchObject({
        service: 'unit-test',
        traceId: '0af7651916cd43dd8448eb211c80319c',
        parentSpanId: 'b7ad6b7169203331',
      });
      expect(spans.find((s) => s.name === 'POST /x')).toMatchObject({
        parentSpanId: serverSpan?.spanId,
        kind: 3,
        statusCode: 2,
        attributes: { 'http.response.status_code': 503 },
      });
    } finally {
      await tracing.shutdown();
      await receiver.close();
    }
    expect(tracingEnabled()).toBe(false);
  });
});
