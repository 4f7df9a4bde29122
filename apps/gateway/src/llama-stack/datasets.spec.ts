import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { datasetIdOf, datasetView } from './datasets.controller';
import { CreateDatasetRequestDto, checkColumns } from './datasets.dto';
import { datasetField } from './post-training-errors';

const draft = JSON.parse(readFileSync(resolve(__dirname, '../../../platform-e2e/src/support/llama-stack-draft-openapi.json'), 'utf8')) as {
  components: object;
};
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema({ $id: 'draft', components: draft.components });
const schemaErrors = (name: string, value: unknown) => {
  const v = ajv.getSchema(`draft#/components/schemas/${name}`)!;
  return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
};
const dtoErrors = (body: unknown) =>
  validateSync(plainToInstance(CreateDatasetRequestDto, body), { whitelist: true }).map((e) => e.property);
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as PlatformError;
  }
  throw new Error('accepted');
};

const body = {
  uuid: 'greetings',
  dataset: { columns: { input: 'text', output: 'text' }, content_url: 'data:application/jsonl;base64,e30K', metadata: { source: 'test' } },
};

describe('/datasets against the draft', () => {
  it('accepts the draft CreateDatasetRequest', () => {
    expect(schemaErrors('CreateDatasetRequest', body)).toEqual([]);
    expect(dtoErrors(body)).toEqual([]);
    expect(checkColumns(body.dataset.columns, 'dataset.columns')).toEqual({ input: 'text', output: 'text' });
  });

  it('refuses what the draft refuses, naming the field', () => {
    const noUrl = { ...body, dataset: { ...body.dataset, content_url: 's3://bucket/rows.jsonl' } };
    expect(schemaErrors('CreateDatasetRequest', noUrl)).not.toEqual([]);
    expect(dtoErrors(noUrl)).toEqual(['dataset']);
    expect(dtoErrors({ dataset: body.dataset })).toEqual(['uuid']);
    expect(dtoErrors({ uuid: 'x' })).toEqual(['dataset']);
    expect(dtoErrors({ ...body, uuid: 'x'.repeat(129) })).toEqual(['uuid']);
    const badType = { ...body.dataset.columns, score: 'float' };
    expect(schemaErrors('Dataset', { ...body.dataset, columns: badType })).not.toEqual([]);
    expect(refusal(() => checkColumns(badType, 'dataset.columns')).target?.name).toBe('dataset.columns.score');
    expect(refusal(() => checkColumns({}, 'dataset.columns')).target?.name).toBe('dataset.columns');
  });

  it('answers the draft Dataset', () => {
    const view = datasetView({
      projectId: 'p',
      id: 'greetings',
      columns: { input: 'text', output: 'text' },
      contentUrl: body.dataset.content_url,
      metadataJson: '{"source":"test"}',
      rowCount: 3,
      objectKey: 'datasets/p/greetings/rows.jsonl',
      createdAt: new Date(),
      createdBy: 'u',
    });
    expect(schemaErrors('Dataset', view)).toEqual([]);
    expect(view).toEqual(body.dataset);
  });

  it('requires dataset_id on get and delete, and names the draft fields in refusals', () => {
    expect(refusal(() => datasetIdOf(undefined)).target?.name).toBe('dataset_id');
    expect(refusal(() => datasetIdOf('x'.repeat(129))).target?.name).toBe('dataset_id');
    expect(datasetField('content_url', 'validation_dataset')).toBe('validation_dataset.content_url');
    expect(datasetField('columns.score', 'dataset')).toBe('dataset.columns.score');
    expect(datasetField('metadata_json', 'dataset')).toBe('dataset.metadata');
  });
});
