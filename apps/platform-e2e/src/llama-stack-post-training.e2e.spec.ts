import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeOf } from './support/api';
import { DraftValidator, type DraftSchema } from './support/llama-stack-draft';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

/**
 * Llama Stack draft post-training end to end on the built-in engine: datasets made from data: URLs (create, get,
 * delete), supervised fine tuning with LoRA of the starter model that completes with a checkpoint per epoch (listed
 * by /job/artifacts, one of its files downloaded through /v2/asset_files), then DPO on a preference dataset starting
 * from that SFT checkpoint, completing with the per-epoch reward margin in its log. Every request and response body
 * is checked against the draft's schemas; bad input is a 400 naming the field, with nothing queued.
 */
const STARTER = 'platform/starter-llama';
const run = randomBytes(3).toString('hex');
const draft = new DraftValidator();

let platform: TestPlatform;
let token: string;
let projectId: string;

beforeAll(async () => {
  platform = await startTestPlatform({
    starterModel: STARTER,
    env: { PLATFORM_LLAMA_STACK_MODELS: JSON.stringify({ llama3_8b: STARTER }) },
  });
  token = await platform.api.newUser('post-trainer');
  projectId = await platform.api.newProject(token, 'llama-stack-post-training');
}, 300_000);

afterAll(async () => {
  await platform?.stop();
});

const call = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
  platform.api.request<T>(method, path, { token, body, headers: { 'x-project-id': projectId } });

const valid = (schema: DraftSchema, value: unknown) =>
  expect(draft.errors(schema, value), `${schema}: ${JSON.stringify(value)}`).toEqual([]);

const jsonl = (rows: object[]) =>
  `data:application/jsonl;base64,${Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n')).toString('base64')}`;

/** The task: a word's sentiment, in one word. */
const WORDS: [string, string][] = [
  ['good', 'positive'],
  ['great', 'positive'],
  ['happy', 'positive'],
  ['love', 'positive'],
  ['bad', 'negative'],
  ['awful', 'negative'],
  ['sad', 'negative'],
  ['hate', 'negative'],
];
const SFT_ROWS = WORDS.map(([input, output]) => ({ input: `Sentiment of "${input}":`, output: ` ${output}` }));
const PREF_ROWS = WORDS.map(([input, output]) => ({
  prompt: `Sentiment of "${input}":`,
  chosen: ` ${output}`,
  rejected: ` ${output === 'positive' ? 'negative' : 'positive'}`,
}));
const TEXT_COLUMNS = { input: 'text', output: 'text' };

const TRAINING = (n_epochs: number) => ({
  n_epochs,
  batch_size: 4,
  shuffle: false,
  n_iters: 0,
  enable_activation_checkpointing: false,
  memory_efficient_fsdp_wrap: false,
  fsdp_cpu_offload: false,
});
const OPTIMIZER = { optimizer_type: 'adamw', lr: 0.003, lr_min: 0, weight_decay: 0 };
const LORA = { lora_attn_modules: ['q_proj', 'v_proj'], apply_lora_to_mlp: true, apply_lora_to_output: false, rank: 4, alpha: 8 };

const sftBody = (job_uuid: string, over: Record<string, unknown> = {}) => {
  const dataset = { columns: TEXT_COLUMNS, content_url: jsonl(SFT_ROWS), metadata: {} };
  return {
    job_uuid,
    model: 'llama3_8b',
    dataset,
    validation_dataset: dataset,
    algorithm: 'lora',
    algorithm_config: LORA,
    optimizer_config: OPTIMIZER,
    training_config: TRAINING(2),
    hyperparam_search_config: {},
    logger_config: {},
    ...over,
  };
};

interface JobStatus {
  job_uuid: string;
  status: string;
  checkpoints: { iters: number; path: string }[];
}

