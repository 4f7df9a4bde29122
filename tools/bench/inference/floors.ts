/**
 * Floors under the proxy tier's cost, run on the proxy's cores as the gateway and the inference service are
 * (the processes are in floor-peers.ts):
 * - the bare hop: one gRPC unary call between two processes with nothing else around it (no NestJS, no routes, no
 *   backend), against Node's bare HTTP/2 exchanging the same bytes, the two alternated so that a change in the
 *   machine's load hits both;
 * - the bare proxy: the platform's two hops (HTTP in, gRPC between two processes, HTTP out to the backend through
 *   undici) with none of its work, started with the bench (setup.ts) and measured in the same latency blocks and
 *   CPU runs as the stack (proxy-rows.ts);
 * - the sleeping cores: what a request pays when the processes on its path have been asleep (wakeFloor).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stream } from './client';
import { cpuMs, percentile } from './measure';
import { pin } from './pinning';
import { fmt } from './table';

type Transport = 'grpc' | 'http2';
type Cpu = { client: number; server: number };

const PEERS = join(__dirname, 'floor-peers.ts');

function peer(args: string[], cpuList: string | undefined): ChildProcess {
  const child = fork(PEERS, args, { execArgv: ['-r', '@swc-node/register'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  pin(child.pid, cpuList);
  return child;
}

/** The first message from `child` that carries `key`. */
function message<T extends object>(child: ChildProcess, key: keyof T): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: T) => {
      if (!m || typeof m !== 'object' || !(key in m)) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m);
    };
    const onExit = (code: number | null) => reject(new Error(`floor peer exited (${code}) before sending ${String(key)}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function hopOnce(transport: Transport, calls: number, cpuList: string | undefined): Promise<Cpu> {
  const server = peer(['hop-server', transport], cpuList);
  let client: ChildProcess | undefined;
  try {
    const { port } = await message<{ port: number }>(server, 'port');
    client = peer(['hop-client', transport, String(port), String(calls)], cpuList);
    await message<{ warm: boolean }>(client, 'warm');
    const before = { client: cpuMs(client.pid), server: cpuMs(server.pid) };
    const done = message<{ done: boolean }>(client, 'done');
    client.send('go');
    await done;
    return { client: (cpuMs(client.pid) - before.client) / calls, server: (cpuMs(server.pid) - before.server) / calls };
  } finally {
    client?.kill();
    server.kill();
  }
}

const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

/** CPU per call of the bare hop, grpc-js and node:http2, medians over `rounds` alternated runs of `calls` calls. */
export async function hopFloor(calls: number, rounds: number, cpuList: string | undefined): Promise<[string, string][]> {
  const runs: Record<Transport, Cpu[]> = { grpc: [], http2: [] };
  for (let r = 0; r < rounds; r++) for (const t of ['grpc', 'http2'] as const) runs[t].push(await hopOnce(t, calls, cpuList));
  const row = (t: Transport, what: string): [string, string] => {
    const client = median(runs[t].map((x) => x.client));
    const server = median(runs[t].map((x) => x.server));
    return [`floor: ${what}, client + server CPU (ms)`, `${fmt(client + server, 3)} (${fmt(client, 3)} + ${fmt(server, 3)})`];
  };
  return [row('grpc', 'one bare grpc-js unary call'), row('http2', 'the same bytes over bare node:http2')];
}

/**
 * A node:http server on the proxy's cores answering SSE, its first event's p50 as this process (on the backend's core)
 * sees it: back to back; in 20-event streams 2 ms apart, each following the last, as the table's first-token row runs
 * its 200-token streams; and after 40 ms of sleep. Between a paced stream's events both processes sleep, and on a
 * virtual machine waking a sleeping core costs far more than the request (README: "Time to first token and sleeping
 * cores"). The three alternate in rounds, `samples` of each in all.
 */
export async function wakeFloor(samples: number, cpuList: string | undefined): Promise<[string, string]> {
  const server = peer(['sse-server'], cpuList);
  try {
    const { port } = await message<{ port: number }>(server, 'port');
    const first = async (events: number, pace: number) =>
      (await stream(`http://127.0.0.1:${port}/?events=${events}&pace=${pace}`, {}, {})).firstMs;
    const modes = {
      backToBack: () => first(1, 0),
      paced: () => first(20, 2),
      asleep: async () => {
        await sleep(40);
        return first(1, 0);
      },
    };
    const times: Record<keyof typeof modes, number[]> = { backToBack: [], paced: [], asleep: [] };
    const rounds = 4;
    for (let r = 0; r < rounds; r++)
      for (const key of Object.keys(modes) as (keyof typeof modes)[]) {
        for (let i = 0; i < 5; i++) await modes[key]();
        for (let i = 0; i < Math.ceil(samples / rounds); i++) times[key].push(await modes[key]());
      }
    return [
      'floor: first SSE event over bare node:http, back to back / after a 2 ms-paced stream / after 40 ms asleep, p50 (ms)',
      `${fmt(median(times.backToBack))} / ${fmt(median(times.paced))} / ${fmt(median(times.asleep))}`,
    ];
  } finally {
    server.kill();
  }
}

export interface BareProxy {
  url: string;
  /** The front (HTTP in, gRPC out) and the relay (gRPC in, HTTP to the backend), as the gateway and inference are. */
  pids: [number | undefined, number | undefined];
  stop(): void;
}

/** Starts the bare proxy in front of `backendUrl` on `cpuList`. */
export async function startBareProxy(backendUrl: string, cpuList: string | undefined): Promise<BareProxy> {
  const relay = peer(['relay', backendUrl], cpuList);
  const stop = () => {
    front?.kill();
    relay.kill();
  };
  let front: ChildProcess | undefined;
  try {
    const { port: relayPort } = await message<{ port: number }>(relay, 'port');
    front = peer(['front', String(relayPort)], cpuList);
    const { port } = await message<{ port: number }>(front, 'port');
    return { url: `http://127.0.0.1:${port}`, pids: [front.pid, relay.pid], stop };
  } catch (err) {
    stop();
    throw err;
  }
}
