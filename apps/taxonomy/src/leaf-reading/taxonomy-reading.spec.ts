import { status as GrpcStatus } from '@grpc/grpc-js';
import { decodeErrorDetails, encodeErrorDetails } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { FREEFORM_SKILL, KNOWLEDGE, KNOWLEDGE_LINES, asFile, replaceLine } from '@platform/taxonomy-rules/testing';
import { taxonomyRefusal } from '../validation';
import { readLeaf } from './read-leaf';
import { readingProblems } from './taxonomy-reading';

const files = (entries: Record<string, string>) => new Map(Object.entries(entries).map(([path, text]) => [path, Buffer.from(text)]));
const leavesOf = (map: Map<string, Buffer>) => [...map.keys()].filter((p) => p.endsWith('/qna.yaml')).sort();
/** What the service reports for an archive's files: each leaf read, then the problems of all of them. */
const problemsOf = (map: Map<string, Buffer>, leaves = leavesOf(map)) =>
  readingProblems(
    map.keys(),
    leaves.map((path) => readLeaf(path, map.get(path) as Buffer)),
  );

describe('readingProblems', () => {
  it('finds nothing wrong with a valid taxonomy, ignoring files that are not leaves', () => {
    const tree = files({
      'knowledge/sun/qna.yaml': KNOWLEDGE,
      'compositional_skills/poems/qna.yaml': FREEFORM_SKILL,
      'knowledge/sun/attribution.txt': '',
      'README.md': '  \t\n\n',
    });
    expect(problemsOf(tree)).toEqual([]);
  });

  it('collects every problem of every leaf, ordered by file and line', () => {
    const tree = files({
      'knowledge/sun/qna.yaml': asFile(replaceLine(KNOWLEDGE_LINES, 'domain: astronomy', 'domain: ""')),
      'compositional_skills/poems/qna.yaml': `${FREEFORM_SKILL}\n`,
      'compositional_skills/fine/qna.yaml': FREEFORM_SKILL,
      'compositional_skills/alpha/qna.yaml': 'version: 2  \n',
    });
    expect(problemsOf(tree).map(({ file, line, rule }) => `${file}:${line}:${rule}`)).toEqual([
      'compositional_skills/alpha/qna.yaml:1:trailing-spaces',
      'compositional_skills/alpha/qna.yaml:1:required',
      'compositional_skills/alpha/qna.yaml:1:required',
      'compositional_skills/alpha/qna.yaml:1:required',
      `compositional_skills/poems/qna.yaml:${FREEFORM_SKILL.split('\n').length}:empty-lines`,
      'knowledge/sun/qna.yaml:3:min-length',
    ]);
  });

  it('names leaves InstructLab would silently skip because of their file name', () => {
    const tree = files({
      'knowledge/sun/qna.yml': KNOWLEDGE,
      'compositional_skills/poems/QNA.yaml': FREEFORM_SKILL,
      'docs/qna.yml': 'not a leaf root',
    });
    expect(problemsOf(tree)).toEqual([
      {
        file: 'compositional_skills/poems/QNA.yaml',
        line: 1,
        rule: 'file-name',
        message: 'InstructLab only reads files named "qna.yaml"; rename this file',
      },
      {
        file: 'knowledge/sun/qna.yml',
        line: 1,
        rule: 'file-name',
        message: 'InstructLab only reads files named "qna.yaml"; rename this file',
      },
    ]);
  });

  it('treats a leaf under compositional_skills/ with knowledge content as a skill (the folder decides)', () => {
    const tree = files({ 'compositional_skills/sun/qna.yaml': KNOWLEDGE });
    const messages = problemsOf(tree).map((i) => i.message);
    expect(messages).toContain('the file is missing the required key "task_description"');
    expect(messages).toContain('unknown key "document_outline"; allowed: version, created_by, task_description, seed_examples');
    expect(messages).toContain('seed_examples[0] is missing the required key "question"');
  });
});

describe('taxonomyRefusal', () => {
  it('is a 400 whose issues name each file and line, targeting the file', () => {
    const tree = files({
      'knowledge/sun/qna.yaml': asFile(replaceLine(KNOWLEDGE_LINES, 'domain: astronomy', 'domain: ""')),
      'compositional_skills/poems/qna.yaml': `${FREEFORM_SKILL}\n`,
    });
    const err = taxonomyRefusal(problemsOf(tree));
    expect(err.grpcCode).toBe(GrpcStatus.INVALID_ARGUMENT);
    const details = decodeErrorDetails(encodeErrorDetails(err));
    const last = FREEFORM_SKILL.split('\n').length;
    expect(details?.issues).toEqual([
      {
        code: 'invalid_taxonomy',
        message: `compositional_skills/poems/qna.yaml:${last}: blank line at the end of the file (empty-lines)`,
        target: { type: 'field', name: 'compositional_skills/poems/qna.yaml' },
      },
      {
        code: 'invalid_taxonomy',
        message: 'knowledge/sun/qna.yaml:3: domain must not be empty',
        target: { type: 'field', name: 'knowledge/sun/qna.yaml' },
      },
    ]);
    expect(details?.message).toBe(
      `The taxonomy is invalid: 2 problems in 2 files; the first: compositional_skills/poems/qna.yaml:${last}: blank line at the end of the file (empty-lines)`,
    );
  });

  it('lists at most 100 problems and says how many more there were', () => {
    // Trailing spaces on every line: one problem per line, three files of them.
    const noisy = asFile(KNOWLEDGE_LINES.map((l) => `${l} `));
    const paths = [1, 2, 3].map((n) => `knowledge/sun${n}/qna.yaml`);
    const found = problemsOf(files(Object.fromEntries(paths.map((p) => [p, noisy]))), paths);
    expect(found).toHaveLength(3 * KNOWLEDGE_LINES.length);
    const err = taxonomyRefusal(found);
    expect(err.issues).toHaveLength(101);
    expect(err.issues[99].message).toBe(
      `knowledge/sun2/qna.yaml:${100 - KNOWLEDGE_LINES.length}: trailing whitespace at the end of the line (trailing-spaces)`,
    );
    expect(err.issues[100].message).toBe(`…and ${3 * KNOWLEDGE_LINES.length - 100} more problems not listed.`);
  });
});
