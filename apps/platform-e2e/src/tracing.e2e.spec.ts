import { randomBytes } from 'node:crypto';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '@platform/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validTaxonomy } from './support/tarballs';
import { uploadToTestBucket } from './support/test-bucket';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

const MODEL = 'platform/tiny-llama';
const VERSION = '2024-05-31';
// OTLP's SpanKind numbers.
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;

let receiver: OtlpReceiver;
let platform: TestPlatform;
let token: string;
let projectId: string;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  platform = await startTestPlatform({
    engineModel: MODEL,
    // Every process exports to the in-test receiver, in JSON, without waiting the default 5 s per batch.
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '100' },
  });
  token = await platform.api.newUser('tracy');
  projectId = await platform.api.newProject(token, 'tracing');
});
afterAll(async () => {
  await platform?.stop();
  await receiver?.close();
});

type SpanMatch = Partial<Pick<ReceivedSpan, 'service' | 'kind' | 'name'>>;
const matches = (s: ReceivedSpan, match: SpanMatch) => Object.entries(match).every(([k, v]) => s[k as keyof ReceivedSpan] === v);

/**
 * The gateway's span of the request that carried this transaction id and the rest of its trace, once a span of each
 * of `expected` has arrived (every process exports on its own schedule).
 */
async function traceOf(transactionId: string, expected: SpanMatch[]): Promise<{ root: ReceivedSpan; trace: ReceivedSpan[] }> {
  const isRoot = (s: ReceivedSpan) => s.service === 'gateway' && s.kind === SERVER && s.attributes['ibm.transaction_id'] === transactionId;
  const spans = await receiver.waitForSpans((all) => {
    const root = all.find(isRoot);
    const trace = all.filter((s) => s.traceId === root?.traceId);
    return !!root && expected.every((m) => trace.some((s) => matches(s, m)));
  }, 30_000);
  const root = spans.find(isRoot) as ReceivedSpan;
  return { root, trace: spans.filter((s) => s.traceId === root.traceId) };
}

function one(trace: ReceivedSpan[], match: SpanMatch): ReceivedSpan {
  const found = trace.filter((s) => matches(s, match));
  expect(found, JSON.stringify(match)).toHaveLength(1);
  return found[0];
}

describe('one trace across processes (OpenTelemetry over OTLP)', () => {
  it('a generation is one trace: gateway request -> inference gRPC call -> model server request, with the transaction id', async () => {
    const res = await platform.api.request('POST', `/ml/v1/text/generation?version=${VERSION}`, {
      token,
      headers: { 'x-global-transaction-id': 'e2e-trace-generation' },
      body: { model_id: MODEL, project_id: projectId, input: 'Hello', parameters: { max_new_tokens: 2 } },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-global-transaction-id')).toBe('e2e-trace-generation');

    const { root, trace } = await traceOf('e2e-trace-generation', [
      { service: 'inference', kind: SERVER },
      { service: 'inference', kind: CLIENT },
      { service: 'engine-server', kind: SERVER },
    ]);
    expect(root).toMatchObject({ name: 'POST /ml/v1/text/generation', parentSpanId: undefined, statusCode: 0 });
    expect(root.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 200 });

    const rpc = one(trace, { service: 'inference', kind: SERVER });
    expect(rpc).toMatchObject({ name: 'inference.v1.InferenceService/Generate', parentSpanId: root.spanId });
    expect(rpc.attributes).toMatchObject({ 'rpc.system': 'grpc', 'rpc.grpc.status_code': 0, 'ibm.transaction_id': 'e2e-trace-generation' });

    const call = one(trace, { service: 'inference', kind: CLIENT });
    expect(call).toMatchObject({ name: 'POST /v1/completions', parentSpanId: rpc.spanId });
    expect(call.attributes).toMatchObject({ 'http.response.status_code': 200 });

    const served = one(trace, { service: 'engine-server', kind: SERVER });
    expect(served).toMatchObject({ name: 'POST /v1/completions', parentSpanId: call.spanId });
    expect(served.attributes).toMatchObject({ 'ibm.transaction_id': 'e2e-trace-generation', 'http.response.status_code': 200 });
  });

  it("a state change's event is published through the outbox in the trace of the request that made it", async () => {
    const path = await uploadToTestBucket(`taxonomies/tracing-${randomBytes(4).toString('hex')}/taxonomy.tar.gz`, await validTaxonomy());
    const res = await platform.api.request('POST', `/v1/projects/${projectId}/taxonomies`, {
      token,
      headers: { 'x-global-transaction-id': 'e2e-trace-taxonomy' },
      body: { name: 'traced', taxonomy_path_cos: path },
    });
    expect(res.status).toBe(201);

    const { root, trace } = await traceOf('e2e-trace-taxonomy', [
      { service: 'taxonomy', kind: SERVER },
      { service: 'taxonomy', kind: PRODUCER },
    ]);
    const rpc = one(trace, { service: 'taxonomy', kind: SERVER });
    expect(rpc).toMatchObject({ name: 'taxonomy.v1.TaxonomyService/CreateTaxonomy', parentSpanId: root.spanId });
    // Published later by the relay, as a child of the call that wrote the outbox row.
    const send = one(trace, { service: 'taxonomy', kind: PRODUCER });
    expect(send).toMatchObject({ name: 'send taxonomy.created', parentSpanId: rpc.spanId });
    expect(send.attributes).toMatchObject({ 'messaging.system': 'nats', 'ibm.transaction_id': 'e2e-trace-taxonomy' });
  });
});
