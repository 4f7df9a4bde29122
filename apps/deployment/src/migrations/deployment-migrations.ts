import { DeploymentSchema1763900000600 } from './1763900000600-deployment-schema';
import { RagPatternDeployments1765100002000 } from './1765100002000-rag-pattern-deployments';

/** The deployment schema's migrations in order: the service's module and the keeper specs' harness open it with them. */
export const DEPLOYMENT_MIGRATIONS = [DeploymentSchema1763900000600, RagPatternDeployments1765100002000];
