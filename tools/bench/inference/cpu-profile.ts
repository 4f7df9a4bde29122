/**
 * Preloaded into the platform's processes by `main.ts --profile DIR` (through NODE_OPTIONS): samples the CPU of
 * the gateway and the inference service once the platform is up (PLATFORM_BENCH_PROFILE_DELAY_MS after start) until
 * the process is asked to stop, and writes DIR/<service>-<pid>.cpuprofile (open it in Chrome DevTools or
 * `node tools/bench/inference/top-functions.ts DIR/x.cpuprofile`). Node's own --cpu-prof cannot be used: Nest
 * re-raises SIGTERM after its shutdown hooks, so the process dies by the signal and --cpu-prof never writes.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const entry = process.argv[1] ?? '';
const service = /apps\/([^/]+)\/src\/main\.ts$/.exec(entry)?.[1];
const dir = process.env.PLATFORM_BENCH_PROFILE_DIR;
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

if (dir && service && (process.env.PLATFORM_BENCH_PROFILE_SERVICES ?? 'gateway,inference').split(',').includes(service)) {
  const session = new Session();
  session.connect();
  let started = false;
  let written = false;
  setTimeout(
    () => {
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 250 }, () =>
          session.post('Profiler.start', () => {
            started = true;
          }),
        ),
      );
    },
    Number(process.env.PLATFORM_BENCH_PROFILE_DELAY_MS ?? 0),
  ).unref();
  // The in-process inspector answers synchronously, so the profile is on disk before Nest's own handler runs. Then
  // the listener goes: Nest re-raises the signal once it has shut down, and a listener still there would swallow it.
  const write = () => {
    for (const signal of SIGNALS) process.off(signal, write);
    if (!started || written) return;
    written = true;
    session.post('Profiler.stop', (err, res) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${service}-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  };
  for (const signal of SIGNALS) process.prependListener(signal, write);
  process.on('exit', write);
}
