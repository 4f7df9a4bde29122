import { Controller } from '@nestjs/common';
import { healthV1 } from '@platform/contracts';
import { ReadinessRegistry } from '../ops/readiness';

/** The standard grpc.health.v1 service, answering from the same readiness checks as the HTTP /health. */
@Controller()
@healthV1.HealthControllerMethods()
export class GrpcHealthController implements healthV1.HealthController {
  constructor(private readonly readiness: ReadinessRegistry) {}

  async check(): Promise<healthV1.HealthCheckResponse> {
    const { ready } = await this.readiness.check();
    return {
      status: ready ? healthV1.HealthCheckResponse_ServingStatus.SERVING : healthV1.HealthCheckResponse_ServingStatus.NOT_SERVING,
    };
  }
}
