import { describe, expect, it } from 'vitest';
import { PlatformError } from '@platform/common';
import { EventStreamSlots } from './event-stream-slots';

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return (err as PlatformError).code;
  }
  return 'taken';
};

describe('EventStreamSlots', () => {
  it('bounds the streams of one caller (429) and of everyone (503), and gives each slot back once', () => {
    const slots = new EventStreamSlots({ perPrincipal: 2, total: 3 });
    const a1 = slots.take('a');
    slots.take('a');
    expect(codeOf(() => slots.take('a'))).toBe('too_many_event_streams');
    slots.take('b');
    expect(codeOf(() => slots.take('c'))).toBe('event_streams_unavailable');
    a1();
    a1();
    expect(slots.size).toBe(2);
    expect(codeOf(() => slots.take('c'))).toBe('taken');
    expect(codeOf(() => slots.take('a'))).toBe('event_streams_unavailable');
  });
});
