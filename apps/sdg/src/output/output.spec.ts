import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { training } from '@platform/engine';
import { taxonomyV1 } from '@platform/contracts';
import { assembleMcqs, parseMcq } from './mmlu-bench';
import { knowledgeRecord, raftRecord, skillRecord } from './records';
import { mixRecords, recipeOf, recipeYaml } from './recipes';
import { DEFAULT_SYSTEM_PROMPT, writeDataset, type LeafOutcome } from './write-dataset';

const qa = (i: number) => ({
  document: `chunk ${i % 3}`,
  question: `Q${i}?`,
  response: `A${i}.`,
  domain: 'astronomy',
  leaf_node_type: 'knowledge',
});

describe('records', () => {
  it('knowledge p07: chunk + question as the user turn, unmasked, columns in JSON metadata', () => {
    const r = knowledgeRecord(qa(1), 'id-1');
    expect(r).toEqual({
      id: 'id-1',
      messages: [
        { role: 'user', content: 'chunk 1\n\nQ1?' },
        { role: 'assistant', content: 'A1.' },
      ],
      metadata: expect.any(String),
      unmask: true,
    });
    expect(JSON.parse(r.metadata)).toMatchObject({
      domain: 'astronomy',
      dataset: 'document_knowledge_qa',
      sdg_document: 'chunk 1',
      raw_document: 'chunk 1',
    });
    expect(training.validateRecord(r)).toBeTruthy();
  });

  it('RAFT rows: four documents (golden with p=0.4), question last, masked', () => {
    const others = ['d1', 'd2', 'd3', 'd4', 'd5'];
    const rs = Array.from({ length: 200 }, (_, i) => raftRecord(qa(0), `r${i}`, others, i));
    for (const r of rs) {
      expect(r.unmask).toBe(false);
      expect(r.messages[0].content.match(/Document:\n/g)).toHaveLength(4);
      expect(r.messages[0].content.endsWith('\n\nQ0?')).toBe(true);
    }
    const golden = rs.filter((r) => r.messages[0].content.includes('chunk 0')).length;
    expect(golden / rs.length).toBeGreaterThan(0.25);
    expect(golden / rs.length).toBeLessThan(0.55);
    expect(JSON.parse(rs[0].metadata).dataset).toBe('document_knowledge_qa_raft_p0.4');
  });

  it('skill rows: system, question, response; masked', () => {
    const r = skillRecord({ question: 'Q', response: 'A', leaf_node_type: 'freeform_skill', task_description: 't' }, 'x', 'SYS');
    expect(r.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
    expect(r.unmask).toBe(false);
    expect(JSON.parse(r.metadata)).toMatchObject({ task_description: 't', dataset: 'freeform_skill' });
  });
});

describe('recipes and mixing', () => {
  const recs = (n: number, tag: string) =>
    Array.from({ length: n }, (_, i) => skillRecord({ question: `${tag}${i}`, response: i === 0 ? ' ' : 'ok' }, `${tag}${i}`, 'old'));

  it('keeps 1.0 a fraction and integers counts in the YAML', () => {
    const yaml = recipeYaml(
      recipeOf(
        [
          { path: 'node_datasets/a_p07.jsonl', size: 'all', records: [] },
          { path: 'node_datasets/b.jsonl', size: 30, records: [] },
        ],
        'SYS',
      ),
    );
    expect(yaml).toContain('sampling_size: 1.0');
    expect(yaml).toContain('sampling_size: 30');
    expect(parse(yaml)).toEqual({
      datasets: [
        { path: 'node_datasets/a_p07.jsonl', sampling_size: 1 },
        { path: 'node_datasets/b.jsonl', sampling_size: 30 },
      ],
      metadata: { sys_prompt: 'SYS' },
    });
  });

  it('samples counts with replacement, forces the system prompt, drops empty turns, deterministically', () => {
    const mixed = mixRecords(
      [
        { path: 'a', size: 30, records: recs(5, 'a') },
        { path: 'b', size: 'all', records: recs(3, 'b') },
      ],
      'SYS',
      42,
    );
    expect(mixed.every((r) => r.messages[0].content === 'SYS' && r.messages.filter((m) => m.role === 'system').length === 1)).toBe(true);
    expect(mixed.some((r) => r.id === 'a0' || r.id === 'b0')).toBe(false);
    expect(mixed.filter((r) => r.id.startsWith('b'))).toHaveLength(2);
    expect(mixed.filter((r) => r.id.startsWith('a')).length).toBeLessThanOrEqual(30);
    expect(mixRecords([{ path: 'a', size: 30, records: recs(5, 'a') }], 'SYS', 42)).toEqual(
      mixRecords([{ path: 'a', size: 30, records: recs(5, 'a') }], 'SYS', 42),
    );
  });
});

describe('MMLU branch items', () => {
  it('keeps only well-formed four-option questions', () => {
    expect(parseMcq('Which is hot?\nA) ice\nB) sun\nC) snow\nD) rain', 'B) sun', 'leaf')).toEqual({
      question: 'Which is hot?',
      choices: ['ice', 'sun', 'snow', 'rain'],
      answer: 1,
      subject: 'leaf',
    });
    expect(parseMcq('Which?\nA) x\nB) y', 'A) x', 'leaf')).toBeUndefined();
    expect(parseMcq('Which?\nA) a\nB) b\nC) c\nD) d', 'E) e', 'leaf')).toBeUndefined();
    expect(parseMcq('no options', 'A) x', 'leaf')).toBeUndefined();
  });

  it('assembles items from judged pairs with other answers as distractors', () => {
    const items = assembleMcqs(
      Array.from({ length: 6 }, (_, i) => qa(i)),
      [],
      'leaf',
      1,
      10,
    );
    expect(items).toHaveLength(6);
    for (const [i, item] of items.entries()) {
      expect(item.choices).toHaveLength(4);
      expect(new Set(item.choices).size).toBe(4);
      expect(item.choices[item.answer]).toBe(`A${i}.`);
    }
    expect(assembleMcqs([qa(1), qa(2), qa(3)], [], 'leaf', 1, 10)).toEqual([]);
    expect(
      assembleMcqs(
        Array.from({ length: 6 }, (_, i) => qa(i)),
        [],
        'leaf',
        1,
        4,
      ),
    ).toHaveLength(4);
  });

  it("asks the leaf's seed questions first, and tops up distractors from the seed answers", () => {
    const seeds = [1, 2, 3, 4].map((i) => ({ question: `Seed ${i}?`, answer: `S${i}.` }));
    // Two generated pairs with the same answer, spelled differently: one distinct generated answer only.
    const generated = [
      { question: 'G1?', response: 'Same.' },
      { question: 'G2?', response: ' same. ' },
      { question: 'Seed 1?', response: 'Other.' },
    ];
    const items = assembleMcqs(generated, seeds, 'leaf', 7, 10);
    expect(items.map((m) => m.question)).toEqual(['Seed 1?', 'Seed 2?', 'Seed 3?', 'Seed 4?', 'G1?', 'G2?']);
    for (const item of items) {
      expect(new Set(item.choices.map((c) => c.toLowerCase().trim())).size).toBe(4);
      expect(item.answer).toBeGreaterThanOrEqual(0);
    }
    expect(items[0].choices[items[0].answer]).toBe('S1.');
    expect(items[0].choices.filter((c) => c.startsWith('S'))).toHaveLength(4);
    expect(items[4].choices[items[4].answer]).toBe('Same.');
    expect(items[4].choices.filter((c) => c.startsWith('S'))).toHaveLength(3);
    expect(assembleMcqs(generated, seeds.slice(0, 1), 'leaf', 7, 10)).toEqual([]);
    expect(assembleMcqs(generated, seeds, 'leaf', 7, 10)).toEqual(items);
  });
});

describe('writeDataset', () => {
  it('writes the bucket layout with manifest.json last and counts tokens', async () => {
    const written: string[] = [];
    const bodies = new Map<string, string>();
    const leaf = (path: string, kind: taxonomyV1.LeafKind): taxonomyV1.TaxonomyLeaf => ({ path, kind, qnaYaml: '', documents: [] });
    const outcomes: LeafOutcome[] = [
      {
        leaf: leaf('knowledge/science/sun/qna.yaml', taxonomyV1.LeafKind.LEAF_KIND_KNOWLEDGE),
        type: 'knowledge',
        rows: Array.from({ length: 5 }, (_, i) => qa(i)),
        chunks: ['chunk 0', 'chunk 1', 'chunk 2'],
        mcqRows: [],
      },
      {
        leaf: leaf('compositional_skills/writing/poem/qna.yaml', taxonomyV1.LeafKind.LEAF_KIND_FREEFORM_SKILL),
        type: 'freeform_skill',
        rows: [{ question: 'Write.', response: 'Done.' }],
        chunks: [],
        mcqRows: [],
      },
      {
        leaf: leaf('compositional_skills/empty/qna.yaml', taxonomyV1.LeafKind.LEAF_KIND_GROUNDED_SKILL),
        type: 'grounded_skill',
        rows: [],
        chunks: [],
        mcqRows: [],
      },
    ];
    const summary = await writeDataset(
      {
        jobId: 'd1',
        taxonomyId: 't1',
        write: async (k, body) => {
          written.push(k);
          bodies.set(k, body);
        },
      },
      outcomes,
      42,
    );
    expect(written.at(-1)).toBe('manifest.json');
    expect(written.sort()).toEqual(
      [
        'compositional_skills_empty.jsonl',
        'compositional_skills_writing_poem.jsonl',
        'knowledge_science_sun_p07.jsonl',
        'knowledge_science_sun_p10.jsonl',
        'mmlubench_knowledge_science_sun.jsonl',
        'knowledge_science_sun_task.yaml',
      ]
        .map((f) => `node_datasets/${f}`)
        .concat(['knowledge_recipe.yaml', 'skills_recipe.yaml', 'knowledge_train_msgs.jsonl', 'skills_train_msgs.jsonl', 'manifest.json'])
        .sort(),
    );
    const knowledge = training.parseInstructLabJsonl(bodies.get('knowledge_train_msgs.jsonl')!);
    const skills = training.parseInstructLabJsonl(bodies.get('skills_train_msgs.jsonl')!);
    expect(knowledge).toHaveLength(5);
    expect(knowledge[0].messages[0]).toEqual({ role: 'system', content: DEFAULT_SYSTEM_PROMPT });
    // p10 = 5 RAFT + 5 p07 rows, plus the skill leaf sampled to 30.
    expect(skills).toHaveLength(40);
    const manifest = JSON.parse(bodies.get('manifest.json')!);
    expect(manifest).toEqual({
      data_id: 'd1',
      taxonomy_id: 't1',
      files: {
        knowledge_train: 'data/d1/knowledge_train_msgs.jsonl',
        skills_train: 'data/d1/skills_train_msgs.jsonl',
        knowledge_recipe: 'data/d1/knowledge_recipe.yaml',
        skills_recipe: 'data/d1/skills_recipe.yaml',
      },
      leaves: [
        {
          path: 'knowledge/science/sun/qna.yaml',
          kind: 'knowledge',
          samples: 5,
          mmlubench: 'data/d1/node_datasets/mmlubench_knowledge_science_sun.jsonl',
        },
        { path: 'compositional_skills/writing/poem/qna.yaml', kind: 'freeform_skill', samples: 1, mmlubench: null },
        { path: 'compositional_skills/empty/qna.yaml', kind: 'grounded_skill', samples: 0, mmlubench: null },
      ],
    });
    expect(parse(bodies.get('skills_recipe.yaml')!).datasets).toEqual([
      { path: 'node_datasets/knowledge_science_sun_p10.jsonl', sampling_size: 1 },
      { path: 'node_datasets/compositional_skills_writing_poem.jsonl', sampling_size: 30 },
    ]);
    expect(summary.phase1Tokens).toBeGreaterThan(0);
    expect(summary.phase2Tokens).toBeGreaterThan(summary.phase1Tokens);
    expect(summary.trainingEstimated).toBe(summary.phase1Tokens * 7 + summary.phase2Tokens * 10);
    expect(summary.samples).toEqual({
      'knowledge/science/sun/qna.yaml': 5,
      'compositional_skills/writing/poem/qna.yaml': 1,
      'compositional_skills/empty/qna.yaml': 0,
    });
  });
});