/** Polls /job/status (each answer checked against the draft) until the job completed or failed. */
async function settle(jobUuid: string, timeoutMs = 900_000): Promise<JobStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call<JobStatus>('GET', `/post_training/job/status?job_uuid=${jobUuid}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    valid('PostTrainingJobStatusResponse', res.body);
    if (res.body.status === 'completed' || res.body.status === 'failed') return res.body;
    if (Date.now() > deadline) throw new Error(`post-training job ${jobUuid} still ${res.body.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

async function logsOf(jobUuid: string): Promise<string[]> {
  const res = await call<{ job_uuid: string; log_lines: string[] }>('GET', `/post_training/job/logs?job_uuid=${jobUuid}`);
  expect(res.status).toBe(200);
  valid('PostTrainingJobLogStream', res.body);
  return res.body.log_lines;
}

describe('/datasets', () => {
  it('creates a dataset from a data: URL, gets it as the draft Dataset, refuses a second with its uuid, deletes it', async () => {
    const uuid = `greetings-${run}`;
    const body = { uuid, dataset: { columns: TEXT_COLUMNS, content_url: jsonl(SFT_ROWS), metadata: { purpose: 'e2e' } } };
    valid('CreateDatasetRequest', body);
    const created = await call('POST', '/datasets/create', body);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toEqual({ uuid, row_count: SFT_ROWS.length });

    const got = await call('GET', `/datasets/get?dataset_id=${uuid}`);
    expect(got.status).toBe(200);
    valid('Dataset', got.body);
    expect(got.body).toEqual(body.dataset);

    expect((await call('POST', '/datasets/create', body)).status).toBe(409);
    const deleted = await call('DELETE', `/datasets/delete?dataset_id=${uuid}`);
    expect(deleted.status).toBe(200);
    expect((await call('GET', `/datasets/get?dataset_id=${uuid}`)).status).toBe(404);
  });

  it('refuses bad datasets naming the field, and stores nothing', async () => {
    const base = { columns: TEXT_COLUMNS, content_url: jsonl(SFT_ROWS), metadata: {} };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, columns: { input: 'float' } }, 'dataset.columns.input'],
      [{ ...base, content_url: 'file:///etc/hostname' }, 'dataset.content_url'],
      [{ ...base, content_url: 'data:application/jsonl,not%20json' }, 'dataset.content_url'],
      // Rows without a declared column: the rows (content_url) are what is wrong.
      [{ ...base, columns: { ...TEXT_COLUMNS, label: 'text' } }, 'dataset.content_url'],
    ];
    for (const [dataset, field] of cases) {
      const res = await call('POST', '/datasets/create', { uuid: `bad-${run}`, dataset });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(envelopeOf(res).target?.name ?? '', JSON.stringify(res.body)).toContain(field);
    }
    expect((await call('GET', `/datasets/get?dataset_id=bad-${run}`)).status).toBe(404);
    expect((await call('GET', '/datasets/get')).status).toBe(400);
  });
});

