import { describe, expect, it } from 'vitest';
import type { ModelServerAdapter } from '../backends/types';
import { listModels } from '../handlers/embed-tokenize';
import { readInferenceConfig } from '../inference.config';
import { PoolRegistry } from '../pools/pool-registry';
import { Replica } from '../pools/replica';

const logger = { info: () => undefined, warn: () => undefined } as unknown as ConstructorParameters<typeof PoolRegistry>[1];
const server = (url: string) => new Replica({ url, kind: 'openai' } as ModelServerAdapter, 'm');
const configured = () =>
  new PoolRegistry(
    readInferenceConfig({ PLATFORM_INFERENCE_POOLS: JSON.stringify([{ model_id: 'ibm/granite', replicas: [{ url: 'http://g' }] }]) }),
    logger,
  );
const ids = (registry: PoolRegistry, includeDeployments?: boolean) =>
  listModels(registry, { includeDeployments }).models.map((m) => [m.modelId, m.deploymentId]);

describe("deployments' own pools", () => {
  it('are created by an announcement that names a deployment, and left out of the catalog unless asked for', () => {
    const registry = configured();
    registry.addReplica('deployments/d1', server('http://r1'), 'd1');
    registry.addReplica('platform/announced', server('http://r2'));
    expect(ids(registry)).toEqual([
      ['ibm/granite', undefined],
      ['platform/announced', undefined],
    ]);
    expect(ids(registry, false)).toEqual(ids(registry));
    expect(ids(registry, true)).toEqual([
      ['ibm/granite', undefined],
      ['deployments/d1', 'd1'],
      ['platform/announced', undefined],
    ]);
  });

  it('keep what they were created as: a deployment replica joining a catalog pool does not hide it', () => {
    const registry = configured();
    registry.addReplica('ibm/granite', server('http://r1'), 'd2');
    expect(ids(registry)).toEqual([['ibm/granite', undefined]]);
    expect(listModels(registry).models[0]).toMatchObject({ replicas: 2 });
  });

  it('are still routable by their model id, and leave with their last replica', () => {
    const registry = configured();
    const replica = server('http://r1');
    registry.addReplica('deployments/d3', replica, 'd3');
    registry.addReplica('deployments/d3', server('http://r2'), 'd3');
    expect(registry.get('deployments/d3').replicas).toHaveLength(2);
    registry.removeReplica('deployments/d3', replica);
    expect(ids(registry, true)).toContainEqual(['deployments/d3', 'd3']);
    registry.removeReplica('deployments/d3', registry.get('deployments/d3').replicas[0]);
    expect(ids(registry, true)).toEqual([['ibm/granite', undefined]]);
    expect(() => registry.get('deployments/d3')).toThrow(/not supported/);
  });
});
