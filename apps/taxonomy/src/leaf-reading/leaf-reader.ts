import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import type { ReaderReply, ReaderRequest } from './leaf-reader.child';
import type { LeafReading } from './read-leaf';

export interface LeafReaderLimits {
  /** Longest the leaves of one taxonomy may take to read, all together. */
  timeLimitMs: number;
  /** Heap of the process that reads them, in MiB: the most memory the worst leaf may cost. */
  maxHeapMb: number;
  /** Reader processes working side by side; one caller holds at most one of them at a time. */
  processes: number;
}

/** Reading stopped at `leaf`: it took too long, needed too much memory, or could not be read at all. */
export class LeafReadLimitError extends Error {
  override readonly name = 'LeafReadLimitError';
  constructor(
    readonly leaf: string,
    readonly limit: 'time' | 'memory' | 'error',
    message: string,
  ) {
    super(message);
  }
}

/** An idle reader process goes after this long; the next taxonomy starts a new one (about a second). */
const IDLE_MS = 60_000;
/** A reader that read this many bytes is replaced afterwards, so that big uploads do not keep their memory. */
const RECYCLE_AFTER_BYTES = 16 * 1024 * 1024;
const ROOT = join(__dirname, '../../../..');
/** Calls one owner may have waiting behind its running one: each holds its archive's files in memory meanwhile. */
const MAX_WAITING_PER_OWNER = 4;

/** One reader process's place in the pool: its process while it runs, and the timer that ends it when idle. */
interface Slot {
  reader?: Reader;
  idle?: NodeJS.Timeout;
}

interface Reader {
  child: ChildProcess;
  /** The end of its standard error, where V8 says why it died (e.g. "heap out of memory"). */
  stderrTail: string;
  bytesRead: number;
}

/**
 * Reads leaves (validation, token estimate, kind, document source) in child processes, so the service's event loop
 * never waits on the YAML parser or the tokenizer (a 1 MiB qna.yaml of small nodes takes seconds to parse), and a
 * leaf that needs too long or too much memory is stopped without touching the service: at the time limit the process
 * is killed, at the heap limit V8 ends it. Leaves go one at a time, so the leaf being read when a limit is hit is known
 * and named; each call's time limit runs from its own start. (Processes rather than worker threads: a worker thread
 * started again after one was terminated mid-parse brought the whole process down.)
 *
 * Fairness: each caller (`owner`, the user creating a taxonomy) holds at most one process at a time and waiting
 * callers take turns, so one user's stream of slow uploads occupies one process while others are served by the rest.
 */
export class LeafReader {
  private readonly free: Slot[];
  private readonly slots: Slot[];
  private readonly busyOwners = new Set<string>();
  /** Owner → its waiting calls, in the order owners get their next turn. */
  private readonly waiting = new Map<string, ((slot: Slot) => void)[]>();

  constructor(private readonly limits: LeafReaderLimits) {
    this.slots = Array.from({ length: Math.max(1, limits.processes) }, () => ({}));
    this.free = [...this.slots];
  }

  /** Validates each leaf and, when valid, estimates its tokens and reads its kind and document source. */
  read(owner: string, leaves: readonly { path: string; data: Buffer }[]): Promise<LeafReading[]> {
    return this.run(
      owner,
      leaves,
      (leaf) => ({ name: leaf.path, bytes: leaf.data.length, request: { leaf: { path: leaf.path, data: leaf.data } } }),
      (reply) => ('reading' in reply ? reply.reading : undefined),
    );
  }

  /** Tokens of each text (a leaf's fetched documents), named for the messages by `name`. */
  countTokens(owner: string, texts: readonly { name: string; text: string }[]): Promise<number[]> {
    return this.run(
      owner,
      texts,
      ({ name, text }) => ({ name, bytes: text.length, request: { text } }),
      (reply) => ('tokens' in reply ? reply.tokens : undefined),
    );
  }

  /** Ends the reader processes that are running. */
  close(): void {
    for (const slot of this.slots) this.discard(slot);
  }

  onModuleDestroy(): void {
    this.close();
  }

  /** Each item in turn on one reader process, all of them within one time limit. */
  private async run<I, T>(
    owner: string,
    items: readonly I[],
    describe: (item: I) => { name: string; bytes: number; request: ReaderRequest },
    pick: (reply: ReaderReply) => T | undefined,
  ): Promise<T[]> {
    if (items.length === 0) return [];
    const slot = await this.acquire(owner);
    try {
      clearTimeout(slot.idle);
      // Starting the process (about a second) is the service's cost, not the upload's: the clock starts once it is ready.
      const reader = await this.ready(slot);
      const deadline = performance.now() + this.limits.timeLimitMs;
      const answers: T[] = [];
      try {
        for (const item of items) {
          const { name, bytes, request } = describe(item);
          answers.push(await this.ask(reader, name, request, pick, deadline));
          reader.bytesRead += bytes;
        }
      } catch (err) {
        this.discard(slot);
        throw err;
      }
      if (reader.bytesRead > RECYCLE_AFTER_BYTES) this.discard(slot);
      else slot.idle = setTimeout(() => this.discard(slot), IDLE_MS).unref();
      return answers;
    } finally {
      this.release(owner, slot);
    }
  }