describe('/post_training', () => {
  const sft = `sft-${run}`;
  const dpo = `dpo-${run}`;
  let checkpoints: { iters: number; path: string }[] = [];

  it('fine tunes the starter model with LoRA: completed, a checkpoint per epoch, listed and downloadable', async () => {
    const body = sftBody(sft);
    valid('PostTrainingSFTRequest', body);
    // The draft's own spelling, with the trailing slash.
    const created = await call('POST', '/post_training/supervised_fine_tune/', body);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toEqual({ job_uuid: sft });

    const status = await settle(sft);
    expect(status.status, (await logsOf(sft)).slice(-20).join('\n')).toBe('completed');
    const artifacts = await call<{ job_uuid: string; checkpoints: { iters: number; path: string }[] }>(
      'GET',
      `/post_training/job/artifacts?job_uuid=${sft}`,
    );
    expect(artifacts.status).toBe(200);
    valid('PostTrainingJobArtifactsResponse', artifacts.body);
    checkpoints = artifacts.body.checkpoints;
    expect(checkpoints.map((c) => c.iters)).toEqual([1, 2]);
    expect(status.checkpoints).toEqual(checkpoints);
    for (const c of checkpoints)
      expect(c.path).toBe(`${platform.url}/v2/asset_files/post_training/${sft}/epoch-${c.iters}/?project_id=${projectId}`);

    // The checkpoint directory is project storage: list it and download its config.json.
    const listed = await call<{ resources: { path: string }[] }>(
      'GET',
      `/v2/asset_files?project_id=${projectId}&prefix=post_training/${sft}/epoch-2/`,
    );
    expect(listed.status).toBe(200);
    const paths = listed.body.resources.map((r) => r.path);
    expect(paths).toContain(`post_training/${sft}/epoch-2/config.json`);
    expect(paths.some((p) => p.endsWith('.safetensors'))).toBe(true);
    const file = await call<Record<string, unknown>>(
      'GET',
      `/v2/asset_files/post_training/${sft}/epoch-2/config.json?project_id=${projectId}`,
    );
    expect(file.status).toBe(200);
    expect(typeof (typeof file.body === 'string' ? JSON.parse(file.body) : file.body)).toBe('object');

    const lines = await logsOf(sft);
    expect(lines.filter((l) => /^epoch \d+: loss \d/.test(l))).toHaveLength(2);
  }, 1_000_000);

  it('aligns the SFT checkpoint with DPO: completed, the per-epoch reward margin in the log', async () => {
    expect(checkpoints.length).toBe(2);
    const prefs = `prefs-${run}`;
    const columns = { prompt: 'text', chosen: 'text', rejected: 'text' };
    expect(
      (await call('POST', '/datasets/create', { uuid: prefs, dataset: { columns, content_url: jsonl(PREF_ROWS), metadata: {} } })).status,
    ).toBe(200);
    // The dataset made above, named by metadata.dataset_id (its rows are not sent again).
    const dataset = { columns, content_url: 'data:,', metadata: { dataset_id: prefs } };
    const body = {
      job_uuid: dpo,
      finetuned_model: checkpoints[1].path,
      dataset,
      validation_dataset: dataset,
      algorithm: 'dpo',
      algorithm_config: { reward_scale: 0.5, reward_clip: 0, epsilon: 0, gamma: 0 },
      optimizer_config: { ...OPTIMIZER, lr: 0.001 },
      training_config: TRAINING(2),
      hyperparam_search_config: {},
      logger_config: {},
    };
    valid('PostTrainingRLHFRequest', body);
    const created = await call('POST', '/post_training/preference_optimize/', body);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toEqual({ job_uuid: dpo });

    const status = await settle(dpo);
    const lines = await logsOf(dpo);
    expect(status.status, lines.slice(-20).join('\n')).toBe('completed');
    const margins = lines.map((l) => /^epoch (\d+): loss \S+ reward_margin (-?[\d.e+-]+)$/.exec(l)).filter((m) => m !== null);
    expect(margins.map((m) => Number(m[1]))).toEqual([1, 2]);
    for (const m of margins) expect(Number.isFinite(Number(m[2]))).toBe(true);
    // DPO pushes the chosen answers above the rejected ones: the training pairs' mean margin grows epoch over epoch.
    expect(Number(margins[1][2])).toBeGreaterThan(Number(margins[0][2]));
    console.log(`DPO reward margin per epoch: ${margins.map((m) => m[2]).join(', ')}`);
    const artifacts = await call('GET', `/post_training/job/artifacts?job_uuid=${dpo}`);
    valid('PostTrainingJobArtifactsResponse', artifacts.body);
  }, 1_000_000);

  it('refuses what the engine cannot run and bad input with a 400 naming the field, queueing nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [sftBody(`q-${run}`, { algorithm: 'qlora' }), 'algorithm'],
      [sftBody(`d-${run}`, { algorithm: 'dora' }), 'algorithm'],
      [sftBody(`o-${run}`, { algorithm_config: { ...LORA, apply_lora_to_output: true } }), 'algorithm_config.apply_lora_to_output'],
      [sftBody(`e-${run}`, { training_config: TRAINING(0) }), 'training_config.n_epochs'],
      [sftBody(`s-${run}`, { optimizer_config: { ...OPTIMIZER, optimizer_type: 'sgd' } }), 'optimizer_config.optimizer_type'],
      [
        sftBody(`u-${run}`, { dataset: { columns: TEXT_COLUMNS, content_url: 'data:,', metadata: { dataset_id: 'absent' } } }),
        'dataset.metadata.dataset_id',
      ],
      [sftBody(`r-${run}`, { dataset: { columns: TEXT_COLUMNS, content_url: jsonl([{ input: 'x' }]), metadata: {} } }), 'dataset'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/post_training/supervised_fine_tune', body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(envelopeOf(res).target?.name ?? '', JSON.stringify(res.body)).toContain(field);
      expect((await call('GET', `/post_training/job/status?job_uuid=${String(body.job_uuid)}`)).status).toBe(404);
    }
    const dpoBad = await call('POST', '/post_training/preference_optimize', {
      ...sftBody(`f-${run}`),
      model: undefined,
      algorithm: 'dpo',
      algorithm_config: { reward_scale: 0.1, reward_clip: 0, epsilon: 0, gamma: 0 },
      finetuned_model: `${platform.url}/elsewhere`,
    });
    expect(dpoBad.status).toBe(400);
    expect(envelopeOf(dpoBad).target?.name).toBe('finetuned_model');
    // A job_uuid in use is a conflict.
    expect((await call('POST', '/post_training/supervised_fine_tune', sftBody(sft))).status).toBe(409);
    expect((await call('GET', '/post_training/job/status?job_uuid=absent')).status).toBe(404);
  }, 120_000);
});
