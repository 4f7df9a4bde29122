/**
 * `npm run bench:training [-- --quick]`: training tokens/s and time per phase for the starter model on this machine,
 * then prompt tuning (tokens/s) and DPO (pairs/s) in the same run (README.md holds the last table).
 * The InstructLab part lives with the training service (apps/training/src/bench/training-bench.ts) because it drives
 * the service's own executor and defaults; the tuning rows (tuning-bench.ts) run the engine's training CLI. Each runs
 * as its own process.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

function run(script: string): Promise<number> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', script, ...process.argv.slice(2)], {
      cwd: root,
      env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.json') },
      stdio: 'inherit',
    });
    child.on('exit', (code) => done(code ?? 1));
  });
}

void (async () => {
  for (const script of [join(root, 'apps/training/src/bench/training-bench.ts'), join(__dirname, 'tuning-bench.ts')]) {
    const code = await run(script);
    if (code !== 0) process.exit(code);
  }
})();
