import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { EpochCheckpoint, PhaseCallbacks, PhaseOutcome, StepReport } from './executor';

export interface CommandSpec {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The trainer's output directory: `epoch-N/` checkpoints and `trainer_state.json`. */
  outputDir: string;
  /** Epochs already in outputDir before the start (a resumed run); they are not reported again. */
  reportedEpochs: number;
  /**
   * Run in a process group of its own and signal the whole group (a shell and what it started). Off for a direct
   * child, which then shares the worker's group and dies with it when the worker's group is killed.
   */
  ownProcessGroup?: boolean;
  /** Time between SIGTERM and SIGKILL on cancel. */
  killGraceMs?: number;
}

interface TrainerStateFile {
  epoch: number;
  global_step: number;
  total_steps: number;
  checkpoint: string;
}

function readState(outputDir: string): TrainerStateFile | undefined {
  const p = join(outputDir, 'trainer_state.json');
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as TrainerStateFile;
  } catch {
    // caught mid-rename; the next look sees it whole
    return undefined;
  }
}

function stepOf(line: Record<string, unknown>): StepReport | undefined {
  const { step, epoch, loss, lr, tokens_per_second, reward_margin } = line;
  if (typeof step !== 'number' || typeof epoch !== 'number') return undefined;
  const report: StepReport = {
    step,
    epoch,
    loss: Number(loss ?? NaN),
    lr: Number(lr ?? 0),
    tokensPerSecond: Number(tokens_per_second ?? 0),
  };
  if (typeof reward_margin === 'number') report.rewardMargin = reward_margin;
  return report;
}

/**
 * Runs a trainer that prints JSON lines and writes epoch checkpoints the way the engine's training CLI does. Each new `epoch-N/` recorded in trainer_state.json is
 * handed to `onCheckpoint` in order; a cancel sends SIGTERM (the engine CLI stops at the next micro-batch) and then
 * SIGKILL.
 */
export function runJsonLinesCommand(spec: CommandSpec, cb: PhaseCallbacks): Promise<PhaseOutcome> {
  return new Promise<PhaseOutcome>((resolve, reject) => {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: spec.ownProcessGroup ?? false,
    });
    let reported = spec.reportedEpochs;
    let chain: Promise<void> = Promise.resolve();
    let failure: unknown;
    const stderrTail: string[] = [];

    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (!child.pid) return;
        if (spec.ownProcessGroup) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        // already gone
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      cb.log('cancel requested: stopping the trainer');
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), spec.killGraceMs ?? 3000);
    };
    if (cb.signal.aborted) onAbort();
    else cb.signal.addEventListener('abort', onAbort, { once: true });

    const collect = () => {
      chain = chain
        .then(async () => {
          if (failure || cb.signal.aborted) return;
          const state = readState(spec.outputDir);
          if (!state || state.epoch <= reported) return;
          for (let e = reported + 1; e <= state.epoch; e++) {
            const dir = join(spec.outputDir, `epoch-${e}`);
            if (!existsSync(join(dir, 'model.safetensors'))) continue;
            const c: EpochCheckpoint = {
              epoch: e,
              localDir: dir,
              globalStep: e === state.epoch ? state.global_step : Math.round((state.global_step / state.epoch) * e),
              totalSteps: state.total_steps,
            };
            await cb.onCheckpoint(c);
          }
          reported = state.epoch;
        })
        .catch((err: unknown) => {
          failure ??= err;
          onAbort();
        });
    };

    createInterface({ input: child.stdout }).on('line', (text) => {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        cb.log(text);
        return;
      }
      const step = stepOf(line);
      if (step) cb.onStep(step);
      else cb.log(text);
      collect();
    });
    createInterface({ input: child.stderr }).on('line', (text) => {
      stderrTail.push(text);
      if (stderrTail.length > 20) stderrTail.shift();
      cb.log(text);
    });
    child.once('error', (err) => {
      failure ??= err;
    });
    child.once('close', (code, signal) => {
      cb.signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      collect();
      void chain.then(() => {
        if (failure) return reject(failure instanceof Error ? failure : new Error(String(failure)));
        if (cb.signal.aborted) return resolve({ status: 'canceled' });
        if (code === 0) return resolve({ status: 'completed' });
        const why = stderrTail.slice(-3).join(' | ') || `exit ${code ?? signal}`;
        reject(new Error(`trainer exited with ${code ?? signal}: ${why}`));
      });
    });
  });
}
