import { useLeanAsyncResourceBind } from './async-resource-bind';

/** What a process's start-up returns: the close that drains and stops it. */
export interface RunningProcess {
  close(): Promise<void>;
}

/**
 * Runs a process entry point: exits non-zero with the error when start-up fails, and on SIGTERM or SIGINT closes what
 * it started (in the order its close gives, not Nest's signal hooks, which run the shutdown hooks before the server
 * drains), then exits. Process-wide runtime settings are made here, before anything starts, and only for a process of
 * its own (tests start services in a shared one and close them themselves).
 */
export function runMain(start: () => Promise<RunningProcess>): void {
  useLeanAsyncResourceBind();
  start().then(
    (running) => {
      let stopping = false;
      const stop = () => {
        // Once: Ctrl-C signals the launcher and its children together, and the launcher then sends each a SIGTERM.
        if (stopping) return;
        stopping = true;
        running.close().then(
          () => process.exit(0),
          (err: unknown) => {
            console.error(err);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
