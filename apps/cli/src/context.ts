import { Option, type Command } from 'commander';
import { ApiClient } from './api-client';
import { resolveApiConfig, type GlobalFlags } from './config';
import type { Io, OutputFormat } from './output';

/** What every verb gets: the streams, and where it records a non-zero exit that is not an error (a failed job). */
export interface CliContext {
  io: Io;
  exitCode: number;
}

export function outputOption(): Option {
  return new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table');
}

/** The API client for the global flags (and ILAB_* environment) as given around this verb. */
export function clientFor(cmd: Command, ctx: CliContext): ApiClient {
  return new ApiClient(resolveApiConfig(cmd.optsWithGlobals<GlobalFlags>(), ctx.io.env));
}

export function formatOf(cmd: Command): OutputFormat {
  return cmd.opts<{ output: OutputFormat }>().output;
}
