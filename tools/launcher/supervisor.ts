import type { ChildProcess } from 'node:child_process';

/** One process the supervisor keeps running: how to start it, how to stop it, and where it logs. */
export interface ProcessSpec {
  name: string;
  /** Named in the crash and give-up lines, so the operator knows where to look. */
  logFile: string;
  /** Starts the process and resolves with it once it runs (a server: once it listens); a rejection is a failed start. */
  start(): Promise<ChildProcess>;
  /** Stops it on purpose. Default: SIGTERM, then SIGKILL after 10 s. */
  stop?(child: ChildProcess): Promise<void>;
}

export interface RestartPolicy {
  /** Crashes of one process within `windowMs` that stop the platform instead of another restart. */
  maxCrashes: number;
  windowMs: number;
  /** Delay before the first restart, doubled for each further crash within the window, at most `maxBackoffMs`. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { maxCrashes: 5, windowMs: 60_000, initialBackoffMs: 500, maxBackoffMs: 30_000 };

export interface SupervisorOptions extends Partial<RestartPolicy> {
  /** One line per crash, restart and give-up. */
  log(line: string): void;
  /** A process crashed `maxCrashes` times within the window; called once, with the line already logged. */
  onGiveUp(message: string): void;
  /** A process (re)started: its pid changed. */
  onStarted?(process: SupervisedProcess): void;
}

/** A running process under supervision; `child` is always the current one, a new one after each restart. */
export interface SupervisedProcess {
  readonly name: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** Unexpected exits (and failed restarts) so far. */
  readonly crashes: number;
  readonly restarts: number;
  /** Stops the process on purpose (no restart) and waits for it to exit. */
  stop(): Promise<void>;
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** How long a process stopped on purpose has before its SIGKILL. */
export const STOP_TIMEOUT_MS = 10_000;

/** SIGTERM, then SIGKILL once `timeoutMs` has passed; resolves when the process has exited. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = STOP_TIMEOUT_MS): Promise<void> {
  return new Promise<void>((done) => {
    if (exited(child)) return done();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill(signal);
  });
}

const duration = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`);
const howItEnded = (code: number | null, signal: NodeJS.Signals | null) => (signal ? `signal ${signal}` : `code ${code}`);

/**
 * Keeps the processes of the embedded default running: one that exits unexpectedly is started again after an
 * exponential back-off while the others keep serving, and only a process that crashes `maxCrashes` times within
 * `windowMs` stops the platform (through `onGiveUp`). Intentional stops never restart.
 */
export class Supervisor {
  readonly policy: RestartPolicy;
  private gaveUp = false;

  constructor(private readonly o: SupervisorOptions) {
    this.policy = {
      maxCrashes: o.maxCrashes ?? DEFAULT_RESTART_POLICY.maxCrashes,
      windowMs: o.windowMs ?? DEFAULT_RESTART_POLICY.windowMs,
      initialBackoffMs: o.initialBackoffMs ?? DEFAULT_RESTART_POLICY.initialBackoffMs,
      maxBackoffMs: o.maxBackoffMs ?? DEFAULT_RESTART_POLICY.maxBackoffMs,
    };
  }

  /** Starts a process and supervises it; a failure of this first start is thrown, not retried. */
  async start(spec: ProcessSpec): Promise<SupervisedProcess> {
    const unit = new Unit(spec, this);
    await unit.begin();
    return unit;
  }

  /** @internal A unit's process died (or did not restart): the delay before the next start, or undefined to give up. */
  crashed(unit: Unit, recent: number, what: string): number | undefined {
    const { maxCrashes, windowMs, initialBackoffMs, maxBackoffMs } = this.policy;
    if (recent >= maxCrashes) {
      const message =
        `${unit.name} ${what}: it crashed ${recent} times within ${duration(windowMs)}; stopping the platform. ` +
        `See its log: ${unit.logFile}`;
      this.o.log(message);
      if (!this.gaveUp) {
        this.gaveUp = true;
        this.o.onGiveUp(message);
      }
      return undefined;
    }
    const delay = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (recent - 1));
    this.o.log(
      `${unit.name} ${what}; restarting in ${duration(delay)} (crash ${recent} of ${maxCrashes} allowed within ${duration(windowMs)}). ` +
        `Its log: ${unit.logFile}`,
    );
    return delay;
  }

  /** @internal */
  restarted(unit: Unit): void {
    this.o.log(`${unit.name} restarted (pid ${unit.child.pid}, restart ${unit.restarts})`);
    this.o.onStarted?.(unit);
  }

  /** @internal */
  started(unit: Unit): void {
    this.o.onStarted?.(unit);
  }
}

class Unit implements SupervisedProcess {
  crashes = 0;
  restarts = 0;
  private current: ChildProcess | undefined;
  private readonly crashTimes: number[] = [];
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private starting: Promise<void> | undefined;

  constructor(
    private readonly spec: ProcessSpec,
    private readonly supervisor: Supervisor,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  get logFile(): string {
    return this.spec.logFile;
  }

  get child(): ChildProcess {
    if (!this.current) throw new Error(`${this.name} has not started`);
    return this.current;
  }

  async begin(): Promise<void> {
    this.watch(await this.spec.start());
    this.supervisor.started(this);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.starting;
    if (this.current && !exited(this.current)) await (this.spec.stop ?? stopChild)(this.current);
  }

  private watch(child: ChildProcess): void {
    this.current = child;
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (!this.stopping && this.current === child) this.crash(`exited unexpectedly (${howItEnded(code, signal)})`);
    };
    if (exited(child)) onExit(child.exitCode, child.signalCode);
    else child.once('exit', onExit);
  }

  private crash(what: string): void {
    this.crashes++;
    const now = Date.now();
    this.crashTimes.push(now);
    while (this.crashTimes.length && now - this.crashTimes[0] >= this.supervisor.policy.windowMs) this.crashTimes.shift();
    const delay = this.supervisor.crashed(this, this.crashTimes.length, what);
    if (delay === undefined) return;
    this.timer = setTimeout(() => {
      if (this.stopping) return;
      this.starting = this.restart().finally(() => (this.starting = undefined));
    }, delay);
  }

  private async restart(): Promise<void> {
    let child: ChildProcess;
    try {
      child = await this.spec.start();
    } catch (err) {
      if (!this.stopping) this.crash(`did not restart (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
      return;
    }
    this.restarts++;
    this.watch(child);
    if (this.stopping) return;
    this.supervisor.restarted(this);
  }
}
