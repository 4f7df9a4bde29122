// One math evaluation in a worker thread (see evaluate-math.ts): the worker says `ready` once mathjs is loaded, the
// expression comes as the one message it receives, and the outcome goes back as one message. The thread has a small heap and is terminated at the time limit by its parent, so neither a
// huge matrix nor a long computation reaches the service's event loop.
import { parentPort } from 'node:worker_threads';
import { all, create } from 'mathjs';

const math = create(all, { number: 'number', matrix: 'Matrix' });
const parse = math.parse;

// mathjs' documented hardening: everything that reaches outside the expression (new functions, units, nested
// parsing or evaluation) is replaced by a refusal, in the namespace the expression sees.
const refuse = (name) => () => {
  throw new Error(`${name} is not available in this calculator`);
};
math.import(
  Object.fromEntries(
    [
      'import',
      'createUnit',
      'reviver',
      'evaluate',
      'parse',
      'compile',
      'simplify',
      'simplifyConstant',
      'simplifyCore',
      'derivative',
      'resolve',
      'rationalize',
      'leafCount',
      'symbolicEqual',
      'parser',
      'chain',
      'help',
    ].map((n) => [n, refuse(n)]),
  ),
  { override: true },
);

// Function definitions allow unbounded recursion (f(x) = f(x-1) + f(x-1)); the calculator takes expressions only.
const FORBIDDEN_NODES = new Set(['FunctionAssignmentNode']);

function evaluate({ expression, maxResultChars }) {
  const node = parse(expression);
  node.traverse((n) => {
    if (FORBIDDEN_NODES.has(n.type)) throw new Error('defining functions is not available in this calculator');
  });
  let result = node.compile().evaluate({});
  // Several statements (a = 2; a * 3) answer a ResultSet: the last value is the answer.
  if (result && result.isResultSet) result = result.entries.at(-1);
  if (typeof result === 'function') throw new Error('the expression evaluates to a function, not a value');
  const text = math.format(result, { precision: 14 });
  if (text.length > maxResultChars) throw new Error(`the result is longer than ${maxResultChars} characters`);
  return text;
}

parentPort.once('message', (request) => {
  try {
    parentPort.postMessage({ ok: true, text: evaluate(request) });
  } catch (err) {
    parentPort.postMessage({ ok: false, message: String(err?.message ?? err).slice(0, 500) });
  }
});
parentPort.postMessage({ ready: true });
