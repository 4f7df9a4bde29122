import { describe, expect, it } from 'vitest';
import { tracingConfig } from './tracing-config';

describe('tracingConfig', () => {
  it('is off without an OTLP endpoint, or when switched off', () => {
    expect(tracingConfig('gateway', {})).toBeUndefined();
    expect(tracingConfig('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_SDK_DISABLED: 'TRUE' })).toBeUndefined();
    expect(tracingConfig('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
  });

  it('sends to <endpoint>/v1/traces, or to the traces endpoint as given, in protobuf unless JSON is asked for', () => {
    expect(tracingConfig('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/' })).toEqual({
      serviceName: 'gateway',
      url: 'http://jaeger:4318/v1/traces',
      protocol: 'http/protobuf',
    });
    expect(
      tracingConfig('sdg', {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector/otlp/traces',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'sdg-eu',
      }),
    ).toEqual({ serviceName: 'sdg-eu', url: 'https://collector/otlp/traces', protocol: 'http/json' });
  });

  it('stops on a value it cannot honour, naming the variable', () => {
    expect(() => tracingConfig('x', { OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' })).toThrow(/^OTEL_EXPORTER_OTLP_ENDPOINT=jaeger:4318/);
    expect(() => tracingConfig('x', { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT=not a url is not a URL/,
    );
    expect(() => tracingConfig('x', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' })).toThrow(
      /^OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=grpc/,
    );
    expect(() => tracingConfig('x', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      /^OTEL_TRACES_EXPORTER=zipkin/,
    );
  });
});
