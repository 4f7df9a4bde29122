import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsRegistry, startOpsServer } from '../ops/ops-server';
import { ReadinessRegistry } from '../ops/readiness';
import { grpcBindUrl } from './listen-address';

describe('grpcBindUrl', () => {
  it('keeps the gRPC URL when no listen host is set (the embedded default)', () => {
    expect(grpcBindUrl('127.0.0.1:50061', undefined)).toBe('127.0.0.1:50061');
  });

  it("binds the URL's port on the listen host, so a pod serves the port its Service's DNS name points at", () => {
    expect(grpcBindUrl('taxonomy:50061', '0.0.0.0')).toBe('0.0.0.0:50061');
    expect(grpcBindUrl('dns:///taxonomy.ilab.svc:50061', '0.0.0.0')).toBe('0.0.0.0:50061');
    expect(grpcBindUrl('taxonomy:50061', '::')).toBe('[::]:50061');
  });

  it('refuses a URL without a port rather than binding a random one', () => {
    expect(() => grpcBindUrl('taxonomy', '0.0.0.0')).toThrow(/no port/);
  });
});

describe('the ops server address', () => {
  afterEach(() => {
    delete process.env.PLATFORM_LISTEN_HOST;
  });

  const boundAddress = async () => {
    const server = await startOpsServer({ port: 0, readiness: new ReadinessRegistry(), registry: createMetricsRegistry('listen-test') });
    const { address } = server.address() as AddressInfo;
    server.close();
    return address;
  };

  it('stays on loopback by default and moves to PLATFORM_LISTEN_HOST, where kubelet probes reach it', async () => {
    expect(await boundAddress()).toBe('127.0.0.1');
    process.env.PLATFORM_LISTEN_HOST = '0.0.0.0';
    expect(await boundAddress()).toBe('0.0.0.0');
  });
});
