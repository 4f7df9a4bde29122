import { describe, expect, it } from 'vitest';
import { FREEFORM_SKILL_LINES, KNOWLEDGE, KNOWLEDGE_LINES, asFile, lineOf, replaceLine } from './testing/qna-fixtures';
import { validateLeaf } from './validate-leaf';

const PATH = 'knowledge/science/astronomy/sun/qna.yaml';
const check = (text: string) => validateLeaf(PATH, Buffer.from(text)).map(({ line, rule }) => ({ line, rule }));
const K = (text: string) => lineOf(KNOWLEDGE_LINES, text);

describe('lint (yamllint relaxed, strict, as InstructLab runs it)', () => {
  it('refuses trailing spaces and tabs, inside block scalars too', () => {
    expect(check(asFile(replaceLine(KNOWLEDGE_LINES, 'domain: astronomy', 'domain: astronomy  ')))).toEqual([
      { line: 3, rule: 'trailing-spaces' },
    ]);
    const inBlock = replaceLine(
      KNOWLEDGE_LINES,
      '      Fact 2 about the Sun: it is a star of type G2V.',
      '      Fact 2 about the Sun: it is a star of type G2V.\t',
    );
    expect(check(asFile(inBlock))).toEqual([{ line: K('      Fact 2 about the Sun: it is a star of type G2V.'), rule: 'trailing-spaces' }]);
    expect(validateLeaf(PATH, Buffer.from(asFile(replaceLine(KNOWLEDGE_LINES, 'version: 3', 'version: 3 '))))[0].message).toBe(
      'trailing whitespace at the end of the line (trailing-spaces)',
    );
  });

  it('requires a newline at the end of the file', () => {
    expect(check(KNOWLEDGE.slice(0, -1))).toEqual([{ line: KNOWLEDGE_LINES.length, rule: 'new-line-at-end-of-file' }]);
  });

  it('refuses blank lines at the start and the end (the classic trailing blank line), and more than two in a row', () => {
    expect(check(`\n${KNOWLEDGE}`)).toEqual([{ line: 1, rule: 'empty-lines' }]);
    expect(check(`${KNOWLEDGE}\n`)).toEqual([{ line: KNOWLEDGE_LINES.length + 1, rule: 'empty-lines' }]);
    expect(check(`${KNOWLEDGE}\n\n`)).toEqual([{ line: KNOWLEDGE_LINES.length + 2, rule: 'empty-lines' }]);
    expect(validateLeaf(PATH, Buffer.from(`${KNOWLEDGE}\n`))[0].message).toBe('blank line at the end of the file (empty-lines)');
    expect(check(asFile(replaceLine(KNOWLEDGE_LINES, 'domain: astronomy', '', '', 'domain: astronomy')))).toEqual([]);
    const three = replaceLine(KNOWLEDGE_LINES, 'domain: astronomy', '', '', '', 'domain: astronomy');
    expect(check(asFile(three))).toEqual([{ line: 5, rule: 'empty-lines' }]);
    expect(validateLeaf(PATH, Buffer.from(asFile(three)))[0].message).toBe('3 blank lines in a row; at most 2 are allowed (empty-lines)');
  });

  it('refuses Windows line endings once, at the first one', () => {
    expect(check(KNOWLEDGE.replace(/\n/g, '\r\n'))).toEqual([{ line: 1, rule: 'new-lines' }]);
  });

  it('refuses spaces before a colon and several after a colon or a hyphen', () => {
    expect(check(asFile(replaceLine(KNOWLEDGE_LINES, 'domain: astronomy', 'domain : astronomy')))).toEqual([{ line: 3, rule: 'colons' }]);
    expect(check(asFile(replaceLine(KNOWLEDGE_LINES, 'domain: astronomy', 'domain:   astronomy')))).toEqual([{ line: 3, rule: 'colons' }]);
    expect(
      validateLeaf(PATH, Buffer.from(asFile(replaceLine(KNOWLEDGE_LINES, 'domain: astronomy', 'domain:   astronomy'))))[0].message,
    ).toBe('3 spaces after the colon; use one (colons)');
    expect(check(asFile(replaceLine(KNOWLEDGE_LINES, '    - "*.md"', '    -   "*.md"')))).toEqual([
      { line: KNOWLEDGE_LINES.length, rule: 'hyphens' },
    ]);
    // The seed's keys line up after the wide hyphen, so the YAML is valid and only the spacing is wrong.
    const at = lineOf(FREEFORM_SKILL_LINES, '  - question: Write poem number 2 about the sea.');
    const seed = [
      ...FREEFORM_SKILL_LINES.slice(0, at - 1),
      '  -   question: Write poem number 2 about the sea.',
      '      answer: A short poem.',
      ...FREEFORM_SKILL_LINES.slice(at + 3),
    ];
    expect(
      validateLeaf('compositional_skills/writing/poetry/qna.yaml', Buffer.from(asFile(seed))).map(({ line, rule }) => ({ line, rule })),
    ).toEqual([{ line: 9, rule: 'hyphens' }]);
  });

  it('leaves the text of block scalars alone, and comments after a colon', () => {
    const prose = replaceLine(
      KNOWLEDGE_LINES,
      '      Fact 2 about the Sun: it is a star of type G2V.',
      '      Steps  :  look',
      '      -   then write',
      '      Fact 2 about the Sun: it is a star of type G2V.',
    );
    expect(check(asFile(prose))).toEqual([]);
    expect(check(asFile(replaceLine(KNOWLEDGE_LINES, 'seed_examples:', 'seed_examples:   # five of them')))).toEqual([]);
  });

  it('does not check line length (InstructLab disables that rule: contexts are long lines)', () => {
    expect(
      check(
        asFile(
          replaceLine(KNOWLEDGE_LINES, 'document_outline: Facts about the Sun', `document_outline: ${'very long outline '.repeat(40)}end`),
        ),
      ),
    ).toEqual([]);
  });

  it('reports lint problems together with schema problems', () => {
    const lines = replaceLine(KNOWLEDGE_LINES, 'domain: astronomy', 'domain: ""  ');
    expect(check(`${asFile(lines)}\n`)).toEqual([
      { line: 3, rule: 'trailing-spaces' },
      { line: 3, rule: 'min-length' },
      { line: KNOWLEDGE_LINES.length + 1, rule: 'empty-lines' },
    ]);
  });
});

