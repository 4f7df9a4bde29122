import { trainingV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { fineTuningView } from '../fine-tunings/fine-tuning-view';
import { fineTuningParametersView, fineTuningSettings } from '../fine-tunings/fine-tuning-parameters.dto';
import { trainingView } from './training-view';
import { tuningState } from './tuning-status';
import { stateFilterOf } from './tuning-query';

const ID = '360c40f7-ac0c-43ca-a95f-1a5421f93b82';
const PROJECT = '12ac4cf1-252f-424b-b52d-5cdd9814987f';
const AT = new Date('2023-08-04T13:22:47.000Z');
const RESULTS = {
  type: 'container',
  location: {
    path: 'tune1/results',
    training: `tune1/results/${ID}`,
    training_status: `tune1/results/${ID}/training-status.json`,
    assets_path: `tune1/results/${ID}/assets`,
    model_request_path: `tune1/results/${ID}/assets/c29e7544-dfd0-4427-bc66-20fa6023e2e0/resources/wml_model/request.json`,
  },
};

function settings(over: Partial<trainingV1.TuningSettings> = {}): trainingV1.TuningSettings {
  return {
    method: 'prompt_tuning',
    objective: 'sft',
    numEpochs: 30,
    learningRate: 0.4,
    batchSize: 10,
    accumulateSteps: 3,
    maxInputTokens: 100,
    maxOutputTokens: 100,
    maxSeqLength: 0,
    verbalizer: 'Input: {{input}} Output:',
    responseTemplate: '',
    initMethod: 'random',
    initText: '',
    numVirtualTokens: 8,
    loraRank: 8,
    loraAlpha: 16,
    loraDropout: 0.05,
    loraTargetModules: [],
    loraMlp: false,
    dpoBeta: 0.1,
    weightDecay: 0,
    seed: 42,
    taskId: 'classification',
    ...over,
  };
}

function job(over: Partial<trainingV1.ModelJob> = {}, tuning: Partial<trainingV1.Tuning> = {}): trainingV1.ModelJob {
  return {
    id: ID,
    projectId: PROJECT,
    spaceId: '',
    name: 'my-prompt-training',
    baseModel: 'google/flan-t5-xl',
    dataId: '',
    taxonomyId: '',
    status: trainingV1.ModelJobStatus.MODEL_JOB_STATUS_COMPLETED,
    state: '',
    createdAt: AT,
    completedAt: new Date('2023-08-04T13:22:55.289Z'),
    runningAt: new Date('2023-08-04T13:22:48.000Z'),
    modifiedAt: AT,
    modelMetrics: undefined,
    failureReason: '',
    createdBy: 'guy',
    hyperparameters: undefined,
    executor: 'builtin',
    progress: undefined,
    checkpoints: [],
    outputPrefix: '',
    description: '',
    tags: [],
    bestCheckpoint: undefined,
    kind: 'prompt_tuning',
    tuning: {
      settings: settings(),
      trainingDataReferencesJson: JSON.stringify([{ id: 'tune1_data.json', location: { path: 'tune1_data.json' }, type: 'container' }]),
      testDataReferencesJson: '',
      resultsReferenceJson: JSON.stringify(RESULTS),
      customJson: '',
      autoUpdateModel: true,
      metrics: [
        { iteration: 0, loss: 4.49988, timestamp: new Date('2023-09-22T02:52:03.324Z') },
        { iteration: 1, loss: 3.86884, timestamp: new Date('2023-09-22T02:52:03.689Z') },
      ],
      modelAssetId: 'c29e7544-dfd0-4427-bc66-20fa6023e2e0',
      jobUuid: '',
      datasetId: '',
      validationDatasetId: '',
      resultPrefix: '',
      startModelPrefix: '',
      ...tuning,
    },
    ...over,
  };
}

describe('trainingView', () => {
  it('answers the seed example of a completed prompt tuning, with the model asset auto_update_model created', () => {
    const v = trainingView(job());
    expect(v.metadata).toEqual({
      id: ID,
      name: 'my-prompt-training',
      project_id: PROJECT,
      created_at: '2023-08-04T13:22:47.000Z',
      modified_at: '2023-08-04T13:22:47.000Z',
      tags: [],
      owner: 'guy',
    });
    expect(v.entity).toMatchObject({
      prompt_tuning: { base_model: { model_id: 'google/flan-t5-xl' }, task_id: 'classification', num_epochs: 30, learning_rate: 0.4 },
      training_data_references: [{ id: 'tune1_data.json', location: { path: 'tune1_data.json' }, type: 'container' }],
      auto_update_model: true,
      results_reference: RESULTS,
      model_id: 'c29e7544-dfd0-4427-bc66-20fa6023e2e0',
      status: {
        state: 'completed',
        running_at: '2023-08-04T13:22:48.000Z',
        completed_at: '2023-08-04T13:22:55.289Z',
        message: { level: 'info', text: `Training job ${ID} completed` },
        metrics: [
          { iteration: 0, ml_metrics: { loss: 4.49988 }, timestamp: '2023-09-22T02:52:03.324Z' },
          { iteration: 1, ml_metrics: { loss: 3.86884 }, timestamp: '2023-09-22T02:52:03.689Z' },
        ],
      },
    });
    expect(v.entity.status.failure).toBeUndefined();
    expect(v.entity.custom).toBeUndefined();
  });

  it('names the space of a training in a space, and leaves out model_id and metrics until they exist', () => {
    const v = trainingView(
      job(
        { projectId: '', spaceId: 'space-1', status: trainingV1.ModelJobStatus.MODEL_JOB_STATUS_QUEUED },
        { modelAssetId: '', metrics: [] },
      ),
    );
    expect(v.metadata.space_id).toBe('space-1');
    expect(v.metadata.project_id).toBeUndefined();
    expect(v.entity.model_id).toBeUndefined();
    expect(v.entity.status.metrics).toBeUndefined();
    expect(v.entity.status.state).toBe('queued');
  });

  it('shows a failure in the envelope shape', () => {
    const v = trainingView(job({ status: trainingV1.ModelJobStatus.MODEL_JOB_STATUS_FAILED, failureReason: 'engine exited 1' }));
    expect(v.entity.status.failure).toEqual({
      trace: ID,
      errors: [{ code: 'training_failed', message: 'engine exited 1' }],
      status_code: 500,
    });
  });
});

describe('tuningState', () => {
  it.each([
    [trainingV1.ModelJobStatus.MODEL_JOB_STATUS_QUEUED, '', 'queued'],
    [trainingV1.ModelJobStatus.MODEL_JOB_STATUS_RUNNING, 'pending', 'pending'],
    [trainingV1.ModelJobStatus.MODEL_JOB_STATUS_RUNNING, 'running', 'running'],
    [trainingV1.ModelJobStatus.MODEL_JOB_STATUS_RUNNING, 'storing', 'storing'],
    [trainingV1.ModelJobStatus.MODEL_JOB_STATUS_RUNNING, 'phase', 'running'],
    [trainingV1.ModelJobStatus.MODEL_JOB_STATUS_CANCELED, 'running', 'canceled'],
  ])('status %s with step %j is %s', (status, state, want) => {
    expect(tuningState(job({ status, state }))).toBe(want);
  });
});

describe('fine tunings of records', () => {
  it('map peft_parameters: lora with its settings, all-linear to every module, none to full', () => {
    const lora = fineTuningSettings({
      base_model: { model_id: 'm' },
      peft_parameters: { type: 'lora', rank: 4, target_modules: ['q_proj'] },
    });
    expect(lora).toMatchObject({ method: 'lora', loraRank: 4, loraTargetModules: ['q_proj'], objective: 'sft' });
    const all = fineTuningSettings({ base_model: { model_id: 'm' }, peft_parameters: { type: 'lora', target_modules: ['all-linear'] } });
    expect(all).toMatchObject({ method: 'lora', loraTargetModules: [], loraMlp: true });
    expect(fineTuningSettings(undefined).method).toBe('full');
  });

  it.each([
    [{ type: 'qlora' }, 'parameters.peft_parameters.type'],
    [{ type: 'none', rank: 4 }, 'parameters.peft_parameters.type'],
    [{ type: 'lora', target_modules: ['all-linear', 'q_proj'] }, 'parameters.peft_parameters.target_modules'],
  ])('refuse %j naming %s', (peft, field) => {
    expect(() => fineTuningSettings({ base_model: { model_id: 'm' }, peft_parameters: peft })).toThrow(
      expect.objectContaining({ target: { type: 'field', name: field } }),
    );
  });

  it('answer a LoRA fine tuning with its parameters, test data and custom', () => {
    const s = settings({ method: 'lora', loraTargetModules: [], loraMlp: true, maxSeqLength: 256, verbalizer: '', initMethod: '' });
    const v = fineTuningView(
      job(
        { kind: 'fine_tuning' },
        {
          settings: s,
          testDataReferencesJson: JSON.stringify([{ type: 'container', location: { path: 'test.json' } }]),
          customJson: '{"size":2}',
          autoUpdateModel: false,
          modelAssetId: '',
        },
      ),
      'http://gw',
    );
    expect(v.entity.type).toBeUndefined();
    expect(v.entity.parameters).toEqual(fineTuningParametersView('google/flan-t5-xl', s));
    expect(v.entity.parameters?.peft_parameters).toEqual({
      type: 'lora',
      rank: 8,
      lora_alpha: 16,
      lora_dropout: 0.05,
      target_modules: ['all-linear'],
    });
    expect(v.entity.test_data_references).toEqual([{ type: 'container', location: { path: 'test.json' } }]);
    expect(v.entity.custom).toEqual({ size: 2 });
    expect(v.entity.status.state).toBe('completed');
  });

  it('answer an InstructLab job as type ilab, as before', () => {
    const v = fineTuningView(job({ kind: 'instructlab', dataId: 'd', tuning: undefined }), 'http://gw');
    expect(v.entity).toMatchObject({ type: 'ilab', auto_update_model: false, href: `http://gw/v1/projects/${PROJECT}/models/${ID}` });
  });
});

describe('tuning list queries', () => {
  it('take the seed states and refuse others naming state', () => {
    expect(stateFilterOf('storing')).toBe('storing');
    expect(stateFilterOf(undefined)).toBe('');
    expect(() => stateFilterOf('done')).toThrow(expect.objectContaining({ target: { type: 'field', name: 'state' } }));
  });
});
