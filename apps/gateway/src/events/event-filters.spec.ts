import { describe, expect, it } from 'vitest';
import { PlatformError } from '@platform/common';
import { MAX_FILTER_VALUES, parseEventFilters } from './event-filters';

function refusal(run: () => unknown): { target?: { type: string; name: string }; message: string } {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformError);
    return err as PlatformError;
  }
  throw new Error('not refused');
}

describe('parseEventFilters', () => {
  it('reads types, resource ids and the position to resume after', () => {
    const f = parseEventFilters({ type: 'sdg.job.progress, sdg.job.completed', resource_id: 'a-1,b-2', last_event_id: '41' });
    expect([...f.types!]).toEqual(['sdg.job.progress', 'sdg.job.completed']);
    expect([...f.resourceIds!]).toEqual(['a-1', 'b-2']);
    expect(f.after).toBe(41);
    expect(parseEventFilters({})).toEqual({});
    expect(parseEventFilters({ last_event_id: '0' }).after).toBe(0);
  });

  it('lets the Last-Event-ID header win over the query parameter (an EventSource reconnects with its first URL)', () => {
    expect(parseEventFilters({ last_event_id: '5' }, '42').after).toBe(42);
    expect(parseEventFilters({ last_event_id: '5' }, '').after).toBe(5);
  });

  it.each([
    [{ type: 'sdg.job.exploded' }, undefined, 'type', 'parameter'],
    [{ type: 'deployment.replica.ready' }, undefined, 'type', 'parameter'],
    [{ type: 'sdg.job.progress,,sdg.job.failed' }, undefined, 'type', 'parameter'],
    [
      {
        type: Array(MAX_FILTER_VALUES + 1)
          .fill('sdg.job.progress')
          .join(','),
      },
      undefined,
      'type',
      'parameter',
    ],
    [{ resource_id: 'a b' }, undefined, 'resource_id', 'parameter'],
    [{ resource_id: 'x'.repeat(200) }, undefined, 'resource_id', 'parameter'],
    [{ last_event_id: '-1' }, undefined, 'last_event_id', 'parameter'],
    [{ last_event_id: '1e3' }, undefined, 'last_event_id', 'parameter'],
    [{ last_event_id: '99999999999999999999' }, undefined, 'last_event_id', 'parameter'],
    [{}, 'abc', 'Last-Event-ID', 'header'],
  ])('refuses %j (Last-Event-ID %s) with a 400 naming %s', (query, header, name, type) => {
    const err = refusal(() => parseEventFilters(query, header));
    expect(err.target).toEqual({ type, name });
  });

  it('keeps internal types off the list of known ones it answers with', () => {
    const err = refusal(() => parseEventFilters({ type: 'nope' }));
    expect(err.message).toContain('sdg.job.progress');
    expect(err.message).not.toContain('replica');
  });
});
