import { leadByte, RuleSink, writeAlternation } from './alternation';
import { literalExpression } from './ebnf-text';

/** A choice list as a whole grammar (root rule `root`) matching exactly one of the strings. */
export function choiceToEbnf(choices: readonly string[]): string {
  const sink = new RuleSink('root');
  const options = choices.map((text) => ({
    text: literalExpression(text),
    first: new Set(text === '' ? [] : [leadByte(text.codePointAt(0) ?? 0)]),
  }));
  return [`root ::= ${writeAlternation(options, sink)}`, ...sink.lines].join('\n') + '\n';
}
