import { runMain } from '@platform/common';
import { grpcServiceMain } from '@platform/service';
import { DeploymentModule } from './deployment.module';

export const startDeploymentService = grpcServiceMain('deployment', DeploymentModule);

if (require.main === module) runMain(startDeploymentService);
