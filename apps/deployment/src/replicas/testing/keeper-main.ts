import { startKeeperFromEnv } from './keeper-harness';

/**
 * A deployment keeper as a process of its own (tests kill it with SIGKILL to play a crashed deployment service).
 * Prints `{"owner": …}` once it takes work; SIGTERM stops it as the service's shutdown would.
 */
async function main(): Promise<void> {
  const running = await startKeeperFromEnv();
  process.stdout.write(`${JSON.stringify({ owner: running.keeper.owner })}\n`);
  process.once('SIGTERM', () => {
    void running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
