import type { notebooksV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { notebookAssetView, notebookResourceView, notebookVersionView } from './notebook-view';

const PROJECT = 'b275be5f-10ff-47ee-bfc9-63f1ce5addbf';
const SPACE = '92ae0e27-9b11-4de9-a646-d46ca3c183d4';
const ID = '41d09a9a-f771-48a2-9534-50c0c622356d';
const CREATED = new Date('2021-07-01T12:37:01.000Z');

const notebook = (over: Partial<notebooksV1.Notebook> = {}): notebooksV1.Notebook => ({
  id: ID,
  projectId: PROJECT,
  spaceId: '',
  name: 'my notebook',
  description: 'this is my notebook',
  tags: [],
  kernelJson: JSON.stringify({ display_name: 'Python 3.9 with Spark', name: 'python3', language: 'python3' }),
  runtimeJson: JSON.stringify({ environment: `spark33py39-${PROJECT}`, spark_monitoring_enabled: true }),
  originatesFromJson: JSON.stringify({ type: 'blank' }),
  ownerId: 'IBMid-310000SG2Y',
  createdAt: CREATED,
  updatedAt: CREATED,
  revision: 2,
  fileReference: `notebooks/${ID}/current.ipynb`,
  revertedToVersionId: '',
  contentSize: 100,
  ...over,
});

describe('notebook views', () => {
  it('answer a notebook of a project as the seed’s create example', () => {
    expect(notebookAssetView(notebook())).toEqual({
      metadata: {
        name: 'my notebook',
        description: 'this is my notebook',
        asset_type: 'notebook',
        created: CREATED.getTime(),
        created_at: '2021-07-01T12:37:01.000Z',
        owner_id: 'IBMid-310000SG2Y',
        asset_id: ID,
        project_id: PROJECT,
      },
      entity: {
        notebook: {
          kernel: { display_name: 'Python 3.9 with Spark', name: 'python3', language: 'python3' },
          originates_from: { type: 'blank' },
        },
        runtime: { environment: `spark33py39-${PROJECT}`, spark_monitoring_enabled: true },
        href: `/v2/assets/${ID}?project_id=${PROJECT}`,
      },
    });
  });

  it('answer a promoted notebook in its space, without runtime, with its tags', () => {
    const view = notebookAssetView(notebook({ projectId: '', spaceId: SPACE, runtimeJson: '', description: '', tags: ['notebook'] }));
    expect(view.metadata).toMatchObject({ space_id: SPACE, tags: ['notebook'] });
    expect(view.metadata).not.toHaveProperty('project_id');
    expect(view.metadata).not.toHaveProperty('description');
    expect(view.entity).not.toHaveProperty('runtime');
    expect(view.entity.href).toBe(`/v2/assets/${ID}?space_id=${SPACE}`);
  });

  it('list a notebook as the seed’s list example, the runtime only when included', () => {
    expect(notebookResourceView(notebook(), true)).toEqual({
      metadata: { guid: ID, url: `/v2/notebooks/${ID}` },
      entity: {
        runtime: { environment: `spark33py39-${PROJECT}`, spark_monitoring_enabled: true },
        asset: {
          asset_id: ID,
          asset_type: 'notebook',
          created_at: '2021-07-01T12:37:01.000Z',
          version: 2,
          project_id: PROJECT,
          href: `/v2/assets/${ID}?project_id=${PROJECT}`,
        },
      },
    });
    expect(notebookResourceView(notebook(), false).entity).not.toHaveProperty('runtime');
  });

  it('answer a version as the seed’s version example', () => {
    const v: notebooksV1.NotebookVersion = {
      id: '19d63b6b-81a1-4c05-bad2-36a2957bd6d0',
      notebookId: ID,
      projectId: PROJECT,
      spaceId: '',
      createdBy: 'IBMid-123456ABCD',
      fileReference: `notebooks/${ID}/versions/19d63b6b-81a1-4c05-bad2-36a2957bd6d0.ipynb`,
      revId: 1,
      createdAt: CREATED,
      contentSize: 100,
    };
    expect(notebookVersionView(v)).toEqual({
      metadata: { guid: v.id, url: `v2/notebooks/${ID}/versions/${v.id}`, created_at: CREATED.getTime() },
      entity: {
        master_notebook_guid: ID,
        project_id: PROJECT,
        created_by_iui: 'IBMid-123456ABCD',
        file_reference: v.fileReference,
        rev_id: 1,
      },
    });
  });
});
