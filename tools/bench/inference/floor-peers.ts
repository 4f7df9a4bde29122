/**
 * The processes of the floor measurements (floors.ts), one role each, talking to their parent over IPC (`{ port }` once
 * listening). All run grpc-js as the platform does: its lean AsyncResource#bind, a fresh Metadata per call.
 *
 * The bare hop: `hop-server grpc|http2` answers every unary call with a fixed 300-byte message; `hop-client
 * grpc|http2 <port> <calls>` makes that many calls at concurrency 64 (`{ warm }` after as many warm-up calls, then
 * waits for a message, then `{ done }`). `http2` is Node's own HTTP/2 exchanging the same gRPC-framed bytes and
 * trailers, the floor grpc-js is built on.
 *
 * The bare proxy: the platform's two hops with nothing of the platform in them. `relay <backend URL>` is a grpc-js
 * server whose one unary method POSTs the JSON it is given to the backend's `/v1/completions` through undici's Pool (as
 * the inference service does) and answers with the response body; `front <relay port>` is a node:http server (what
 * fastify runs on) that parses a POSTed JSON body and makes that gRPC call.
 *
 * The sleeping cores: `sse-server` is a node:http server answering `/?events=N&pace=MS` with N SSE events, the first at
 * once and the next MS apart (floors.ts `wakeFloor`).
 */
import * as grpc from '@grpc/grpc-js';
import { useLeanAsyncResourceBind } from '@platform/common';
import { createServer } from 'node:http';
import http2 from 'node:http2';
import { Pool } from 'undici';
import { timeCount } from './measure';

const CONCURRENCY = 64;
const BODY = 300;
const same = (b: Buffer) => b;
const send = (m: object) => process.send?.(m);
const unaryMethod = (path: string) =>
  ({
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: same,
    requestDeserialize: same,
    responseSerialize: same,
    responseDeserialize: same,
  }) as const;

function listenGrpc(server: grpc.Server): void {
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) throw err;
    send({ port });
  });
}

function sendPort(server: { address(): unknown }): void {
  const address = server.address();
  send({ port: typeof address === 'object' && address && 'port' in address ? address.port : 0 });
}

// ---- the bare hop

const HOP = '/bench.Hop/Call';
/** A gRPC message frame: not compressed, 4-byte length, the message. */
const frame = (fill: number) => Buffer.concat([Buffer.from([0, 0, 0, 1, 44]), Buffer.alloc(BODY, fill)]);

function hopServer(transport: 'grpc' | 'http2'): void {
  if (transport === 'grpc') {
    const server = new grpc.Server();
    const reply = Buffer.alloc(BODY, 1);
    server.addService({ call: unaryMethod(HOP) }, { call: (_call: unknown, done: grpc.sendUnaryData<Buffer>) => done(null, reply) });
    listenGrpc(server);
    return;
  }
  const reply = frame(1);
  const server = http2.createServer();
  server.on('stream', (stream) => {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(reply);
    });
  });
  server.listen(0, '127.0.0.1', () => sendPort(server));
}

function hopCaller(transport: 'grpc' | 'http2', port: number): () => Promise<void> {
  if (transport === 'grpc') {
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const request = Buffer.alloc(BODY, 2);
    return () =>
      new Promise((resolve, reject) =>
        client.makeUnaryRequest(HOP, same, same, request, new grpc.Metadata(), {}, (err) => (err ? reject(err) : resolve())),
      );
  }
  const session = http2.connect(`http://127.0.0.1:${port}`);
  const request = frame(2);
  const headers = { ':method': 'POST', ':path': HOP, 'content-type': 'application/grpc', te: 'trailers' };
  return () =>
    new Promise((resolve, reject) => {
      const stream = session.request(headers);
      stream.on('data', () => undefined);
      stream.on('error', reject);
      stream.on('end', resolve);
      stream.end(request);
    });
}

async function hopClient(transport: 'grpc' | 'http2', port: number, calls: number): Promise<void> {
  const call = hopCaller(transport, port);
  // As many warm-up calls as measured ones: V8 optimizes after some hundreds, and the measured run is the steady state.
  await timeCount(calls, CONCURRENCY, call);
  send({ warm: true });
  await new Promise((resolve) => process.once('message', resolve));
  await timeCount(calls, CONCURRENCY, call);
  send({ done: true });
}

// ---- the bare proxy

const RELAY = '/bench.Relay/Complete';

function relay(backend: string): void {
  const pool = new Pool(backend, { pipelining: 1 });
  const server = new grpc.Server();
  const complete = (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => {
    pool
      .request({ method: 'POST', path: '/v1/completions', headers: { 'content-type': 'application/json' }, body: call.request })
      .then((res) => res.body.text())
      .then(
        (text) => done(null, Buffer.from(text)),
        (err: Error) => done({ code: grpc.status.UNAVAILABLE, details: err.message }),
      );
  };
  server.addService({ complete: unaryMethod(RELAY) }, { complete });
  listenGrpc(server);
}

function front(relayPort: number): void {
  const client = new grpc.Client(`127.0.0.1:${relayPort}`, grpc.credentials.createInsecure());
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => {
      let body: Buffer;
      try {
        body = Buffer.from(JSON.stringify(JSON.parse(Buffer.concat(parts).toString('utf8'))));
      } catch {
        res.writeHead(400).end();
        return;
      }
      client.makeUnaryRequest(RELAY, same, same, body, new grpc.Metadata(), {}, (err, answer) => {
        if (err || !answer) res.writeHead(502).end(err?.message);
        else res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length }).end(answer);
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => sendPort(server));
}

// ---- the sleeping cores

function sseServer(): void {
  const server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://peer').searchParams;
    const events = Number(query.get('events') ?? 1);
    const pace = Number(query.get('pace') ?? 0);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let i = 0;
      const next = () => {
        res.write(`data: {"i":${i}}\n\n`);
        if (++i < events) setTimeout(next, pace);
        else res.end('data: [DONE]\n\n');
      };
      next();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => sendPort(server));
}

useLeanAsyncResourceBind();
const [role, a, b, c] = process.argv.slice(2);
if (role === 'hop-server') hopServer(a as 'grpc' | 'http2');
else if (role === 'hop-client')
  hopClient(a as 'grpc' | 'http2', Number(b), Number(c)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
else if (role === 'relay') relay(a);
else if (role === 'front') front(Number(a));
else if (role === 'sse-server') sseServer();
else throw new Error(`floor-peers: unknown role ${role}`);
