import {
  PermanentEventError,
  parseReplicaReady,
  parseReplicaRemoved,
  replicaEvents,
  replicaEventsFilter,
  silentLogger,
} from '@platform/events';
import { describe, expect, it } from 'vitest';
import { PoolRegistry } from '../pools/pool-registry';
import { readInferenceConfig } from '../inference.config';
import { Replica } from '../pools/replica';
import type { ModelServerAdapter } from '../backends/types';

describe('replica announcement contract', () => {
  it('puts both events under one filter subject of the platform stream', () => {
    expect(replicaEvents.subject('deployment.replica.ready')).toBe('platform.events.deployment.replica.ready');
    expect(replicaEvents.subject('deployment.replica.removed')).toBe('platform.events.deployment.replica.removed');
    expect(replicaEventsFilter()).toBe('platform.events.deployment.replica.>');
  });

  it('accepts well-formed payloads, trimming the URL and dropping empty optionals', () => {
    expect(parseReplicaReady({ modelId: 'm', url: 'http://h:1/', adapter: 'tgi', replicaId: 'r', deploymentId: null })).toEqual({
      modelId: 'm',
      url: 'http://h:1',
      adapter: 'tgi',
      replicaId: 'r',
    });
    expect(
      parseReplicaReady({ deploymentId: 'd', modelId: 'm', url: 'https://h', adapter: 'openai', replicaId: 'r', backendModel: 'b' }),
    ).toMatchObject({ deploymentId: 'd', backendModel: 'b' });
    expect(parseReplicaRemoved({ replicaId: 'r', modelId: 'm' })).toEqual({ replicaId: 'r', modelId: 'm' });
  });

  it.each([
    ['not an object', 'x'],
    ['no model', { url: 'http://h', adapter: 'openai', replicaId: 'r' }],
    ['no replica id', { modelId: 'm', url: 'http://h', adapter: 'openai' }],
    ['unknown adapter', { modelId: 'm', url: 'http://h', adapter: 'grpc', replicaId: 'r' }],
    ['no adapter', { modelId: 'm', url: 'http://h', replicaId: 'r' }],
    ['not a URL', { modelId: 'm', url: 'h:1', adapter: 'openai', replicaId: 'r' }],
    ['not http', { modelId: 'm', url: 'ftp://h', adapter: 'openai', replicaId: 'r' }],
    ['blank deployment', { modelId: 'm', url: 'http://h', adapter: 'openai', replicaId: 'r', deploymentId: ' ' }],
  ])('rejects a ready payload as poison: %s', (_, data) => {
    expect(() => parseReplicaReady(data)).toThrow(PermanentEventError);
  });

  it('rejects a removed payload without ids as poison', () => {
    expect(() => parseReplicaRemoved({ modelId: 'm' })).toThrow(PermanentEventError);
    expect(() => parseReplicaRemoved(null)).toThrow(PermanentEventError);
  });
});

describe('PoolRegistry.removeReplica', () => {
  const replica = (url: string) => new Replica({ url, kind: 'openai' } as ModelServerAdapter, 'm');
  const logger = silentLogger as unknown as ConstructorParameters<typeof PoolRegistry>[1];

  it('drops a runtime pool with its last replica but keeps configured pools', () => {
    const config = readInferenceConfig({
      PLATFORM_INFERENCE_POOLS: JSON.stringify([{ model_id: 'configured', replicas: [{ url: 'http://a' }] }]),
    });
    const registry = new PoolRegistry(config, logger);
    const [r1, r2] = [replica('http://b'), replica('http://c')];
    registry.addReplica('runtime', r1);
    registry.addReplica('runtime', r2);
    expect(registry.removeReplica('runtime', r1)).toBe(true);
    expect(registry.get('runtime').replicas).toEqual([r2]);
    expect(registry.removeReplica('runtime', r1)).toBe(false);
    registry.removeReplica('runtime', r2);
    expect(() => registry.get('runtime')).toThrow(/not supported/);
    const configured = registry.get('configured');
    registry.removeReplica('configured', configured.replicas[0]);
    expect(registry.get('configured').replicas).toEqual([]);
  });
});
