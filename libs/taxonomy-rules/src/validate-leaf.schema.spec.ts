import { describe, expect, it } from 'vitest';
import {
  FREEFORM_SKILL,
  FREEFORM_SKILL_LINES,
  GROUNDED_SKILL,
  GROUNDED_SKILL_LINES,
  KNOWLEDGE,
  KNOWLEDGE_LINES,
  asFile,
  lineOf,
  replaceLine,
} from './testing/qna-fixtures';
import { growthOf } from '@platform/test-fixtures';
import { validateLeaf } from './validate-leaf';

const KNOWLEDGE_PATH = 'knowledge/science/astronomy/sun/qna.yaml';
const SKILL_PATH = 'compositional_skills/writing/poetry/qna.yaml';

const issues = (path: string, text: string | Buffer) => validateLeaf(path, Buffer.isBuffer(text) ? text : Buffer.from(text));
const knowledge = (lines: string[]) => issues(KNOWLEDGE_PATH, asFile(lines));
const skill = (lines: string[]) => issues(SKILL_PATH, asFile(lines));
const K = (text: string, from = 0) => lineOf(KNOWLEDGE_LINES, text, from);

describe('valid leaves', () => {
  it('accepts knowledge v3, freeform skills v2 and grounded skills v3', () => {
    expect(issues(KNOWLEDGE_PATH, KNOWLEDGE)).toEqual([]);
    expect(issues(SKILL_PATH, FREEFORM_SKILL)).toEqual([]);
    expect(issues(SKILL_PATH, GROUNDED_SKILL)).toEqual([]);
    expect(skill(replaceLine(FREEFORM_SKILL_LINES, 'version: 2', 'version: 3'))).toEqual([]);
  });

  it('accepts comments, quoting styles, another key order and extra keys in a Q&A pair', () => {
    let lines = replaceLine(KNOWLEDGE_LINES, 'created_by: tester', '# who wrote it', "created_by: 'tester'");
    lines = replaceLine(lines, '        answer: The Sun.', '        answer: The Sun.', '        source: page 3');
    lines = ['domain: astronomy', ...lines.filter((l) => l !== 'domain: astronomy')];
    expect(knowledge(lines)).toEqual([]);
  });

  it('refuses alias bombs after 100 aliases, with one problem and without expanding them', () => {
    const pair = ['qa: &qa {question: Why?, answer: Because.}', 'qas: &qas [' + Array(50).fill('*qa').join(', ') + ']'];
    const seed = 'seed: &seed {context: c, questions_and_answers: *qas}';
    const bomb = asFile([
      ...pair,
      seed,
      ...KNOWLEDGE_LINES.slice(0, 4),
      `seed_examples: [${Array(50).fill('*seed').join(', ')}]`,
      ...KNOWLEDGE_LINES.slice(KNOWLEDGE_LINES.indexOf('document:')),
    ]);
    const found = issues(KNOWLEDGE_PATH, bomb);
    // The 101st alias of the file (the first *seed) is where reading stops.
    expect(found.filter((i) => i.rule === 'aliases')).toEqual([
      { line: 8, rule: 'aliases', message: 'more than 100 aliases are used; write the values out instead' },
    ]);
    expect(found.length).toBeLessThan(150);
  });

  it('refuses a leaf with thousands of aliases in time linear in its size (each alias once walked the whole document)', () => {
    const oneAnchor = (n: number) => 'a: &a x\nb:\n' + '  - *a\n'.repeat(n);
    const anchorEach = (n: number) => 'seed_examples:\n' + Array.from({ length: n }, (_, i) => `  - &a${i} x\n  - *a${i}\n`).join('');
    expect(issues(SKILL_PATH, oneAnchor(5_000))).toContainEqual({
      line: 103,
      rule: 'aliases',
      message: 'more than 100 aliases are used; write the values out instead',
    });
    expect(issues(SKILL_PATH, anchorEach(5_000)).filter((i) => i.rule === 'aliases')).toEqual([
      { line: 203, rule: 'aliases', message: 'more than 100 aliases are used; write the values out instead' },
    ]);
    // 16 times the aliases: about 16 times the time, where walking the document per alias took 256 times.
    expect(growthOf(oneAnchor, (text) => issues(SKILL_PATH, text), 1_000, 16)).toBeLessThan(80);
    expect(growthOf(anchorEach, (text) => issues(SKILL_PATH, text), 500, 16)).toBeLessThan(80);
  });

  it('finds duplicate keys and refuses oversized mappings in time linear in their keys (the yaml check was quadratic)', () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${i}: v`).join('\n') + '\nk0: again\n';
    expect(issues(SKILL_PATH, keys(99))).toEqual([
      { line: 100, rule: 'key-duplicates', message: 'duplicate key: each key may appear once in a mapping' },
    ]);
    expect(issues(SKILL_PATH, keys(20_000))).toEqual([
      { line: 1, rule: 'mapping-size', message: 'a mapping has more than 100 keys' },
      { line: 20_001, rule: 'key-duplicates', message: 'duplicate key: each key may appear once in a mapping' },
    ]);
    expect(issues(SKILL_PATH, '{a: 1, b: 2, a: 3, .nan: x, .nan: y}\n')).toEqual([
      { line: 1, rule: 'key-duplicates', message: 'duplicate key: each key may appear once in a mapping' },
    ]);
    // 16 times the keys: about 16 times the time, where the yaml package's check took 256 times.
    expect(growthOf(keys, (text) => issues(SKILL_PATH, text), 1_000, 16)).toBeLessThan(80);
  });

  it('accepts aliases (resolved before checking)', () => {
    const lines = replaceLine(FREEFORM_SKILL_LINES, 'created_by: tester', 'created_by: &who tester');
    expect(skill(replaceLine(lines, 'task_description: Write short poems', 'task_description: *who'))).toEqual([]);
    expect(skill(replaceLine(lines, 'task_description: Write short poems', 'task_description: *nobody'))).toEqual([
      { line: 3, rule: 'syntax', message: 'YAML syntax error: the alias *nobody has no anchor &nobody before it' },
    ]);
  });
});

describe('knowledge v3 schema', () => {
  it('reports a missing required key at the mapping that lacks it', () => {
    expect(knowledge(replaceLine(KNOWLEDGE_LINES, 'domain: astronomy'))).toEqual([
      { line: 1, rule: 'required', message: 'the file is missing the required key "domain"' },
    ]);
    // The first seed keeps its Q&A pairs but loses its context.
    const noContext = [...KNOWLEDGE_LINES.slice(0, 5), '  - questions_and_answers:', ...KNOWLEDGE_LINES.slice(8)];
    expect(knowledge(noContext)).toEqual([
      { line: 6, rule: 'required', message: 'seed_examples[0] is missing the required key "context"' },
    ]);
  });

  it('refuses unknown keys, suggesting the key that was probably meant', () => {
    expect(knowledge(replaceLine(KNOWLEDGE_LINES, 'created_by: tester', 'createdBy: tester'))).toEqual([
      { line: 1, rule: 'required', message: 'the file is missing the required key "created_by"' },
      { line: 2, rule: 'unknown-key', message: 'unknown key "createdBy" (did you mean "created_by"?)' },
    ]);
    const withTask = knowledge([...KNOWLEDGE_LINES, 'task_description: teach the Sun']);
    expect(withTask).toEqual([
      {
        line: KNOWLEDGE_LINES.length + 1,
        rule: 'unknown-key',
        message: 'unknown key "task_description"; allowed: version, created_by, domain, document_outline, seed_examples, document',
      },
    ]);
    const seedKey = knowledge(
      replaceLine(KNOWLEDGE_LINES, '    questions_and_answers:', '    questions_and_answers:'.replace('questions', 'question')),
    );
    expect(seedKey).toEqual([
      { line: K('  - context: |'), rule: 'required', message: 'seed_examples[0] is missing the required key "questions_and_answers"' },
      {
        line: K('    questions_and_answers:'),
        rule: 'unknown-key',
        message: 'unknown key "question_and_answers" in seed_examples[0] (did you mean "questions_and_answers"?)',
      },
    ]);
    expect(knowledge([...KNOWLEDGE_LINES, '  branch: main'])).toEqual([
      {
        line: KNOWLEDGE_LINES.length + 1,
        rule: 'unknown-key',
        message: 'unknown key "branch" in document; allowed: repo, commit, patterns',
      },
    ]);
  });

  it('requires at least 5 seed examples and 3 Q&A pairs each, pointing at the list', () => {
    const fourSeeds = KNOWLEDGE_LINES.slice(0, K('  - context: |', 40) - 1).concat(KNOWLEDGE_LINES.slice(K('document:') - 1));
    expect(fourSeeds.filter((l) => l === '  - context: |')).toHaveLength(4);
    expect(knowledge(fourSeeds)).toEqual([{ line: 5, rule: 'min-items', message: 'seed_examples has 4 items; at least 5 are required' }]);

    const third = K('      - question: Is the Sun a star, per fact 3?');
    const twoPairs = [...KNOWLEDGE_LINES.slice(0, third - 1), ...KNOWLEDGE_LINES.slice(third + 1)];
    expect(knowledge(twoPairs)).toEqual([
      {
        line: K('    questions_and_answers:', K('      Fact 3 about the Sun: it is a star of type G2V.')),
        rule: 'min-items',
        message: 'seed_examples[2].questions_and_answers has 2 items; at least 3 are required',
      },
    ]);
  });

  it('refuses duplicated seed examples and Q&A pairs, on the line of the repeat', () => {
    const seed1 = KNOWLEDGE_LINES.slice(5, 14);
    const dupSeed = [...KNOWLEDGE_LINES.slice(0, 14), ...seed1, ...KNOWLEDGE_LINES.slice(14)];
    expect(knowledge(dupSeed)).toEqual([
      { line: 15, rule: 'unique-items', message: 'seed_examples[1] repeats seed_examples[0]; the items of seed_examples must all differ' },
    ]);

    const dupPair = replaceLine(
      KNOWLEDGE_LINES,
      '      - question: What type of star is the Sun, per fact 1?',
      '      - question: What is fact 1 about?',
    );
    const dupPairFixed = replaceLine(dupPair, '        answer: G2V.', '        answer: The Sun.');
    expect(knowledge(dupPairFixed)).toEqual([
      {
        line: 11,
        rule: 'unique-items',
        message:
          'seed_examples[0].questions_and_answers[1] repeats seed_examples[0].questions_and_answers[0]; the items of seed_examples[0].questions_and_answers must all differ',
      },
    ]);
  });

  it('compares mappings regardless of key order when looking for repeats', () => {
    const swapped = replaceLine(
      replaceLine(KNOWLEDGE_LINES, '      - question: What type of star is the Sun, per fact 1?', '      - answer: The Sun.'),
      '        answer: G2V.',
      '        question: What is fact 1 about?',
    );
    expect(knowledge(swapped).map((i) => [i.line, i.rule])).toEqual([[11, 'unique-items']]);
  });

  it('requires non-empty text values, hinting at quotes for values YAML reads as something else', () => {
    expect(knowledge(replaceLine(KNOWLEDGE_LINES, 'domain: astronomy', 'domain: ""'))).toEqual([
      { line: 3, rule: 'min-length', message: 'domain must not be empty' },
    ]);
    expect(knowledge(replaceLine(KNOWLEDGE_LINES, 'domain: astronomy', 'domain:'))).toEqual([
      { line: 3, rule: 'type', message: 'domain must be text, found nothing' },
    ]);
    expect(knowledge(replaceLine(KNOWLEDGE_LINES, '        answer: The Sun.', '        answer: yes'))).toEqual([
      {
        line: K('        answer: The Sun.'),
        rule: 'type',
        message: 'seed_examples[0].questions_and_answers[0].answer must be text, found a boolean (yes); put the value in quotes',
      },
    ]);
    expect(knowledge(replaceLine(KNOWLEDGE_LINES, '  commit: 0123456789abcdef0123456789abcdef01234567', '  commit: 1234567'))).toEqual([
      {
        line: K('  commit: 0123456789abcdef0123456789abcdef01234567'),
        rule: 'type',
        message: 'document.commit must be text, found a number (1234567); put the value in quotes',
      },
    ]);
    expect(
      knowledge(replaceLine(KNOWLEDGE_LINES, 'document_outline: Facts about the Sun', 'document_outline: 2024-01-31'))[0].message,
    ).toBe('document_outline must be text, found a date (2024-01-31); put the value in quotes');
    expect(knowledge(replaceLine(KNOWLEDGE_LINES, 'domain: astronomy', 'domain: [a, b]'))).toEqual([
      { line: 3, rule: 'type', message: 'domain must be text, found a list' },
    ]);
    const blockEmpty = replaceLine(KNOWLEDGE_LINES, '      Fact 2 about the Sun: it is a star of type G2V.');
    expect(knowledge(blockEmpty)).toEqual([
      {
        line: K('      Fact 2 about the Sun: it is a star of type G2V.') - 1,
        rule: 'min-length',
        message: 'seed_examples[1].context must not be empty',
      },
    ]);
  });

  it('checks the document: repo, commit and at least one unique pattern', () => {
    const end = KNOWLEDGE_LINES.indexOf('document:');
    const base = KNOWLEDGE_LINES.slice(0, end);
    expect(knowledge(base)).toEqual([{ line: 1, rule: 'required', message: 'the file is missing the required key "document"' }]);
    expect(knowledge([...base, 'document:', '  repo: https://github.com/example/docs', '  patterns: []'])).toEqual([
      { line: end + 1, rule: 'required', message: 'document is missing the required key "commit"' },
      { line: end + 3, rule: 'min-items', message: 'document.patterns has 0 items; at least 1 is required' },
    ]);
    expect(knowledge([...KNOWLEDGE_LINES, '    - "*.md"'])).toEqual([
      {
        line: end + 6,
        rule: 'unique-items',
        message: 'document.patterns[1] repeats document.patterns[0]; the items of document.patterns must all differ',
      },
    ]);
    expect(knowledge([...base, 'document: https://github.com/example/docs'])).toEqual([
      { line: end + 1, rule: 'type', message: 'document must be a mapping of keys to values, found text' },
    ]);
  });

  it('checks the version first, and only the version when it is not 3', () => {
    expect(knowledge(replaceLine(KNOWLEDGE_LINES, 'version: 3', 'version: 2', 'task_description: old style'))).toEqual([
      { line: 1, rule: 'version', message: 'version 2 is no longer supported; knowledge files use version 3' },
    ]);
    expect(knowledge(replaceLine(KNOWLEDGE_LINES, 'version: 3', 'version: 4'))).toEqual([
      { line: 1, rule: 'version', message: 'version 4 does not exist; knowledge files use version 3' },
    ]);
    expect(knowledge(replaceLine(KNOWLEDGE_LINES, 'version: 3', 'version: "3"'))).toEqual([
      { line: 1, rule: 'version', message: 'version must be a whole number; knowledge files use version 3' },
    ]);
    expect(knowledge(replaceLine(KNOWLEDGE_LINES, 'version: 3'))).toEqual([
      { line: 1, rule: 'version', message: 'the key "version" is missing; knowledge files use version 3' },
    ]);
  });

  it('refuses files that are not a mapping, empty files and bytes that are not UTF-8', () => {
    expect(issues(KNOWLEDGE_PATH, '- a\n- b\n')).toEqual([
      { line: 1, rule: 'type', message: 'the file must be a mapping of keys to values (version, created_by, seed_examples…)' },
    ]);
    expect(issues(KNOWLEDGE_PATH, '')).toEqual([{ line: 1, rule: 'empty', message: 'the file is empty' }]);
    expect(issues(KNOWLEDGE_PATH, '# only a comment\n')).toEqual([{ line: 1, rule: 'empty', message: 'the file is empty' }]);
    expect(issues(KNOWLEDGE_PATH, Buffer.from([0x76, 0x3a, 0x20, 0xff, 0xfe, 0x0a]))).toEqual([
      { line: 1, rule: 'encoding', message: 'the file is not valid UTF-8 text' },
    ]);
  });

  it('reports every problem of a file, sorted by line', () => {
    let lines = replaceLine(KNOWLEDGE_LINES, 'domain: astronomy', 'domain: ""');
    lines = replaceLine(lines, '        answer: G2V.', '        answer: 42');
    lines = replaceLine(
      lines,
      '  repo: https://github.com/example/astronomy-docs',
      '  repository: https://github.com/example/astronomy-docs',
    );
    expect(knowledge(lines).map((i) => [i.line, i.rule])).toEqual([
      [3, 'min-length'],
      [K('        answer: G2V.'), 'type'],
      [K('document:'), 'required'],
      [K('  repo: https://github.com/example/astronomy-docs'), 'unknown-key'],
    ]);
  });
});

describe('compositional skills v2/v3 schema', () => {
  const S = (text: string, from = 0) => lineOf(FREEFORM_SKILL_LINES, text, from);

  it('requires version 2 or 3', () => {
    expect(skill(replaceLine(FREEFORM_SKILL_LINES, 'version: 2', 'version: 1'))).toEqual([
      { line: 1, rule: 'version', message: 'version 1 is no longer supported; compositional skill files use version 2 or 3' },
    ]);
    expect(skill(replaceLine(FREEFORM_SKILL_LINES, 'version: 2'))).toEqual([
      { line: 1, rule: 'version', message: 'the key "version" is missing; compositional skill files use version 2 or 3' },
    ]);
  });

  it('requires task_description, 5 unique seeds and non-empty question and answer', () => {
    expect(skill(replaceLine(FREEFORM_SKILL_LINES, 'task_description: Write short poems'))).toEqual([
      { line: 1, rule: 'required', message: 'the file is missing the required key "task_description"' },
    ]);
    expect(skill(FREEFORM_SKILL_LINES.slice(0, 4 + 4 * 3))).toEqual([
      { line: 4, rule: 'min-items', message: 'seed_examples has 3 items; at least 5 are required' },
    ]);
    expect(skill([...FREEFORM_SKILL_LINES, ...FREEFORM_SKILL_LINES.slice(4, 8)])).toEqual([
      {
        line: FREEFORM_SKILL_LINES.length + 1,
        rule: 'unique-items',
        message: 'seed_examples[5] repeats seed_examples[0]; the items of seed_examples must all differ',
      },
    ]);
    expect(skill(replaceLine(FREEFORM_SKILL_LINES, '  - question: Write poem number 3 about the sea.', '  - question: 3'))).toEqual([
      {
        line: S('  - question: Write poem number 3 about the sea.'),
        rule: 'type',
        message: 'seed_examples[2].question must be text, found a number (3); put the value in quotes',
      },
    ]);
    const noAnswer = replaceLine(FREEFORM_SKILL_LINES, '    answer: |', '    anwser: |');
    expect(skill(noAnswer)).toEqual([
      {
        line: S('  - question: Write poem number 1 about the sea.'),
        rule: 'required',
        message: 'seed_examples[0] is missing the required key "answer"',
      },
      { line: S('    answer: |'), rule: 'unknown-key', message: 'unknown key "anwser" in seed_examples[0] (did you mean "answer"?)' },
    ]);
  });

  it('refuses knowledge keys in a skill', () => {
    expect(skill([...FREEFORM_SKILL_LINES, 'document_outline: poems'])).toEqual([
      {
        line: FREEFORM_SKILL_LINES.length + 1,
        rule: 'unknown-key',
        message: 'unknown key "document_outline"; allowed: version, created_by, task_description, seed_examples',
      },
    ]);
  });

  it('accepts grounded seeds with a non-empty context and refuses a leaf mixing grounded and freeform seeds', () => {
    const G = (text: string) => lineOf(GROUNDED_SKILL_LINES, text);
    expect(skill(replaceLine(GROUNDED_SKILL_LINES, '  - context: The order number is A-2.', '  - context: ""'))).toEqual([
      { line: G('  - context: The order number is A-2.'), rule: 'min-length', message: 'seed_examples[1].context must not be empty' },
    ]);
    const G4 = G('  - context: The order number is A-4.');
    const mixed = [
      ...GROUNDED_SKILL_LINES.slice(0, G4 - 1),
      '  - question: What is the order number?',
      '    answer: A-4.',
      ...GROUNDED_SKILL_LINES.slice(G4 + 2),
    ];
    expect(skill(mixed)).toEqual([
      {
        line: G4,
        rule: 'grounding',
        message:
          'seed_examples[3] has no context but seed_examples[0] has one: the seeds of a skill must be all grounded (with context) or all freeform (without)',
      },
    ]);
    const S1 = lineOf(FREEFORM_SKILL_LINES, '  - question: Write poem number 2 about the sea.');
    const freeformWithOneContext = [
      ...FREEFORM_SKILL_LINES.slice(0, S1 - 1),
      '  - context: The sea at night.',
      '    question: Write poem number 2 about the sea.',
      ...FREEFORM_SKILL_LINES.slice(S1),
    ];
    expect(skill(freeformWithOneContext)).toEqual([
      {
        line: S1,
        rule: 'grounding',
        message:
          'seed_examples[1] has a context but seed_examples[0] has none: the seeds of a skill must be all grounded (with context) or all freeform (without)',
      },
    ]);
  });
});
