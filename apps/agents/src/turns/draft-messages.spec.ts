import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { parseTurnHistory, parseTurnMessages } from './draft-messages';
import { moderationsOf } from './shields';

const fieldOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformError);
    return (err as PlatformError).target?.name;
  }
  throw new Error('accepted');
};
const msg = (o: Record<string, unknown>) => ({ role: 'user', content: 'hi', tool_calls: [], tool_responses: [], ...o });

describe('a turn’s messages', () => {
  it('reads user text (a string or a list of strings) and tool responses', () => {
    expect(parseTurnMessages(JSON.stringify([msg({ content: ['a', 'b'] })]))).toEqual([
      { role: 'user', content: 'a\nb', tool_calls: [], tool_responses: [] },
    ]);
    const tool = msg({ role: 'tool', content: '', tool_responses: [{ tool_name: 'get_weather', content: 'Sunny' }] });
    expect(parseTurnMessages(JSON.stringify([tool]))[0].tool_responses).toEqual([{ tool_name: 'get_weather', content: 'Sunny' }]);
  });

  it.each([
    ['', 'messages'],
    ['[]', 'messages'],
    ['{}', 'messages'],
    [JSON.stringify([msg({ role: 'assistant' })]), 'messages[0].role'],
    [JSON.stringify([msg({}), msg({ content: { url: 'https://x/y.png', mime_type: 'image/png' } })]), 'messages[1].content'],
    [JSON.stringify([msg({ content: ['a', { url: 'data:,x', mime_type: 'text/plain' }] })]), 'messages[0].content[1]'],
    [JSON.stringify([msg({ role: 'tool' })]), 'messages[0].tool_responses'],
    [JSON.stringify([msg({ role: 'tool', tool_responses: [{ content: 'x' }] })]), 'messages[0].tool_responses[0]'],
  ])('refuses %s naming %s', (json, field) => {
    expect(fieldOf(() => parseTurnMessages(json))).toBe(field);
  });

  it('reads turn_history as the user messages and answers', () => {
    const turn = { user_messages: [msg({ content: 'q' })], steps: [], response_message: msg({ role: 'assistant', content: 'a' }) };
    expect(parseTurnHistory(JSON.stringify([turn]))).toEqual([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a' },
    ]);
    expect(fieldOf(() => parseTurnHistory('[1]'))).toBe('turn_history[0]');
  });
});

describe('shields as moderations', () => {
  it('asks each category once, at the strictest threshold', () => {
    expect(moderationsOf([])).toBeUndefined();
    const m = moderationsOf([
      { shieldType: 'llama_guard', hap: { threshold: 0.7 }, pii: {} },
      { shieldType: 'llama_guard', hap: { threshold: 0.4 } },
    ]);
    expect(m?.hap?.input).toEqual({ enabled: true, threshold: 0.4 });
    expect(m?.pii?.input).toEqual({ enabled: true, threshold: undefined });
  });
});
