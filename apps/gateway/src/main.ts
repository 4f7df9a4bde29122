import { envInt } from '@platform/common';
import { startTracing } from '@platform/telemetry';
import { createGateway } from './create-gateway';

async function main(): Promise<void> {
  // First, so the hooks createGateway registers see whether tracing is on.
  startTracing('gateway');
  const app = await createGateway();
  await app.listen(envInt('PLATFORM_PORT', 8080), process.env.PLATFORM_HOST ?? '127.0.0.1');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
