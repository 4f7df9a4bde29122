/**
 * xgrammar's EBNF as tokens, for guardAlternations (ebnf-alternations.ts). Unreadable: the grammar is not one that
 * pass reads (a syntax error, or a construct it does not know), and xgrammar judges it.
 */
export class Unreadable extends Error {}

export type TokenKind = 'str' | 'cls' | 'id' | 'assign' | '(' | '(=' | ')' | '|' | '*' | '+' | '?' | 'brace' | ',' | '=' | 'int';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  text: string;
}

const isNameStart = (c: string): boolean => /^[A-Za-z_.-]$/.test(c);
const isNameChar = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z0-9_.-]$/.test(c);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number): void => {
    tokens.push({ kind, start: i, end, text: text.slice(i, end) });
    i = end;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
    else if (c === '#') while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    else if (c === '"' || c === '[') {
      const close = c === '"' ? '"' : ']';
      let j = i + 1;
      while (j < text.length && text[j] !== close && text[j] !== '\n' && text[j] !== '\r') j += text[j] === '\\' ? 2 : 1;
      if (text[j] !== close) throw new Unreadable();
      push(c === '"' ? 'str' : 'cls', j + 1);
    } else if (c === '(') push(text[i + 1] === '=' ? '(=' : '(', text[i + 1] === '=' ? i + 2 : i + 1);
    else if (c === '{') {
      const j = text.indexOf('}', i);
      if (j < 0) throw new Unreadable();
      push('brace', j + 1);
    } else if (text.startsWith('::=', i)) push('assign', i + 3);
    else if (')|*+?,='.includes(c)) push(c as TokenKind, i + 1);
    else if (isNameStart(c)) {
      let j = i + 1;
      while (isNameChar(text[j])) j++;
      push('id', j);
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (/[0-9]/.test(text[j] ?? '')) j++;
      push('int', j);
    } else throw new Unreadable();
  }
  return tokens;
}
