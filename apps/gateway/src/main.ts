import { ReadinessRegistry, createLogger, runMain, type RunningProcess } from '@platform/common';
import { startTracing } from '@platform/telemetry';
import { createGateway } from './create-gateway';
import { GatewayConfig } from './gateway.config';

async function main(): Promise<RunningProcess> {
  // First, so the hooks createGateway registers see whether tracing is on.
  const tracing = startTracing('gateway');
  const app = await createGateway();
  const { port, host, drainTimeoutMs } = app.get<GatewayConfig>(GatewayConfig.token);
  await app.listen(port, host);
  const logger = createLogger('gateway');
  return {
    close: async () => {
      logger.info({ drainTimeoutMs }, 'shutting down: draining in-flight requests');
      // Not ready first, so balancers stop routing here while the requests in flight finish.
      app.get(ReadinessRegistry).markDraining();
      await app.close();
      await tracing.shutdown();
      logger.info('stopped');
    },
  };
}

runMain(main);
