/**
 * Inference path overhead: the proxy tier (gateway + inference service) measured against a fake instant
 * OpenAI-compatible backend directly, through nginx (when installed) and through the stack, with the proxy and the
 * backend pinned to different cores; then the rows that need a real model (the engine server). One table of the
 * issue's goal figures, then the details.
 *
 *   npm run bench:inference -- [--quick] [--profile DIR]
 *
 * Starts its own PostgreSQL, NATS and S3 server and the platform through the launcher (setup.ts); see README.md.
 */
import { engineRows, type EngineRows } from './engine-rows';
import { hopFloor, wakeFloor } from './floors';
import { proxyRows, type ProxySizes } from './proxy-rows';
import { startBench } from './setup';
import { fmt, renderTable, type Row } from './table';

const quick = process.argv.includes('--quick');
/** `--profile DIR`: the gateway and the inference service write V8 CPU profiles into DIR when they stop (cpu-profile.ts). */
const profileAt = process.argv.indexOf('--profile');
const profileDir = profileAt >= 0 ? process.argv[profileAt + 1] : undefined;

const SIZES: ProxySizes = quick
  ? { samples: 200, requests: 1000, streams: 5, held: 300, holdS: 10 }
  : { samples: 1000, requests: 5000, streams: 20, held: 5000, holdS: 60 };
/** The engine rows: latency samples and seconds per throughput run. */
const ENGINE = quick ? { n: 60, seconds: 4 } : { n: 300, seconds: 12 };
/** The bare gRPC hop: calls per run, runs per transport. */
const HOP = quick ? { calls: 5000, rounds: 2 } : { calls: 20000, rounds: 3 };

function coalescingRow(engine: EngineRows | Error): Row {
  const figure = 'embedding coalescing gain vs the engine server’s own batch gain';
  if (engine instanceof Error) return { figure, added: 'failed (see details)' };
  const ratio = engine.coalescingGain / engine.engineBatchGain;
  return {
    figure,
    direct: `${fmt(engine.engineBatchGain)}x (batched calls)`,
    stack: `${fmt(engine.coalescingGain)}x (coalesced)`,
    added: `${fmt(ratio)} of the engine's gain`,
    goal: '≥ 0.9',
    met: ratio >= 0.9,
  };
}

async function main(): Promise<void> {
  const bench = await startBench(profileDir);
  try {
    const proxy = await proxyRows(bench, SIZES);
    const header = `inference path benchmark (${quick ? 'quick' : 'full'}; ${SIZES.samples} latency samples per target, ${SIZES.requests} requests per CPU/throughput run)\nplacement: ${bench.placement.describe}`;
    // The proxy rows so far, in case the engine rows (which restart the platform twice) fail.
    console.error(`\n${header}\n\n${renderTable(proxy.rows)}\n`);
    const engine = await engineRows(bench, ENGINE.n, ENGINE.seconds).catch((err: unknown) =>
      err instanceof Error ? err : new Error(String(err)),
    );
    const floor = [
      ...(await hopFloor(HOP.calls, HOP.rounds, bench.placement.proxy)),
      await wakeFloor(SIZES.samples / 4, bench.placement.proxy),
    ];
    const rows = [...proxy.rows, coalescingRow(engine)];
    console.log(`\n${header}\n`);
    console.log(renderTable(rows));
    const details = [
      ...proxy.details,
      ...floor,
      ...(engine instanceof Error ? [['engine rows failed', engine.message] as [string, string]] : engine.details),
    ];
    const width = Math.max(...details.map(([k]) => k.length));
    console.log('\ndetails\n');
    for (const [k, v] of details) console.log(`${k.padEnd(width)}  ${v}`);
    if (engine instanceof Error) process.exitCode = 1;
  } finally {
    await bench.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
