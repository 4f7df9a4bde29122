import { constants } from 'node:os';
import { type ExecutableTool, stringArgument, toolError, type ToolOutcome } from '../tool-types';
import { runSandboxedPython, type SandboxRun } from './run-sandboxed-python';
import { DEFAULT_SANDBOX_LIMITS, DEFAULT_SANDBOX_PROGRAMS, type SandboxLimits, type SandboxPrograms } from './sandbox-limits';

/** bubblewrap exits with 128 + n when the program inside is killed by signal n. */
function signalInside(exitCode: number | null): string | undefined {
  if (exitCode === null || exitCode <= 128) return undefined;
  return Object.entries(constants.signals).find(([, n]) => n === exitCode - 128)?.[0];
}

/** Why a run failed, in words the model and the caller can act on. */
function failure(run: SandboxRun, l: SandboxLimits): string | undefined {
  if (run.timedOut) return `the program was stopped at the wall-clock limit of ${l.wallMs} ms`;
  if (run.outputCapped) return `the program was stopped: its output passed the limit of ${l.outputBytes} bytes`;
  const inside = signalInside(run.exitCode);
  if (inside === 'SIGXCPU') return `the program was stopped at the CPU limit of ${l.cpuSeconds} s`;
  if (inside === 'SIGXFSZ') return `the program was stopped: it wrote a file larger than ${l.fileBytes} bytes`;
  if (inside) return `the program was killed by ${inside}`;
  if (run.signal) return `the program was stopped (${run.signal})`;
  if (run.exitCode !== 0) return `the program exited with code ${run.exitCode}`;
  return undefined;
}

function outcomeOf(run: SandboxRun, l: SandboxLimits): ToolOutcome {
  const parts = [];
  if (run.stdout) parts.push(`[stdout]\n${run.stdout}`);
  if (run.stderr) parts.push(`[stderr]\n${run.stderr}`);
  const why = failure(run, l);
  if (why) return toolError(`code_interpreter: ${why}.${parts.length ? `\n${parts.join('\n')}` : ''}`);
  return { content: parts.length ? parts.join('\n') : '[no output]' };
}

/**
 * The draft's built-in `code_interpreter`: Python 3 in a bubblewrap sandbox with no network, a read-only system, a
 * bounded scratch directory and CPU, memory, process, file, wall-clock and output limits (see run-sandboxed-python).
 */
export function codeInterpreterTool(
  limits: SandboxLimits = DEFAULT_SANDBOX_LIMITS,
  programs: SandboxPrograms = DEFAULT_SANDBOX_PROGRAMS,
): ExecutableTool {
  return {
    name: 'code_interpreter',
    description:
      'Runs a Python 3 program (standard library only, no network, files only in its working directory) and returns what it prints.',
    parameters: {
      type: 'object',
      properties: { code: { type: 'string', description: 'The Python program; print the results you need.', maxLength: limits.codeBytes } },
      required: ['code'],
    },
    async run(args, ctx) {
      const code = stringArgument(args, 'code');
      if (typeof code !== 'string') return code;
      if (Buffer.byteLength(code) > limits.codeBytes)
        return toolError(`code_interpreter: the program is longer than ${limits.codeBytes} bytes`);
      try {
        return outcomeOf(await runSandboxedPython(code, ctx.signal, limits, programs), limits);
      } catch (err) {
        // bubblewrap or the interpreter missing: the operator's setup, said as the tool's error rather than a 5xx.
        return toolError(`code_interpreter: the sandbox could not start (${(err as Error).message})`);
      }
    },
  };
}
