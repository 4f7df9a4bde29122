import 'reflect-metadata';
import { ValidationPipe, type Type } from '@nestjs/common';
import type { documentsV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../http/request-validation.error';
import { CreateTextExtractionRequest, extractionRequestJson } from './text-extraction.dto';
import { textExtractionView } from './text-extraction-view';

/** The gateway's global pipe (create-gateway.ts). */
const pipe = new ValidationPipe({
  whitelist: true,
  transform: true,
  exceptionFactory: (errors) => RequestValidationError.fromClassValidator(errors),
});
const validate = (dto: Type<unknown>, body: unknown) => pipe.transform(body, { type: 'body', metatype: dto });
async function refusedFields(body: unknown): Promise<string[]> {
  const err: unknown = await validate(CreateTextExtractionRequest, body).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, JSON.stringify(body)).toBeInstanceOf(RequestValidationError);
  return [...new Set((err as RequestValidationError).issues.map((i) => i.field))];
}

const PROJECT = '12ac4cf1-252f-424b-b52d-5cdd9814987f';
const ID = '6213cf1-252f-424b-b52d-5cdd9814956c';
/** The seed's ocr_request. */
const OCR_REQUEST = {
  project_id: PROJECT,
  document_reference: {
    type: 'connection_asset',
    connection: { id: '6f5688fd-f3bf-42c2-a18b-49c0d8a1920d' },
    location: { file_name: 'files/document.pdf' },
  },
  results_reference: {
    type: 'connection_asset',
    connection: { id: '2a7c11bc-2913-48d0-9581-a8d9f40fa159' },
    location: { file_name: 'results' },
  },
  steps: { ocr: { languages_list: ['en', 'fr'] }, tables_processing: { enabled: false } },
};
const DOCUMENT = { type: 'container', location: { path: 'files/document.pdf' } };
const RESULTS = { type: 'container', location: { file_name: 'results/document.md' } };

describe('text extraction requests', () => {
  it('accept the seed example and keep its entity fields as given for the documents service', async () => {
    const body = (await validate(CreateTextExtractionRequest, OCR_REQUEST)) as CreateTextExtractionRequest;
    expect(JSON.parse(extractionRequestJson(body))).toEqual({
      document_reference: OCR_REQUEST.document_reference,
      results_reference: OCR_REQUEST.results_reference,
      steps: OCR_REQUEST.steps,
    });
  });

  it('accept every parameter of the current API, and what the official SDK sends (undefined fields dropped)', async () => {
    const parameters = {
      requested_outputs: ['assembly', 'html', 'md', 'plain_text', 'page_images'],
      mode: 'high_quality',
      ocr_mode: 'forced',
      languages: ['en', 'deu'],
      auto_rotation_correction: true,
      create_embedded_images: 'enabled_text',
      output_dpi: 300,
      output_tokens_and_bbox: true,
    };
    const body = (await validate(CreateTextExtractionRequest, {
      space_id: PROJECT,
      name: 'extract',
      document_reference: DOCUMENT,
      results_reference: { type: 'container', location: { path: 'results/' } },
      parameters,
      assembly_md: {},
      custom: { size: 2 },
    })) as CreateTextExtractionRequest;
    expect(JSON.parse(extractionRequestJson(body))).toEqual({
      document_reference: DOCUMENT,
      results_reference: { type: 'container', location: { path: 'results/' } },
      parameters,
      assembly_md: {},
      custom: { size: 2 },
    });
    // The SDK's createTextExtraction body: every optional field present as undefined.
    const sdk = { document_reference: DOCUMENT, results_reference: RESULTS, steps: undefined, assembly_json: undefined, custom: undefined };
    const parsed = (await validate(CreateTextExtractionRequest, { ...sdk, project_id: PROJECT })) as CreateTextExtractionRequest;
    expect(JSON.parse(extractionRequestJson(parsed))).toEqual({ document_reference: DOCUMENT, results_reference: RESULTS });
  });

  it.each([
    [{ results_reference: RESULTS }, ['document_reference']],
    [{ document_reference: DOCUMENT }, ['results_reference']],
    [{ document_reference: { type: 'cos', location: {} }, results_reference: RESULTS }, ['document_reference.type']],
    [{ document_reference: { type: 'container', location: 'a.pdf' }, results_reference: RESULTS }, ['document_reference.location']],
    [{ document_reference: DOCUMENT, results_reference: RESULTS, steps: { ocr: { languages_list: 'en' } } }, ['steps.ocr.languages_list']],
    [
      { document_reference: DOCUMENT, results_reference: RESULTS, steps: { tables_processing: { enabled: 'yes' } } },
      ['steps.tables_processing.enabled'],
    ],
    [
      { document_reference: DOCUMENT, results_reference: RESULTS, parameters: { requested_outputs: ['pdf'] } },
      ['parameters.requested_outputs'],
    ],
    [{ document_reference: DOCUMENT, results_reference: RESULTS, parameters: { requested_outputs: [] } }, ['parameters.requested_outputs']],
    [
      { document_reference: DOCUMENT, results_reference: RESULTS, parameters: { requested_outputs: ['md', 'md'] } },
      ['parameters.requested_outputs'],
    ],
    [{ document_reference: DOCUMENT, results_reference: RESULTS, parameters: { ocr_mode: 'auto' } }, ['parameters.ocr_mode']],
    [{ document_reference: DOCUMENT, results_reference: RESULTS, parameters: { mode: 'fast' } }, ['parameters.mode']],
    [{ document_reference: DOCUMENT, results_reference: RESULTS, parameters: { output_dpi: 71 } }, ['parameters.output_dpi']],
    [{ document_reference: DOCUMENT, results_reference: RESULTS, parameters: { output_dpi: 601 } }, ['parameters.output_dpi']],
    [
      { document_reference: DOCUMENT, results_reference: RESULTS, parameters: { create_embedded_images: 'yes' } },
      ['parameters.create_embedded_images'],
    ],
    [{ document_reference: DOCUMENT, results_reference: RESULTS, parameters: { languages: [''] } }, ['parameters.languages']],
    [{ document_reference: DOCUMENT, results_reference: RESULTS, assembly_md: 'yes' }, ['assembly_md']],
    [{ document_reference: DOCUMENT, results_reference: RESULTS, name: '' }, ['name']],
  ])('refuse %j naming %j', async (body, fields) => {
    expect(await refusedFields({ project_id: PROJECT, ...body })).toEqual(fields);
  });
});

