import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './events-connection';
import { urlOf } from './url';

describe('urlOf', () => {
  it('leaves out undefined and null, joins lists with commas, encodes values', () => {
    expect(
      urlOf('/v1/events', { project_id: 'p 1', type: ['sdg.job.progress', 'sdg.job.completed'], resource_id: undefined, x: null }),
    ).toBe('/v1/events?project_id=p+1&type=sdg.job.progress%2Csdg.job.completed');
    expect(urlOf('/v2/projects')).toBe('/v2/projects');
    expect(urlOf('/ml/v1/x?version=1', { limit: 5 })).toBe('/ml/v1/x?version=1&limit=5');
  });
});

describe('reconnectDelayMs', () => {
  it('doubles from 1 s and stays at 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map(reconnectDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});
