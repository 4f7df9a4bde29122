import type { deploymentV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { deploymentView } from './deployment-view';
import { customFoundationModelView, modelAssetView } from './model-asset-view';

const URL = 'https://us-south.ml.cloud.ibm.com';
const ID = '6213cf1-252f-424b-b52d-5cdd9814956c';
const CREATED = new Date('2023-05-02T16:27:51Z');

function deployment(over: Partial<deploymentV1.Deployment>): deploymentV1.Deployment {
  return {
    id: ID,
    projectId: '12ac4cf1-252f-424b-b52d-5cdd9814987f',
    spaceId: '',
    name: 'my_tuned_flan',
    description: '',
    tags: [],
    customJson: '',
    assetId: '',
    promptTemplateId: '',
    baseModelId: '',
    baseDeploymentId: '',
    servingName: '',
    onlineParametersJson: '',
    hardwareSpec: undefined,
    hardwareRequest: undefined,
    deployedAssetType: 'custom_foundation_model',
    status: { state: 'ready', messageLevel: 'info', messageText: 'The deployment is successful', failureCode: '', failureMessage: '' },
    createdAt: CREATED,
    modifiedAt: CREATED,
    owner: 'guy',
    rev: 1,
    modelId: `deployments/${ID}`,
    replicas: 1,
    readyReplicas: 1,
    temporary: false,
    ragExperimentId: '',
    ragPatternName: '',
    ...over,
  };
}

describe('deploymentView', () => {
  it("answers the seed's custom foundation model example: URLs by id and by serving name, streams with sse", () => {
    const parameters = { serving_name: 'myflan', foundation_model: { max_batch_weight: 10000, max_sequence_length: 8192 } };
    const view = deploymentView(
      deployment({
        assetId: '366c31e9-1a6b-417a-8e25-06178a1514a1',
        servingName: 'myflan',
        onlineParametersJson: JSON.stringify(parameters),
        hardwareSpec: { id: 'WX-S', name: '', numNodes: 1 },
        baseModelId: 'google/flan-t5-xl',
      }),
      URL,
    );
    // The seed's GET example, with the metadata fields the SDK's ResourceMeta adds.
    expect(view).toEqual({
      metadata: {
        id: ID,
        created_at: '2023-05-02T16:27:51.000Z',
        modified_at: '2023-05-02T16:27:51.000Z',
        project_id: '12ac4cf1-252f-424b-b52d-5cdd9814987f',
        name: 'my_tuned_flan',
        tags: [],
        owner: 'guy',
        rev: '1',
      },
      entity: {
        asset: { id: '366c31e9-1a6b-417a-8e25-06178a1514a1' },
        hardware_spec: { id: 'WX-S', num_nodes: 1 },
        online: { parameters },
        deployed_asset_type: 'custom_foundation_model',
        base_model_id: 'google/flan-t5-xl',
        status: {
          state: 'ready',
          message: { level: 'info', text: 'The deployment is successful' },
          inference: [
            { url: `${URL}/ml/v1/deployments/${ID}/text/generation` },
            { url: `${URL}/ml/v1/deployments/myflan/text/generation`, uses_serving_name: true },
            { url: `${URL}/ml/v1/deployments/${ID}/text/generation_stream`, sse: true },
            { url: `${URL}/ml/v1/deployments/myflan/text/generation_stream`, sse: true, uses_serving_name: true },
          ],
        },
      },
    });
  });

  it('lists only the id URLs without a serving name, names the space of a space deployment and shows a prompt template', () => {
    const view = deploymentView(
      deployment({
        projectId: '',
        spaceId: '8ca6eec6-ce39-4285-877b-97a9720cdd03',
        promptTemplateId: '4cedab6d-e8e4-4214-b81a-2ddb122db2ab',
        baseModelId: 'google/flan-ul2',
        deployedAssetType: 'foundation_model',
        description: 'Classification prompt template deployment',
        tags: ['classification'],
        customJson: '{"team":"a"}',
      }),
      URL,
    );
    expect(view.metadata).toMatchObject({
      space_id: '8ca6eec6-ce39-4285-877b-97a9720cdd03',
      description: 'Classification prompt template deployment',
    });
    expect(view.metadata).not.toHaveProperty('project_id');
    expect(view.entity).toMatchObject({
      prompt_template: { id: '4cedab6d-e8e4-4214-b81a-2ddb122db2ab' },
      online: {},
      custom: { team: 'a' },
    });
    expect(view.entity).not.toHaveProperty('asset');
    expect(view.entity.status.inference.map((i) => i.url)).toEqual([
      `${URL}/ml/v1/deployments/${ID}/text/generation`,
      `${URL}/ml/v1/deployments/${ID}/text/generation_stream`,
    ]);
  });

  it("tells a failed deployment in the SDK's ApiErrorResponse shape, and an initializing one without failure", () => {
    const failed = deploymentView(
      deployment({
        status: {
          state: 'failed',
          messageLevel: 'error',
          messageText: 'No replica started',
          failureCode: '',
          failureMessage: 'out of memory',
        },
      }),
      URL,
    );
    expect(failed.entity.status).toMatchObject({
      state: 'failed',
      message: { level: 'error', text: 'No replica started' },
      failure: { trace: ID, errors: [{ code: 'deployment_failed', message: 'out of memory' }] },
    });
    const starting = deploymentView(deployment({ status: undefined }), URL);
    expect(starting.entity.status.state).toBe('initializing');
    expect(starting.entity.status).not.toHaveProperty('failure');
    expect(starting.entity.status).not.toHaveProperty('message');
  });
});

describe('model asset views', () => {
  const asset: deploymentV1.ModelAsset = {
    id: '366c31e9-1a6b-417a-8e25-06178a1514a1',
    projectId: '',
    spaceId: '8ca6eec6-ce39-4285-877b-97a9720cdd03',
    name: 'flan',
    description: '',
    tags: [],
    type: 'custom_foundation_model_1.0',
    softwareSpecName: 'watsonx-cfm-caikit-1.0',
    foundationModelId: 'my_flan_t5_xl',
    trainingId: '',
    contentPrefix: 'custom_models/my_flan_t5_xl/',
    baseModelId: 'my_flan_t5_xl',
    contentImportState: 'completed',
    customJson: '',
    owner: 'guy',
    createdAt: CREATED,
    modifiedAt: CREATED,
    ragPatternName: '',
  };

  it("answers a model asset as the SDK's ModelResource, the training under both its names", () => {
    expect(modelAssetView(asset).entity).toEqual({
      type: 'custom_foundation_model_1.0',
      software_spec: { name: 'watsonx-cfm-caikit-1.0' },
      foundation_model: { model_id: 'my_flan_t5_xl' },
      content_import_state: 'completed',
    });
    const trained = modelAssetView({
      ...asset,
      type: 'fine_tune_1.0',
      foundationModelId: '',
      softwareSpecName: '',
      trainingId: 't1',
      baseModelId: 'ibm/granite',
    });
    expect(trained.entity).toEqual({
      type: 'fine_tune_1.0',
      foundation_model: { model_id: 'ibm/granite' },
      training_id: 't1',
      training: { id: 't1' },
      content_import_state: 'completed',
    });
    expect(trained.metadata).toMatchObject({ id: asset.id, space_id: asset.spaceId, name: 'flan', owner: 'guy' });
  });

  it("answers a model store entry with the seed's fields and its config.json's specs", () => {
    const parameter = {
      name: 'max_batch_weight',
      displayName: 'Maximum batch weight',
      description: 'd',
      type: 'number',
      default: 10000,
      min: 0,
      max: 100000,
    };
    expect(
      customFoundationModelView({
        modelId: 'my_flan_t5_xl',
        description: 'A tuned version of flan_t5_xl',
        tags: ['flan_t5_xl'],
        architecture: 'T5ForConditionalGeneration',
        modelType: 't5',
        maxSequenceLength: 8192,
        parameterCount: 2_850_000_000,
        parameters: [parameter],
      }),
    ).toEqual({
      model_id: 'my_flan_t5_xl',
      description: 'A tuned version of flan_t5_xl',
      tags: ['flan_t5_xl'],
      parameters: [
        {
          name: 'max_batch_weight',
          display_name: 'Maximum batch weight',
          description: 'd',
          type: 'number',
          default: 10000,
          min: 0,
          max: 100000,
        },
      ],
      architecture: 'T5ForConditionalGeneration',
      model_type: 't5',
      model_limits: { max_sequence_length: 8192 },
      number_params: '2.85b',
    });
  });
});
