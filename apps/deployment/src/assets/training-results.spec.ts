import { PlatformError } from '@platform/common';
import { trainingV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { trainedModelOf, trainingKindsFor } from './training-results';

const S = trainingV1.ModelJobStatus;
const ID = '0b7c3f5e-2d4a-4e8b-9c1d-6f0a2b3c4d5e';

const job = (status: trainingV1.ModelJobStatus, outputPrefix = `trained_models/${ID}/`) =>
  ({ id: ID, status, baseModel: 'granite-7b-lab', outputPrefix, kind: 'instructlab', state: '' }) as trainingV1.ModelJob;

const tuning = (status: trainingV1.ModelJobStatus, state: string, resultPrefix: string, kind = 'prompt_tuning') =>
  ({ id: ID, status, state, kind, baseModel: 'platform/starter-llama', outputPrefix: '', tuning: { resultPrefix } }) as trainingV1.ModelJob;

const refusal = (j: trainingV1.ModelJob) => {
  try {
    trainedModelOf(j);
  } catch (e) {
    return e as PlatformError;
  }
  throw new Error('the job was accepted');
};

describe('trainingKindsFor', () => {
  it('takes prompt tunings for prompt-tune assets and every other kind for the rest', () => {
    expect(trainingKindsFor('prompt_tune_1.0')).toEqual(['prompt_tuning']);
    expect(trainingKindsFor('fine_tune_1.0')).toEqual(['instructlab', 'fine_tuning', 'post_training']);
    expect(trainingKindsFor('custom_foundation_model_1.0')).toEqual(['instructlab', 'fine_tuning', 'post_training']);
  });
});

describe('trainedModelOf', () => {
  it('takes the model a completed InstructLab job published, and its base model', () => {
    expect(trainedModelOf(job(S.MODEL_JOB_STATUS_COMPLETED))).toEqual({
      trainingId: ID,
      prefix: `trained_models/${ID}/model/`,
      baseModelId: 'granite-7b-lab',
    });
    expect(trainedModelOf(job(S.MODEL_JOB_STATUS_COMPLETED, '')).prefix).toBe(`trained_models/${ID}/model/`);
    // Rows written before kinds existed have none: they are InstructLab jobs.
    expect(trainedModelOf({ ...job(S.MODEL_JOB_STATUS_COMPLETED), kind: '' }).prefix).toBe(`trained_models/${ID}/model/`);
  });

  it("takes a tuning's result_prefix, completed or while it is storing (its own auto_update_model)", () => {
    const prefix = `projects/p/assets/results/${ID}/assets/a/model/`;
    expect(trainedModelOf(tuning(S.MODEL_JOB_STATUS_COMPLETED, '', prefix))).toEqual({
      trainingId: ID,
      prefix,
      baseModelId: 'platform/starter-llama',
    });
    expect(trainedModelOf(tuning(S.MODEL_JOB_STATUS_RUNNING, 'storing', prefix.slice(0, -1), 'fine_tuning')).prefix).toBe(prefix);
  });

  it('refuses a tuning that is storing before its model is published, or completed without one', () => {
    expect(refusal(tuning(S.MODEL_JOB_STATUS_RUNNING, 'storing', '')).message).toContain(`training ${ID} is not completed (it is storing)`);
    expect(refusal(tuning(S.MODEL_JOB_STATUS_RUNNING, 'running', 'x/')).message).toContain('(it is running)');
    const none = refusal(tuning(S.MODEL_JOB_STATUS_COMPLETED, '', ''));
    expect(none.target?.name).toBe('training_id');
    expect(none.message).toContain('published no model');
  });

  it('does not take an InstructLab job in a state named storing before it completes', () => {
    expect(
      refusal({ ...job(S.MODEL_JOB_STATUS_RUNNING), state: 'storing', tuning: { resultPrefix: 'x/' } as trainingV1.Tuning }).message,
    ).toContain('(it is running)');
  });

  it.each([
    [S.MODEL_JOB_STATUS_QUEUED, 'queued'],
    [S.MODEL_JOB_STATUS_RUNNING, 'running'],
    [S.MODEL_JOB_STATUS_FAILED, 'failed'],
    [S.MODEL_JOB_STATUS_CANCELED, 'canceled'],
  ])('refuses a job that is %s naming training_id', (status, word) => {
    const err = refusal(job(status));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.target?.name).toBe('training_id');
    expect(err.message).toContain(`training ${ID} is not completed (it is ${word})`);
  });
});
