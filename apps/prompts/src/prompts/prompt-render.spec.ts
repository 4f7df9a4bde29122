import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { renderPrompt, requestVariables, type RenderablePrompt } from './prompt-render';

const structured: RenderablePrompt = {
  inputMode: 'structured',
  promptVariables: { topic: { default_value: 'cats' }, tone: {} },
  prompt: {
    model_id: 'ibm/granite-13b-chat-v2',
    input: [['Write about {topic}.', '']],
    data: {
      instruction: 'Answer in a {tone} tone.',
      input_prefix: 'Input:',
      output_prefix: 'Output:',
      examples: [
        ['Write about dogs.', 'Dogs are loyal.'],
        ['Write about birds.', 'Birds sing.'],
      ],
    },
  },
};

const vars = (o: Record<string, unknown>) => requestVariables(o);

describe('renderPrompt', () => {
  it('composes a structured prompt: instruction, examples with their prefixes, the input, the output prefix', () => {
    expect(renderPrompt(structured, undefined, vars({ tone: 'dry' }))).toBe(
      [
        'Answer in a dry tone.',
        'Input: Write about dogs.\nOutput: Dogs are loyal.',
        'Input: Write about birds.\nOutput: Birds sing.',
        'Input: Write about cats.\nOutput:',
      ].join('\n\n'),
    );
  });

  it('takes the request input over the stored one and fills its placeholders too', () => {
    expect(renderPrompt(structured, 'Tell me of {topic}', vars({ tone: 'warm', topic: 'owls' }))).toMatch(
      /Input: Tell me of owls\nOutput:$/,
    );
  });

  it('renders a freeform prompt as its input, variables filled', () => {
    const freeform: RenderablePrompt = { ...structured, inputMode: 'freeform' };
    expect(renderPrompt(freeform, undefined, vars({}))).toBe('Write about cats.');
  });

  it('refuses variables without a value or default, naming each of them', () => {
    const err = (() => {
      try {
        renderPrompt({ ...structured, promptVariables: { tone: null, topic: {} } }, undefined, vars({}));
      } catch (e) {
        return e as PlatformError;
      }
    })();
    expect(err).toBeInstanceOf(PlatformError);
    expect(err?.message).toBe('Missing prompt variables without a default: tone, topic.');
    expect(err?.issues.map((i) => i.target?.name)).toEqual(['prompt_variables.tone', 'prompt_variables.topic']);
  });

  it('leaves braces naming nothing declared as written and fills in one pass', () => {
    const p: RenderablePrompt = {
      inputMode: 'freeform',
      promptVariables: { a: 'x' },
      prompt: { model_id: 'm', data: {}, input: [['{"k": 1} {a} {b}']] },
    };
    expect(renderPrompt(p, undefined, vars({ a: '{b}' }))).toBe('{"k": 1} {b} {b}');
  });

  it('refuses request variables that are not strings, naming the variable', () => {
    expect(() => vars({ x: { y: 1 } })).toThrow('prompt_variables.x must be a string.');
    expect(vars({ n: 3, b: true }).get('n')).toBe('3');
  });
});
