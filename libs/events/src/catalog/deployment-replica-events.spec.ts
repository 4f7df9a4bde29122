import { describe, expect, it } from 'vitest';
import { deploymentModelId, isDeploymentModelId } from './deployment-replica-events';

describe("a deployment's pool model id", () => {
  it('is deployments/<deployment id>, and only such ids are recognised as one', () => {
    const id = 'b7e1c0d4-5a2f-4e69-8d3b-91f0a6c2e574';
    expect(deploymentModelId(id)).toBe(`deployments/${id}`);
    expect(isDeploymentModelId(deploymentModelId(id))).toBe(true);
    for (const catalogId of ['platform/starter-llama', 'ibm/granite-13b-chat-v2', 'deployments', 'my-deployments/x', 'Deployments/x'])
      expect(isDeploymentModelId(catalogId), catalogId).toBe(false);
  });
});
