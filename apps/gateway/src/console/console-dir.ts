import { resolve } from 'node:path';

/** Where `nx build console` writes the console (vite.config.mts `build.outDir`): dist/apps/console at the repo root. */
export const DEFAULT_CONSOLE_DIR = resolve(__dirname, '../../../../dist/apps/console');

/** The path the console is served under; the API owns every other path. */
export const CONSOLE_BASE = '/ui/';
