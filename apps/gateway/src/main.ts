import { envInt } from '@platform/common';
import { createGateway } from './create-gateway';

async function main(): Promise<void> {
  const app = await createGateway();
  await app.listen(envInt('PLATFORM_PORT', 8080), process.env.PLATFORM_HOST ?? '127.0.0.1');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
