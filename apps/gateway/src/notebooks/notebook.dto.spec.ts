import 'reflect-metadata';
import { ValidationPipe, type Type } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../http/request-validation.error';
import {
  CreateNotebookRequest,
  ListNotebooksRequest,
  NOTEBOOK_CONTENT_MAX_BYTES,
  PromoteNotebookRequest,
  RevertNotebookRequest,
  UpdateNotebookRequest,
} from './notebook.dto';

/** The gateway's global pipe (create-gateway.ts). */
const pipe = new ValidationPipe({
  whitelist: true,
  transform: true,
  exceptionFactory: (errors) => RequestValidationError.fromClassValidator(errors),
});
const validate = (dto: Type<unknown>, body: unknown) => pipe.transform(body, { type: 'body', metatype: dto });
async function refusedFields(dto: Type<unknown>, body: unknown): Promise<string[]> {
  const err: unknown = await validate(dto, body).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, JSON.stringify(body)).toBeInstanceOf(RequestValidationError);
  return [...new Set((err as RequestValidationError).issues.map((i) => i.field))];
}

const PROJECT = 'b275be5f-10ff-47ee-bfc9-63f1ce5addbf';
const GUID = 'ca3c0e27-46ca-43d4-a646-d49b11c14de9';

describe('notebook request bodies', () => {
  it('accept the seed examples', async () => {
    await expect(
      validate(CreateNotebookRequest, {
        name: 'my notebook',
        description: 'this is my notebook',
        project: PROJECT,
        file_reference: 'notebook/my_notebook.ipynb',
        runtime: { environment: 'spark33py39-b275be5f-10ff-47ee-bfc9-63f1ce5addbf', spark_monitoring_enabled: true },
      }),
    ).resolves.toBeInstanceOf(CreateNotebookRequest);
    await expect(validate(ListNotebooksRequest, { notebooks: [GUID] })).resolves.toEqual({ notebooks: [GUID] });
    await expect(validate(RevertNotebookRequest, { source: GUID })).resolves.toEqual({ source: GUID });
    await expect(
      validate(UpdateNotebookRequest, {
        environment: 'd46ca0e27-a646-4de9-a646-9b113c183d4',
        spark_monitoring_enabled: false,
        kernel: { display_name: 'Python 3.9 with Spark', name: 'python39', language: 'python3' },
      }),
    ).resolves.toBeInstanceOf(UpdateNotebookRequest);
    await expect(
      validate(PromoteNotebookRequest, { space_id: PROJECT, name: 'my notebook', description: 'in space', tags: ['test', 'promote'] }),
    ).resolves.toBeInstanceOf(PromoteNotebookRequest);
  });

  it('name each broken field', async () => {
    expect(await refusedFields(CreateNotebookRequest, { name: 'n', project: '12345' })).toEqual(['project']);
    expect(await refusedFields(CreateNotebookRequest, { name: ' ', project: PROJECT })).toEqual(['name']);
    expect(await refusedFields(CreateNotebookRequest, { project: PROJECT })).toEqual(['name']);
    expect(await refusedFields(CreateNotebookRequest, { name: 'n', runtime: {} })).toEqual(['runtime.environment']);
    expect(
      await refusedFields(CreateNotebookRequest, { name: 'n', runtime: { environment: 'e', spark_monitoring_enabled: 'yes' } }),
    ).toEqual(['runtime.spark_monitoring_enabled']);
    expect(await refusedFields(CreateNotebookRequest, { name: 'n', originates_from: { type: 'git' } })).toEqual(['originates_from.type']);
    expect(await refusedFields(CreateNotebookRequest, { name: 'n', source_guid: 'ABC' })).toEqual(['source_guid']);
    expect(await refusedFields(CreateNotebookRequest, { name: 'n', content: { cells: [] } })).toEqual(['content']);
    expect(await refusedFields(ListNotebooksRequest, { notebooks: [] })).toEqual(['notebooks']);
    expect(await refusedFields(ListNotebooksRequest, { notebooks: [GUID, 'x'] })).toEqual(['notebooks']);
    expect(await refusedFields(RevertNotebookRequest, {})).toEqual(['source']);
    expect(await refusedFields(PromoteNotebookRequest, { space_id: 'nope' })).toEqual(['space_id']);
    expect(await refusedFields(UpdateNotebookRequest, { kernel: { name: 3 } })).toEqual(['kernel.name']);
    expect(await refusedFields(UpdateNotebookRequest, { file_reference: '' })).toEqual(['file_reference']);
  });

  it('bound the .ipynb sent as content by its UTF-8 bytes', async () => {
    // 'é' is two bytes: as many characters as the limit has bytes is twice too large.
    const tooLarge = 'é'.repeat(NOTEBOOK_CONTENT_MAX_BYTES / 2 + 1);
    expect(await refusedFields(CreateNotebookRequest, { name: 'n', content: tooLarge })).toEqual(['content']);
    await expect(
      validate(CreateNotebookRequest, { name: 'n', content: 'é'.repeat(NOTEBOOK_CONTENT_MAX_BYTES / 2) }),
    ).resolves.toBeDefined();
  });
});
