import { describe, expect, it } from 'vitest';
import { jsonGrammar } from './json-schema';
import { regexToEbnf } from './regex/regex-to-ebnf';
import { rewriteStructuralTag } from './structural-tag-rewrite';

describe('structural tag rewrite', () => {
  it('turns every regex format of the format tree into a grammar format, and nothing else', () => {
    const schema = { type: 'object', properties: { type: { const: 'regex' }, pattern: { type: 'string' } } };
    const tag = {
      type: 'structural_tag',
      format: {
        type: 'triggered_tags',
        triggers: ['<'],
        tags: [
          { type: 'tag', begin: '<a>', content: { type: 'regex', pattern: '[é-ë]+' }, end: '</a>' },
          {
            type: 'tag',
            begin: '<b>',
            content: { type: 'sequence', elements: [{ type: 'or', elements: [{ type: 'regex', pattern: 'x|y' }, { type: 'any_text' }] }] },
            end: '</b>',
          },
          { type: 'tag', begin: '<c>', content: { type: 'json_schema', json_schema: schema }, end: '</c>' },
        ],
      },
    };
    const out = JSON.parse(rewriteStructuralTag(JSON.stringify(tag)));
    expect(out.format.tags[0].content).toEqual({ type: 'grammar', grammar: regexToEbnf('[é-ë]+') });
    expect(out.format.tags[1].content.elements[0].elements).toEqual([
      { type: 'grammar', grammar: regexToEbnf('x|y') },
      { type: 'any_text' },
    ]);
    // A JSON schema part becomes our grammar for it; its own keywords (a property named `pattern`) are not formats.
    expect(out.format.tags[2].content).toEqual({ type: 'grammar', grammar: jsonGrammar(JSON.stringify(schema)) });
    expect(out.format.triggers).toEqual(['<']);
  });

  it('makes a grammar format safe as a grammar spec is, and takes a bare format', () => {
    expect(JSON.parse(rewriteStructuralTag('{"type":"grammar","grammar":"root ::= [a\\u00e9]"}'))).toEqual({
      type: 'grammar',
      grammar: 'root ::= ([a] | "\\u00e9")',
    });
  });

  it('writes JSON schema parts without whitespace when asked (disable_any_whitespace)', () => {
    const tag = { format: { type: 'json_schema', json_schema: { type: 'integer' } } };
    expect(JSON.parse(rewriteStructuralTag(JSON.stringify(tag), { compactJson: true })).format).toEqual({
      type: 'grammar',
      grammar: jsonGrammar('{"type":"integer"}', { compact: true }),
    });
  });

  it('names the part it cannot translate', () => {
    expect(() => rewriteStructuralTag('{"format":{"type":"grammar","grammar":"root ::= [\\u0100-\\uffff]"}}')).toThrow(
      /^grammar: line 1: character class/,
    );
    expect(() => rewriteStructuralTag('{"format":{"type":"json_schema","json_schema":{"properties":{"a":{"not":{}}}}}}')).toThrow(
      /^json_schema: not is not supported .* at #\/properties\/a$/,
    );
  });
});
