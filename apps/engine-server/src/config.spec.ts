import { describe, expect, it } from 'vitest';
import { cpuBudget } from '@platform/common/cpu-budget';
import { parseModelSpec, readConfig } from './config';

describe('readConfig', () => {
  it('reads repeated --model flags with optional served names', () => {
    const c = readConfig(['--model', '/models/a:alpha', '--model=/models/b', '--port', '9000'], {});
    expect(c.models).toEqual([{ dir: '/models/a', name: 'alpha' }, { dir: '/models/b' }]);
    expect(c.port).toBe(9000);
    expect(c.host).toBe('127.0.0.1');
  });

  it('falls back to PLATFORM_ENGINE_MODELS and PLATFORM_ENGINE_PORT, defaulting to 8000', () => {
    const c = readConfig([], { PLATFORM_ENGINE_MODELS: '/m/a:one, /m/b' });
    expect(c.models).toEqual([{ dir: '/m/a', name: 'one' }, { dir: '/m/b' }]);
    expect(c.port).toBe(8000);
    expect(readConfig([], { PLATFORM_ENGINE_MODELS: '/m/a', PLATFORM_ENGINE_PORT: '8123' }).port).toBe(8123);
  });

  it('rejects a missing model, unknown flags and bad ports', () => {
    expect(() => readConfig([], {})).toThrow(/no model/);
    expect(() => readConfig(['--model', '/m', '--bogus'], {})).toThrow(/unknown argument/);
    expect(() => readConfig(['--model', '/m'], { PLATFORM_ENGINE_PORT: 'http' })).toThrow(/port/);
  });

  it('passes engine sizing flags and variables through', () => {
    const c = readConfig(['--model', '/m', '--max-num-seqs', '8', '--max-model-len=1024'], {
      PLATFORM_ENGINE_MAX_WAITING: '16',
      PLATFORM_ENGINE_THREADS: '2',
    });
    expect(c.engine).toEqual({ maxNumSeqs: 8, maxModelLen: 1024, maxWaiting: 16, threads: 2 });
    expect(c.maxConcurrentRequests).toBe(256);
    expect(readConfig(['--model', '/m'], {}).engine.threads).toBe(cpuBudget());
  });

  it('does not split a path on a colon followed by a slash', () => {
    expect(parseModelSpec('s3://bucket/model')).toEqual({ dir: 's3://bucket/model' });
    expect(parseModelSpec('relative/dir:name')).toEqual({ dir: 'relative/dir', name: 'name' });
    expect(parseModelSpec('/models/granite:ibm/granite-3b')).toEqual({ dir: '/models/granite', name: 'ibm/granite-3b' });
  });
});