function extraction(
  over: Partial<documentsV1.Extraction> = {},
  results: Partial<documentsV1.ExtractionResults> = {},
): documentsV1.Extraction {
  return {
    id: ID,
    projectId: PROJECT,
    spaceId: '',
    name: 'extract',
    createdBy: 'guy',
    createdAt: new Date('2023-05-02T16:27:51Z'),
    requestJson: JSON.stringify({
      document_reference: OCR_REQUEST.document_reference,
      results_reference: OCR_REQUEST.results_reference,
      steps: { tables_processing: { enabled: true } },
    }),
    results: { status: 'submitted', numberPagesProcessed: 0, totalPages: 0, locations: [], ...results },
    ...over,
  };
}

describe('textExtractionView', () => {
  it('answers the seed example of a submitted extraction', () => {
    expect(textExtractionView(extraction())).toEqual({
      metadata: { id: ID, created_at: '2023-05-02T16:27:51.000Z', project_id: PROJECT, name: 'extract' },
      entity: {
        document_reference: OCR_REQUEST.document_reference,
        results_reference: OCR_REQUEST.results_reference,
        steps: { tables_processing: { enabled: true } },
        results: { status: 'submitted', number_pages_processed: 0 },
      },
    });
  });

  it('shows progress, times and the files written, in a space, without a name', () => {
    const v = textExtractionView(
      extraction(
        { spaceId: 'space-1', projectId: '', name: '' },
        {
          status: 'completed',
          numberPagesProcessed: 3,
          totalPages: 3,
          runningAt: new Date('2023-05-02T16:28:03Z'),
          completedAt: new Date('2023-05-02T16:29:31Z'),
          locations: ['results/assembly.json', 'results/assembly.md'],
        },
      ),
    );
    expect(v.metadata).toEqual({ id: ID, created_at: '2023-05-02T16:27:51.000Z', space_id: 'space-1' });
    expect(v.entity.results).toEqual({
      status: 'completed',
      number_pages_processed: 3,
      total_pages: 3,
      running_at: '2023-05-02T16:28:03.000Z',
      completed_at: '2023-05-02T16:29:31.000Z',
      locations: ['results/assembly.json', 'results/assembly.md'],
    });
  });

  it('shows a failure as the SDK’s ServiceError, and leaves out request fields that are not objects', () => {
    const v = textExtractionView(
      extraction(
        {
          requestJson: JSON.stringify({
            document_reference: DOCUMENT,
            results_reference: RESULTS,
            parameters: { ocr_mode: 'forced' },
            custom: [1],
          }),
        },
        { status: 'failed', error: { code: 'encrypted_document', message: 'files/secret.pdf is encrypted.' } },
      ),
    );
    expect(v.entity).toEqual({
      document_reference: DOCUMENT,
      results_reference: RESULTS,
      parameters: { ocr_mode: 'forced' },
      results: {
        status: 'failed',
        number_pages_processed: 0,
        error: { code: 'encrypted_document', message: 'files/secret.pdf is encrypted.' },
      },
    });
  });
});
