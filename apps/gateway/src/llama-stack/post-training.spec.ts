import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PlatformError } from '@platform/common';
import { trainingV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { postTrainingField } from './post-training-errors';
import { withoutDraftSlash } from './post-training-paths';
import { dpoSettings, sftSettings, startModelOf } from './post-training-request';
import { draftStatusOf, jobArtifactsView, jobLogsView, jobStatusView } from './post-training-view';
import { PostTrainingRlhfRequestDto, PostTrainingSftRequestDto } from './post-training.dto';

// The repository's copy of the draft (apps/platform-e2e keeps it); read as data, not imported.
const DRAFT_TEXT = readFileSync(resolve(__dirname, '../../../platform-e2e/src/support/llama-stack-draft-openapi.json'), 'utf8');
type Components = { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
const validators = (patch: (c: Components) => void) => {
  const components = (JSON.parse(DRAFT_TEXT) as { components: Components }).components;
  patch(components);
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema({ $id: 'draft', components });
  return (name: string, value: unknown) => {
    const v = ajv.getSchema(`draft#/components/schemas/${name}`)!;
    return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
  };
};
/**
 * The draft's SFT algorithm_config is oneOf three identical schemas (LoRA, QLoRA, DoRA), which no value can satisfy
 * (each valid config matches all three): requests are validated with that oneOf read as anyOf, as the e2e's
 * DraftValidator does.
 */
const schemaErrors = validators((c) => {
  const config = c.schemas.PostTrainingSFTRequest.properties.algorithm_config;
  config.anyOf = config.oneOf;
  delete config.oneOf;
});
const strictErrors = validators(() => undefined);

const PROJECT = '0b7c3f5e-2d4a-4e8b-9c1d-6f0a2b3c4d5e';
const GATEWAY = 'http://127.0.0.1:8080';
const DATASET = { columns: { input: 'text', output: 'text' }, content_url: 'data:application/jsonl,%7B%7D', metadata: {} };
const OPTIMIZER = { optimizer_type: 'adamw', lr: 0.001, lr_min: 0.0001, weight_decay: 0.01 };
const TRAINING = {
  n_epochs: 2,
  batch_size: 4,
  shuffle: true,
  n_iters: 0,
  enable_activation_checkpointing: false,
  memory_efficient_fsdp_wrap: false,
  fsdp_cpu_offload: false,
};
const LORA = { lora_attn_modules: ['q_proj', 'output_proj'], apply_lora_to_mlp: true, apply_lora_to_output: false, rank: 4, alpha: 8 };
const sft = {
  job_uuid: 'sft-1',
  model: 'llama3_8b',
  dataset: DATASET,
  validation_dataset: DATASET,
  algorithm: 'lora',
  algorithm_config: LORA,
  optimizer_config: OPTIMIZER,
  training_config: TRAINING,
  hyperparam_search_config: {},
  logger_config: {},
};
const dpo = {
  ...sft,
  model: undefined,
  job_uuid: 'dpo-1',
  finetuned_model: `${GATEWAY}/v2/asset_files/post_training/sft-1/epoch-2/?project_id=${PROJECT}`,
  algorithm: 'dpo',
  algorithm_config: { reward_scale: 0.5, reward_clip: 0, epsilon: 0, gamma: 0 },
};
delete dpo.model;

const dtoErrors = <T extends object>(cls: new () => T, body: unknown) =>
  validateSync(plainToInstance(cls, body) as object, { whitelist: true }).map((e) => e.property);
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as PlatformError;
  }
  throw new Error('accepted');
};

describe('post-training requests against the draft', () => {
  it('accepts the draft bodies (the SFT one only with algorithm_config read as anyOf: the draft as written accepts none)', () => {
    expect(strictErrors('PostTrainingSFTRequest', sft)).toEqual(['/algorithm_config must match exactly one schema in oneOf']);
    expect(schemaErrors('PostTrainingSFTRequest', sft)).toEqual([]);
    expect(dtoErrors(PostTrainingSftRequestDto, sft)).toEqual([]);
    expect(schemaErrors('PostTrainingRLHFRequest', dpo)).toEqual([]);
    expect(dtoErrors(PostTrainingRlhfRequestDto, dpo)).toEqual([]);
  });

  it('refuses what the draft refuses', () => {
    for (const bad of [
      { ...sft, algorithm: 'ppo' },
      { ...sft, dataset: undefined },
      { ...sft, training_config: { ...TRAINING, n_epochs: 1.5 } },
    ]) {
      expect(schemaErrors('PostTrainingSFTRequest', bad)).not.toEqual([]);
    }
    expect(dtoErrors(PostTrainingSftRequestDto, { ...sft, algorithm: 'ppo' })).toEqual(['algorithm']);
    expect(dtoErrors(PostTrainingSftRequestDto, { ...sft, dataset: undefined })).toEqual(['dataset']);
    expect(dtoErrors(PostTrainingSftRequestDto, { ...sft, training_config: { ...TRAINING, n_epochs: 1.5 } })).toEqual(['training_config']);
    expect(dtoErrors(PostTrainingSftRequestDto, { ...sft, dataset: { ...DATASET, content_url: 'ftp://x' } })).toEqual(['dataset']);
    expect(dtoErrors(PostTrainingRlhfRequestDto, { ...dpo, algorithm: 'ppo' })).toEqual(['algorithm']);
    expect(dtoErrors(PostTrainingRlhfRequestDto, { ...dpo, algorithm_config: {} })).toEqual(['algorithm_config']);
  });

  it('refuses hyperparameters out of range and job ids that cannot be paths', () => {
    expect(dtoErrors(PostTrainingSftRequestDto, { ...sft, training_config: { n_epochs: 0 } })).toEqual(['training_config']);
    expect(dtoErrors(PostTrainingSftRequestDto, { ...sft, optimizer_config: { lr: 2 } })).toEqual(['optimizer_config']);
    expect(dtoErrors(PostTrainingSftRequestDto, { ...sft, algorithm_config: { ...LORA, rank: 0 } })).toEqual(['algorithm_config']);
    expect(dtoErrors(PostTrainingSftRequestDto, { ...sft, job_uuid: '../x' })).toEqual(['job_uuid']);
    expect(dtoErrors(PostTrainingRlhfRequestDto, { ...dpo, algorithm_config: { reward_scale: 0 } })).toEqual(['algorithm_config']);
  });
});

