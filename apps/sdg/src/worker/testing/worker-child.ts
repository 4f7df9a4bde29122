// A worker process for the crash test: runs jobs with the batch writer until it is killed.
import { batchWriter } from './batch-writer';
import { openDataSource, startFixtureWorker, type WorkerFixture } from './worker-fixture';

async function main(): Promise<void> {
  const f = JSON.parse(process.env.SDG_WORKER_FIXTURE ?? '') as WorkerFixture;
  const ds = await openDataSource(f.databaseUrl);
  await startFixtureWorker(
    f,
    ds,
    batchWriter({
      batches: Number(process.env.SDG_BATCHES),
      rowsPerBatch: Number(process.env.SDG_ROWS),
      batchMs: Number(process.env.SDG_BATCH_MS),
    }),
  );
  process.stdout.write('worker ready\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