  private acquire(owner: string): Promise<Slot> {
    return new Promise((resolve) => {
      const calls = this.waiting.get(owner) ?? [];
      if (calls.length >= MAX_WAITING_PER_OWNER) {
        throw new PlatformError(
          GrpcStatus.RESOURCE_EXHAUSTED,
          'too_many_requests',
          `${MAX_WAITING_PER_OWNER + 1} of your taxonomies are being read already; create this one when they are done.`,
        );
      }
      calls.push(resolve);
      this.waiting.set(owner, calls);
      this.dispatch();
    });
  }

  private release(owner: string, slot: Slot): void {
    this.busyOwners.delete(owner);
    this.free.push(slot);
    this.dispatch();
  }

  /** Free processes go to waiting owners that hold none, in turn: an owner served goes to the back of the line. */
  private dispatch(): void {
    for (const [owner, calls] of [...this.waiting]) {
      if (this.free.length === 0) return;
      if (this.busyOwners.has(owner)) continue;
      const start = calls.shift() as (slot: Slot) => void;
      this.waiting.delete(owner);
      if (calls.length > 0) this.waiting.set(owner, calls);
      this.busyOwners.add(owner);
      start(this.free.pop() as Slot);
    }
  }

  /** The slot's reader process, started and loaded if it was not. */
  private async ready(slot: Slot): Promise<Reader> {
    if (slot.reader && slot.reader.child.exitCode === null && slot.reader.child.signalCode === null) return slot.reader;
    const reader = spawnReader(this.limits.maxHeapMb);
    try {
      await new Promise<void>((resolve, reject) => {
        reader.child.once('message', () => resolve());
        reader.child.once('exit', (code, signal) =>
          reject(new Error(`the leaf reader exited with ${signal ?? code} while starting: ${reader.stderrTail}`)),
        );
        reader.child.once('error', reject);
      });
    } catch (err) {
      reader.child.kill('SIGKILL');
      throw err;
    } finally {
      reader.child.removeAllListeners('message').removeAllListeners('exit').removeAllListeners('error');
      reader.child.on('error', () => undefined); // a failed kill or send; the next read starts a new reader
    }
    slot.reader = reader;
    return reader;
  }

  private ask<T>(
    reader: Reader,
    name: string,
    request: ReaderRequest,
    pick: (reply: ReaderReply) => T | undefined,
    deadline: number,
  ): Promise<T> {
    const { child } = reader;
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        child.off('message', onMessage).off('exit', onExit);
      };
      const refuse = (limit: LeafReadLimitError['limit'], message: string): void => {
        settle();
        reject(new LeafReadLimitError(name, limit, message));
      };
      const onMessage = (reply: ReaderReply): void => {
        if ('error' in reply) return refuse('error', `this file could not be read: ${reply.error}`);
        const answer = pick(reply);
        if (answer === undefined) return;
        settle();
        resolve(answer);
      };
      const onExit = (): void =>
        /heap out of memory|heap limit/i.test(reader.stderrTail)
          ? refuse('memory', `reading this file needed more than ${this.limits.maxHeapMb} MiB of memory; make it smaller or simpler`)
          : refuse('error', 'this file could not be read: the reader stopped');
      const timer = setTimeout(
        () =>
          refuse(
            'time',
            `reading the taxonomy's files took more than ${this.limits.timeLimitMs / 1000} s and stopped in this one; make it smaller or simpler`,
          ),
        Math.max(0, deadline - performance.now()),
      );
      child.on('message', onMessage).on('exit', onExit);
      child.send(request);
    });
  }

  private discard(slot: Slot): void {
    clearTimeout(slot.idle);
    slot.reader?.child.kill('SIGKILL');
    slot.reader = undefined;
  }
}

function spawnReader(maxHeapMb: number): Reader {
  const js = join(__dirname, 'leaf-reader.child.js');
  const compiled = existsSync(js);
  const child = fork(compiled ? js : join(__dirname, 'leaf-reader.child.ts'), [], {
    cwd: ROOT,
    execArgv: [...(compiled ? [] : ['-r', require.resolve('@swc-node/register')]), `--max-old-space-size=${maxHeapMb}`],
    env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
    serialization: 'advanced', // Buffers travel as bytes, not as JSON
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const reader: Reader = { child, stderrTail: '', bytesRead: 0 };
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (reader.stderrTail = (reader.stderrTail + text).slice(-4096)));
  // An idle reader never keeps the service alive.
  child.unref();
  child.channel?.unref();
  return reader;
}