describe('sftSettings', () => {
  const body = (over: object) => plainToInstance(PostTrainingSftRequestDto, { ...sft, ...over });

  it('maps LoRA rank, alpha, MLP and attention modules (output_proj is o_proj), the optimizer and the epochs', () => {
    expect(sftSettings(body({}))).toMatchObject({
      method: 'lora',
      objective: 'sft',
      loraRank: 4,
      loraAlpha: 8,
      loraMlp: true,
      loraTargetModules: ['q_proj', 'o_proj'],
      learningRate: 0.001,
      weightDecay: 0.01,
      numEpochs: 2,
      batchSize: 4,
    });
    expect(sftSettings(body({ algorithm: 'full', algorithm_config: undefined }))).toMatchObject({ method: 'full', loraTargetModules: [] });
  });

  it.each(['qlora', 'dora'])('refuses %s naming the algorithm', (algorithm) => {
    const err = refusal(() => sftSettings(body({ algorithm })));
    expect(err.target?.name).toBe('algorithm');
    expect(err.message).toContain(`algorithm ${algorithm} is not supported`);
  });

  it('refuses apply_lora_to_output, unknown or no attention modules, sgd, and LoRA settings for full', () => {
    const field = (over: object) => refusal(() => sftSettings(body(over))).target?.name;
    expect(field({ algorithm_config: { ...LORA, apply_lora_to_output: true } })).toBe('algorithm_config.apply_lora_to_output');
    expect(field({ algorithm_config: { ...LORA, lora_attn_modules: ['gate_proj'] } })).toBe('algorithm_config.lora_attn_modules');
    expect(field({ algorithm_config: { ...LORA, lora_attn_modules: [] } })).toBe('algorithm_config.lora_attn_modules');
    expect(field({ optimizer_config: { ...OPTIMIZER, optimizer_type: 'sgd' } })).toBe('optimizer_config.optimizer_type');
    expect(field({ algorithm: 'full' })).toBe('algorithm_config');
  });
});

describe('dpoSettings and startModelOf', () => {
  it('trains DPO with beta = reward_scale', () => {
    expect(dpoSettings(plainToInstance(PostTrainingRlhfRequestDto, dpo))).toMatchObject({
      objective: 'dpo',
      method: 'full',
      dpoBeta: 0.5,
      numEpochs: 2,
    });
  });

  it('starts from a directory of the project storage (an SFT checkpoint) or a model', () => {
    expect(startModelOf(dpo.finetuned_model, PROJECT)).toEqual({
      kind: 'storage',
      prefix: `projects/${PROJECT}/assets/post_training/sft-1/epoch-2/`,
      jobUuid: 'sft-1',
    });
    expect(startModelOf(`${GATEWAY}/v2/asset_files/models/mine`, PROJECT)).toEqual({
      kind: 'storage',
      prefix: `projects/${PROJECT}/assets/models/mine/`,
      jobUuid: undefined,
    });
    expect(startModelOf(`${GATEWAY}/models/llama3_8b`, PROJECT)).toEqual({ kind: 'model', name: 'llama3_8b' });
  });

  it('refuses another project, a space, climbing paths and other URLs, naming finetuned_model', () => {
    for (const url of [
      `${GATEWAY}/v2/asset_files/x/?project_id=${'1'.repeat(8)}-2d4a-4e8b-9c1d-6f0a2b3c4d5e`,
      `${GATEWAY}/v2/asset_files/x/?space_id=${PROJECT}`,
      `${GATEWAY}/v2/asset_files/a/%2E%2E/%2E%2E/b/`,
      `${GATEWAY}/somewhere/else`,
      `${GATEWAY}/v2/asset_files/%E0%A4%A/`,
      'not a url',
    ])
      expect(refusal(() => startModelOf(url, PROJECT)).target?.name, url).toBe('finetuned_model');
  });
});

