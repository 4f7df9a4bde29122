/** The deployment service's gRPC client (DeploymentService and ModelAssetService), registered in app.module.ts. */
export const DEPLOYMENT_CLIENT = 'DEPLOYMENT_CLIENT';
