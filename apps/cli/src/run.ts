import { CommanderError } from 'commander';
import { ConnectionError } from './api-client';
import { ApiError, describeApiError } from './api-error';
import type { CliContext } from './context';
import type { Io } from './output';
import { buildProgram } from './program';
import { UsageError } from './usage-error';

/** Exit codes: 0 success, 1 the API (or a watched job) failed, 2 the command line was wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export async function run(argv: string[], io: Io): Promise<number> {
  const ctx: CliContext = { io, exitCode: EXIT_OK };
  try {
    await buildProgram(ctx).parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    // Commander has already printed its message (or the help); --help and --version exit 0.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof ApiError) {
      for (const line of describeApiError(err)) io.err(`${line}\n`);
      return EXIT_FAILED;
    }
    io.err(`Error: ${err instanceof ConnectionError || err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILED;
  }
}
