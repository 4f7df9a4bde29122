import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { uploadToTestBucket } from './test-bucket';
import type { TestPlatform } from './test-platform';

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

export interface DataRunOptions {
  /** The run's status in the SDG table (a training job takes only `completed` runs). */
  status?: string;
  /** The taxonomy it was generated from; a random id when the test does not care. */
  taxonomyId?: string;
}

/**
 * A finished data generation run with a few records in both phases' files and its manifest, as the SDG worker leaves
 * it in its table and the bucket: the training jobs' input without running SDG first (and with phase 1 records, which
 * a skills-only SDG run would not make).
 */
export async function insertDataRun(platform: TestPlatform, project: string, options: DataRunOptions = {}): Promise<string> {
  const id = randomUUID();
  const taxonomyId = options.taxonomyId ?? randomUUID();
  const db = new Client({ connectionString: platform.options.databaseUrl });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO sdg.data_jobs (id, project_id, name, taxonomy_id, status, teacher_model, judge_model, created_by, tokens, completed_at)
       VALUES ($1, $2, $3, $4, $5, 'platform/tiny-llama', 'platform/tiny-llama', 'e2e', $6, now())`,
      [
        id,
        project,
        `d-${id.slice(0, 8)}`,
        taxonomyId,
        options.status ?? 'completed',
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
