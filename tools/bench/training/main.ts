/**
 * `npm run bench:training [-- --quick]`: training tokens/s and time per phase for the starter model on this machine.
 * The benchmark lives with the training service (apps/training/src/bench/training-bench.ts) because it drives the
 * service's own executor and defaults; this entry runs it as its own process.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');
const child = spawn(
  process.execPath,
  ['-r', '@swc-node/register', join(root, 'apps/training/src/bench/training-bench.ts'), ...process.argv.slice(2)],
  {
    cwd: root,
    env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.json') },
    stdio: 'inherit',
  },
);
child.on('exit', (code) => process.exit(code ?? 1));
