import { PlatformError } from '@platform/common';
import { trainingV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { trainedModelOf } from './training-results';

const S = trainingV1.ModelJobStatus;
const ID = '0b7c3f5e-2d4a-4e8b-9c1d-6f0a2b3c4d5e';

const job = (status: trainingV1.ModelJobStatus, outputPrefix = `trained_models/${ID}/`) =>
  ({ id: ID, status, baseModel: 'granite-7b-lab', outputPrefix }) as trainingV1.ModelJob;

describe('trainedModelOf', () => {
  it('takes the model a completed job published, and its base model', () => {
    expect(trainedModelOf(job(S.MODEL_JOB_STATUS_COMPLETED))).toEqual({
      trainingId: ID,
      prefix: `trained_models/${ID}/model/`,
      baseModelId: 'granite-7b-lab',
    });
    expect(trainedModelOf(job(S.MODEL_JOB_STATUS_COMPLETED, '')).prefix).toBe(`trained_models/${ID}/model/`);
  });

  it.each([
    [S.MODEL_JOB_STATUS_QUEUED, 'queued'],
    [S.MODEL_JOB_STATUS_RUNNING, 'running'],
    [S.MODEL_JOB_STATUS_FAILED, 'failed'],
    [S.MODEL_JOB_STATUS_CANCELED, 'canceled'],
  ])('refuses a job that is %s naming training_id', (status, word) => {
    const err = (() => {
      try {
        trainedModelOf(job(status));
      } catch (e) {
        return e;
      }
    })() as PlatformError;
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.target?.name).toBe('training_id');
    expect(err.message).toContain(`training ${ID} is not completed (it is ${word})`);
  });
});
