import { runMain } from '@platform/common';
import { startTracing } from '@platform/telemetry';
import { createGateway } from './create-gateway';
import { GatewayConfig } from './gateway.config';

async function main(): Promise<void> {
  // First, so the hooks createGateway registers see whether tracing is on.
  startTracing('gateway');
  const app = await createGateway();
  const { port, host } = app.get<GatewayConfig>(GatewayConfig.token);
  await app.listen(port, host);
}

runMain(main);
