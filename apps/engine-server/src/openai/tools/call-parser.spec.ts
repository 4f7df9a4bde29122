import { describe, expect, it } from 'vitest';
import { type ParsedDelta, type ToolCall, ToolCallParser } from './call-parser';
import type { ToolCallFormat } from './format';

/** Feeds `text` in pieces of `size` characters and reassembles the deltas as the openai client does. */
function stream(format: ToolCallFormat, text: string, size: number) {
  const parser = new ToolCallParser(format);
  const deltas: ParsedDelta[] = [];
  for (let i = 0; i < text.length; i += size) deltas.push(parser.push(text.slice(i, i + size)));
  deltas.push(parser.finish());
  let content = '';
  const calls: ToolCall[] = [];
  for (const d of deltas) {
    content += d.content;
    for (const c of d.calls) {
      if (c.id) {
        expect(c.index).toBe(calls.length);
        expect(c.type).toBe('function');
        expect(typeof c.function.name).toBe('string');
        calls.push({ id: c.id, type: 'function', function: { name: c.function.name!, arguments: '' } });
      }
      calls[c.index].function.arguments += c.function.arguments ?? '';
    }
  }
  return { content, calls, result: parser.result(), incomplete: parser.incomplete };
}

const HERMES_TWO =
  'Let me check.\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris, FR", "days": [1, {"x": "}"}]}}\n</tool_call>\n' +
  '<tool_call>\n{"name": "get_time", "arguments": {}}\n</tool_call>';
const JSON_TWO = '{"name": "get_weather", "parameters": {"city": "Paris; FR"}}; {"name": "get_time", "parameters": {}}';

describe('ToolCallParser', () => {
  for (const size of [1, 3, 7, 1000]) {
    it(`hermes: text and two calls, in pieces of ${size}`, () => {
      const s = stream('hermes', HERMES_TWO, size);
      expect(s.content).toBe('Let me check.');
      expect(s.calls.map((c) => [c.function.name, JSON.parse(c.function.arguments)])).toEqual([
        ['get_weather', { city: 'Paris, FR', days: [1, { x: '}' }] }],
        ['get_time', {}],
      ]);
      expect(s.calls[0].id).toMatch(/^chatcmpl-tool-[0-9a-f]{32}$/);
      expect(s.result).toEqual({ content: 'Let me check.', calls: s.calls });
    });

    it(`json: two calls separated by "; ", in pieces of ${size}`, () => {
      const s = stream('json', JSON_TWO, size);
      expect(s.content).toBe('');
      expect(s.calls.map((c) => [c.function.name, c.function.arguments])).toEqual([
        ['get_weather', '{"city": "Paris; FR"}'],
        ['get_time', '{}'],
      ]);
      expect(s.result).toEqual({ content: null, calls: s.calls });
    });
  }

  it('never lets call syntax into the streamed text', () => {
    const parser = new ToolCallParser('hermes');
    const pieces = ['Hi <', 'tool', '_call>\n{"na', 'me": "f", "arguments": {"a"', ': 1}}\n</tool_', 'call>'];
    const deltas = pieces.map((p) => parser.push(p));
    deltas.push(parser.finish());
    expect(deltas.map((d) => d.content).join('')).toBe('Hi');
    for (const d of deltas) expect(d.content).not.toMatch(/[<{]/);
    // The name goes out as soon as it is known, before the arguments are complete.
    expect(deltas[3].calls[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'f', arguments: '{"a"' } });
  });

  it('reads a reply without calls as text', () => {
    expect(stream('json', 'Plain answer {with braces}.', 2).result).toEqual({ content: 'Plain answer {with braces}.', calls: [] });
    expect(stream('hermes', 'No calls < here >', 2).result).toEqual({ content: 'No calls < here >', calls: [] });
  });

  it('sends a call written in another key order whole once its object closes', () => {
    const s = stream('json', '{"parameters": {"q": "x"}, "name": "search"}', 1);
    expect(s.calls).toEqual([{ id: expect.any(String), type: 'function', function: { name: 'search', arguments: '{"q":"x"}' } }]);
  });

  it('gives the text of a call cut off by max_tokens back as content', () => {
    const cut = '{"name": "get_weather", "parameters": {"city": "Par';
    const s = stream('json', cut, 4);
    expect(s.incomplete).toBe(true);
    expect(s.result.calls).toEqual([]);
    expect(s.result.content).toBe(cut);
    const early = stream('json', '{"na', 1);
    expect(early.content).toBe('{"na');
  });

  it('treats a json reply that is not a call object as text', () => {
    expect(stream('json', '{"answer": 42}', 3).result).toEqual({ content: '{"answer": 42}', calls: [] });
  });
});
