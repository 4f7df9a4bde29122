import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { uploadToTestBucket } from '../test-bucket';
import type { TestPlatform } from '../test-platform';

const FACTS: [string, string][] = [
  ['What colour is the sky?', 'The sky is blue.'],
  ['What do cats say?', 'Cats say meow.'],
  ['What is two plus two?', 'Two plus two is four.'],
  ['Where does the sun rise?', 'The sun rises in the east.'],
];

const records = (prefix: string) =>
  FACTS.map(([q, a], i) =>
    JSON.stringify({
      id: `r${i}`,
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: q },
        { role: 'assistant', content: prefix + a },
      ],
      metadata: '{}',
      unmask: false,
    }),
  ).join('\n') + '\n';

/**
 * A finished data generation run of `taxonomyId` with a few records in both phases' files and its manifest, as the
 * SDG worker leaves it in its table and the bucket: the training jobs' input (the suite's own SDG runs generate
 * skills only, so phase 1 would be empty).
 */
export async function completedDataRun(platform: TestPlatform, project: string, taxonomyId: string): Promise<string> {
  const id = randomUUID();
  const db = new Client({ connectionString: platform.options.databaseUrl });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO sdg.data_jobs (id, project_id, name, taxonomy_id, status, teacher_model, judge_model, created_by, tokens, completed_at)
       VALUES ($1, $2, $3, $4, 'completed', 'platform/tiny-llama', 'platform/tiny-llama', 'chaos', $5, now())`,
      [
        id,
        project,
        `d-${id.slice(0, 8)}`,
        taxonomyId,
        JSON.stringify({
          data_tokens_total: 300,
          data_leaf_nodes: { 'knowledge/science/qna.yaml': 300 },
          training_estimated: 900,
          training_phases: { phase_1_knowledge: 400, phase_2_skills: 500 },
        }),
      ],
    );
  } finally {
    await db.end();
  }
  await uploadToTestBucket(`data/${id}/knowledge_train_msgs.jsonl`, Buffer.from(records('')));
  await uploadToTestBucket(`data/${id}/skills_train_msgs.jsonl`, Buffer.from(records('Sure! ')));
  const manifest = { data_id: id, taxonomy_id: taxonomyId, leaves: [] };
  await uploadToTestBucket(`data/${id}/manifest.json`, Buffer.from(JSON.stringify(manifest)));
  return id;
}
