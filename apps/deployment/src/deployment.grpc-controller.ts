import { Controller } from '@nestjs/common';
import { deploymentV1 } from '@platform/contracts';
import { checkContainer } from './deployments/deployment-fields';
import { DeploymentChangesService } from './deployments/deployment-changes.service';
import { DeploymentsService } from './deployments/deployments.service';
import { TemporaryDeploymentsService } from './deployments/temporary-deployments.service';

/** `deployment.v1.DeploymentService`: what the gateway's `/ml/v4/deployments` routes and the evaluation service call. */
@Controller()
@deploymentV1.DeploymentServiceControllerMethods()
export class DeploymentGrpcController implements deploymentV1.DeploymentServiceController {
  constructor(
    private readonly deployments: DeploymentsService,
    private readonly changes: DeploymentChangesService,
    private readonly temporary: TemporaryDeploymentsService,
  ) {}

  async createDeployment(req: deploymentV1.CreateDeploymentRequest): Promise<deploymentV1.CreateDeploymentResponse> {
    return { deployment: await this.deployments.create(req) };
  }

  async getDeployment(req: deploymentV1.GetDeploymentRequest): Promise<deploymentV1.GetDeploymentResponse> {
    return { deployment: await this.deployments.get(checkContainer(req.projectId, req.spaceId), req.id) };
  }

  listDeployments(req: deploymentV1.ListDeploymentsRequest): Promise<deploymentV1.ListDeploymentsResponse> {
    return this.deployments.list(req);
  }

  async updateDeployment(req: deploymentV1.UpdateDeploymentRequest): Promise<deploymentV1.UpdateDeploymentResponse> {
    return { deployment: await this.changes.update(req) };
  }

  async deleteDeployment(req: deploymentV1.DeleteDeploymentRequest): Promise<deploymentV1.DeleteDeploymentResponse> {
    await this.changes.delete(req);
    return {};
  }

  async resolveDeployment(req: deploymentV1.ResolveDeploymentRequest): Promise<deploymentV1.ResolveDeploymentResponse> {
    return { deployment: await this.deployments.resolveIdOrName(req.idOrName) };
  }

  async checkServingName(req: deploymentV1.CheckServingNameRequest): Promise<deploymentV1.CheckServingNameResponse> {
    return { available: await this.deployments.servingNameAvailable(req.servingName) };
  }

  async createTemporaryDeployment(
    req: deploymentV1.CreateTemporaryDeploymentRequest,
  ): Promise<deploymentV1.CreateTemporaryDeploymentResponse> {
    return { deployment: await this.temporary.create(req) };
  }

  async renewTemporaryDeployment(
    req: deploymentV1.RenewTemporaryDeploymentRequest,
  ): Promise<deploymentV1.RenewTemporaryDeploymentResponse> {
    return { deployment: await this.temporary.renew(req) };
  }
}