describe('post-training views against the draft', () => {
  const S = trainingV1.ModelJobStatus;
  const job = (status: trainingV1.ModelJobStatus, over: Partial<trainingV1.ModelJob> = {}) =>
    ({
      id: '9a7c3f5e-2d4a-4e8b-9c1d-6f0a2b3c4d5e',
      projectId: PROJECT,
      status,
      state: '',
      executor: 'builtin',
      createdAt: new Date('2026-12-03T10:00:00Z'),
      runningAt: status === S.MODEL_JOB_STATUS_QUEUED ? undefined : new Date('2026-12-03T10:00:01Z'),
      completedAt: status === S.MODEL_JOB_STATUS_COMPLETED ? new Date('2026-12-03T10:01:00Z') : undefined,
      failureReason: '',
      checkpoints: [
        { phase: 1, epoch: 2, objectPrefix: `projects/${PROJECT}/assets/post_training/sft-1/epoch-2/` },
        { phase: 1, epoch: 1, objectPrefix: `trained_models/x/checkpoints/epoch-1/` },
      ],
      tuning: { jobUuid: 'sft-1', metrics: [{ iteration: 0, loss: 0.693147, rewardMargin: 0.1234567, timestamp: undefined }] },
      ...over,
    }) as unknown as trainingV1.ModelJob;

  it('maps the states onto scheduled | running | completed | failed (canceled reads failed)', () => {
    expect(draftStatusOf(job(S.MODEL_JOB_STATUS_QUEUED))).toBe('scheduled');
    expect(draftStatusOf(job(S.MODEL_JOB_STATUS_RUNNING, { state: 'storing' }))).toBe('running');
    expect(draftStatusOf(job(S.MODEL_JOB_STATUS_COMPLETED))).toBe('completed');
    expect(draftStatusOf(job(S.MODEL_JOB_STATUS_FAILED))).toBe('failed');
    expect(draftStatusOf(job(S.MODEL_JOB_STATUS_CANCELED))).toBe('failed');
  });

  it('answers PostTrainingJobStatusResponse and PostTrainingJobArtifactsResponse, checkpoints by epoch with their storage URL', () => {
    for (const status of [
      S.MODEL_JOB_STATUS_QUEUED,
      S.MODEL_JOB_STATUS_RUNNING,
      S.MODEL_JOB_STATUS_COMPLETED,
      S.MODEL_JOB_STATUS_CANCELED,
    ]) {
      expect(schemaErrors('PostTrainingJobStatusResponse', jobStatusView(job(status), GATEWAY))).toEqual([]);
    }
    const view = jobArtifactsView(job(S.MODEL_JOB_STATUS_COMPLETED), GATEWAY);
    expect(schemaErrors('PostTrainingJobArtifactsResponse', view)).toEqual([]);
    expect(view).toEqual({
      job_uuid: 'sft-1',
      checkpoints: [
        { iters: 1, path: `${GATEWAY}/v2/asset_files/post_training/sft-1/epoch-1/?project_id=${PROJECT}` },
        { iters: 2, path: `${GATEWAY}/v2/asset_files/post_training/sft-1/epoch-2/?project_id=${PROJECT}` },
      ],
    });
    // What the artifacts list is what a DPO job may start from.
    expect(startModelOf(view.checkpoints[1].path, PROJECT)).toMatchObject({
      prefix: `projects/${PROJECT}/assets/post_training/sft-1/epoch-2/`,
    });
  });

  it('answers PostTrainingJobLogStream: the log, each epoch with its reward margin, and why a canceled job ended', () => {
    const done = jobLogsView(job(S.MODEL_JOB_STATUS_COMPLETED), ['step 1']);
    expect(schemaErrors('PostTrainingJobLogStream', done)).toEqual([]);
    expect(done.log_lines).toEqual(['step 1', 'epoch 1: loss 0.693147 reward_margin 0.123457']);
    const canceled = jobLogsView(job(S.MODEL_JOB_STATUS_CANCELED, { failureReason: 'canceled by the user' }), []);
    expect(canceled.log_lines.at(-1)).toMatch(/^job canceled: canceled by the user/);
  });
});

describe('the draft paths and field names', () => {
  it('routes the draft spelling with a trailing slash and leaves other URLs alone', () => {
    expect(withoutDraftSlash('/post_training/supervised_fine_tune/')).toBe('/post_training/supervised_fine_tune');
    expect(withoutDraftSlash('/post_training/preference_optimize/?a=1')).toBe('/post_training/preference_optimize?a=1');
    expect(withoutDraftSlash('/post_training/job/status/')).toBe('/post_training/job/status/');
    expect(withoutDraftSlash('/v2/asset_files/a/')).toBe('/v2/asset_files/a/');
  });

  it("names the request's fields in the training service's refusals", () => {
    expect(postTrainingField('base_model')).toBe('model');
    expect(postTrainingField('settings.num_epochs')).toBe('training_config.n_epochs');
    expect(postTrainingField('lora_rank')).toBe('algorithm_config.rank');
    expect(postTrainingField('dataset_id')).toBe('dataset');
    expect(postTrainingField('job_uuid')).toBeUndefined();
  });
});
