import { describe, expect, it } from 'vitest';
import type { ToolContext } from '../tool-types';
import { evaluateMath } from './evaluate-math';
import { mathTool } from './math-tool';

const ctx: ToolContext = { projectId: 'p', memoryBankUuids: [], signal: new AbortController().signal };
const run = (expression: unknown) => mathTool.run({ expression }, ctx);

describe('math tool', () => {
  it('evaluates expressions, functions, matrices and several statements', async () => {
    expect(await run('2 + 3 * 4')).toEqual({ content: '14' });
    expect(await run('sqrt(16) + log(1)')).toEqual({ content: '4' });
    expect(await run('det([1, 2; 3, 4])')).toEqual({ content: '-2' });
    expect(await run('a = 2; a * 3')).toEqual({ content: '6' });
    expect(await run('5 cm to mm')).toEqual({ content: '50 mm' });
  });

  it.each([
    ['import({x: 1}, {override: true})', 'import is not available'],
    ['createUnit("foo")', 'createUnit is not available'],
    ['evaluate("1 + 1")', 'evaluate is not available'],
    ['parse("1 + 1")', 'parse is not available'],
    ['compile("1 + 1")', 'compile is not available'],
    ['simplify("x + x")', 'simplify is not available'],
    ['f(x) = f(x - 1) + f(x - 1); f(60)', 'defining functions is not available'],
    ['2 +* 3', 'Value expected'],
  ])('refuses %s as the tool error', async (expression, message) => {
    const out = await run(expression);
    expect(out.error).toBe(true);
    expect(out.content).toContain(message);
  });

  it('bounds the expression, the result, the memory and the time', async () => {
    expect((await run('1+'.repeat(600) + '1')).content).toContain('longer than 1000 characters');
    expect((await run('ones(100, 100)')).content).toContain('longer than 4000 characters');
    const huge = await run('zeros(100000, 100000)');
    expect(huge).toEqual({ error: true, content: expect.stringContaining('more than 64 MiB') as string });
    const slow = await evaluateMath('sum(ones(2000, 2000) * ones(2000, 2000))', {
      maxExpressionChars: 1000,
      maxResultChars: 100,
      timeoutMs: 50,
      maxMemoryMb: 256,
    });
    expect(slow).toEqual({ ok: false, message: expect.stringMatching(/longer than 50 ms|more than 256 MiB/) as string });
  });

  it('needs an expression', async () => {
    expect(await mathTool.run({}, ctx)).toEqual({ error: true, content: 'the expression argument must be a non-empty string' });
    expect((await run(42)).error).toBe(true);
  });
});
