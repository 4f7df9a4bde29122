import { type ExecutableTool, stringArgument, toolError } from '../tool-types';
import { evaluateMath, MATH_LIMITS } from './evaluate-math';

/** The draft's built-in `math` tool: a calculator over mathjs expressions. */
export const mathTool: ExecutableTool = {
  name: 'math',
  description: 'Evaluates a mathematical expression (arithmetic, functions such as sqrt or log, matrices, units) and returns its value.',
  parameters: {
    type: 'object',
    properties: {
      expression: {
        type: 'string',
        description: 'The expression, e.g. "2 * (3 + 4)" or "sqrt(16)".',
        maxLength: MATH_LIMITS.maxExpressionChars,
      },
    },
    required: ['expression'],
  },
  async run(args) {
    const expression = stringArgument(args, 'expression');
    if (typeof expression !== 'string') return expression;
    const outcome = await evaluateMath(expression);
    return outcome.ok ? { content: outcome.text } : toolError(`math: ${outcome.message}`);
  },
};