describe('YAML syntax', () => {
  const syntax = (text: string) => validateLeaf(PATH, Buffer.from(text));

  it('reports tabs used as indentation with their line', () => {
    const tabbed = replaceLine(
      KNOWLEDGE_LINES,
      '  repo: https://github.com/example/astronomy-docs',
      '\trepo: https://github.com/example/astronomy-docs',
    );
    const found = syntax(asFile(tabbed));
    expect(found[0]).toEqual({
      line: K('  repo: https://github.com/example/astronomy-docs'),
      rule: 'syntax',
      message: expect.stringMatching(/^YAML syntax error: tabs are not allowed as indentation/),
    });
  });

  it('reports an unclosed quote and does not pile schema errors on a broken tree', () => {
    const broken = replaceLine(KNOWLEDGE_LINES, 'domain: astronomy', 'domain: "astronomy');
    const found = syntax(asFile(broken));
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((i) => i.rule === 'syntax')).toBe(true);
    expect(found[0].line).toBeGreaterThanOrEqual(3);
    expect(found[0].message).toMatch(/^YAML syntax error: /);
    expect(found[0].message).not.toMatch(/at line|\n/);
  });

  it('reports a duplicated key on the line of the repeat', () => {
    expect(syntax(asFile([...KNOWLEDGE_LINES.slice(0, 3), 'domain: physics', ...KNOWLEDGE_LINES.slice(3)]))).toEqual([
      { line: 4, rule: 'key-duplicates', message: 'duplicate key: each key may appear once in a mapping' },
    ]);
  });

  it('refuses several YAML documents in one file', () => {
    expect(syntax(`${KNOWLEDGE}---\nversion: 3\n`).map((i) => i.rule)).toContain('syntax');
  });

  it('still reports lint problems of a file that does not parse', () => {
    const found = syntax('version: 3  \ndomain: [astronomy\n');
    expect(found.map((i) => i.rule)).toEqual(expect.arrayContaining(['trailing-spaces', 'syntax']));
    expect(found.find((i) => i.rule === 'trailing-spaces')?.line).toBe(1);
  });
});
