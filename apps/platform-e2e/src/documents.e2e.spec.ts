import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WatsonXAI } from '@ibm-cloud/watsonx-ai';
import type { AutoAiRagJson, TextExtractionJson } from '@platform/api-types';
import { loadRetrievalCorpus } from '@platform/retrieval/testing';
import { docxDocument, parsePgm, pdfDocument, scannedPdf } from '@platform/test-fixtures';
import { BearerTokenAuthenticator } from 'ibm-cloud-sdk-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeOf, type ApiResponse } from './support/api';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

/**
 * The documents service end to end (issue 17), through the gateway:
 * - text extractions with the official SDK (createTextExtraction, listTextExtractions, getTextExtraction,
 *   deleteTextExtraction) of documents the test builds and puts into project storage with /v2/asset_files — a DOCX with
 *   a table, a scanned PDF (OCR word accuracy printed), an HTML page, a PDF with a text layer — the results read back
 *   from storage; and the bad requests (a connection asset, a path outside the project, a missing file, an unsupported
 *   type: 400 naming the field; an encrypted PDF: the job fails naming it);
 * - an AutoAI RAG experiment over @platform/retrieval's fixture corpus (20 documents, 20 questions) on the embedded
 *   index with the starter model, a small pattern budget: it completes, ranks its patterns, and the best pattern's
 *   context_correctness is printed; the inference notebook's code cells run with python3 against this platform.
 */
const VERSION = '2024-05-31';
const STARTER = 'platform/starter-llama';
const SENTENCE = 'The quick brown fox jumps over the lazy dog beside a quiet river bank';
const TABLE = [
  ['Region', 'Revenue', 'Growth'],
  ['North', '1200', '4%'],
  ['South', '950', '7%'],
];
const STATUS_ORDER = ['submitted', 'uploading', 'running', 'downloading', 'downloaded', 'completed'];
const corpus = loadRetrievalCorpus();
const run = randomBytes(3).toString('hex');
const work = mkdtempSync(join(tmpdir(), 'documents-e2e-'));

let platform: TestPlatform;
let wx: WatsonXAI;
let token: string;
let projectId: string;
let otherProjectId: string;

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const inProject = () => `version=${VERSION}&project_id=${projectId}`;

async function putFile(path: string, body: string | Uint8Array, contentType: string): Promise<void> {
  const res = await fetch(`${platform.url}/v2/asset_files/${path}?project_id=${projectId}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
  });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(201);
}

/** A file of the project's storage: its text, or undefined when there is none. */
async function readFile(path: string): Promise<string | undefined> {
  const res = await fetch(`${platform.url}/v2/asset_files/${path}?project_id=${projectId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.status === 404) return undefined;
  expect(res.status, path).toBe(200);
  return res.text();
}

/** The sentence's page rendered by poppler as a scanner would see it. */
function renderedSentence(): Buffer {
  const pdf = join(work, 'source.pdf');
  writeFileSync(pdf, pdfDocument({ pages: [[SENTENCE]] }));
  execFileSync('pdftoppm', ['-r', '200', '-gray', '-singlefile', pdf, join(work, 'scan')]);
  return readFileSync(join(work, 'scan.pgm'));
}

/** Share of the sentence's words found in `text` (bag of words, each found word counted once). */
function wordAccuracy(text: string): number {
  const words = (s: string): string[] => s.toLowerCase().match(/[a-z]+/g) ?? [];
  const found = words(text);
  const expected = words(SENTENCE);
  const hits = expected.filter((word) => {
    const at = found.indexOf(word);
    if (at >= 0) found.splice(at, 1);
    return at >= 0;
  });
  return hits.length / expected.length;
}

const container = (path: string) => ({ type: 'container', location: { file_name: path } });

/**
 * Polls an extraction with the SDK until it completes or fails, and checks the statuses it went through came in the
 * documented order.
 */
async function settleExtraction(id: string, timeoutMs = 300_000): Promise<TextExtractionJson> {
  const seen: string[] = [];
  const done = await until(
    `text extraction ${id}`,
    async () => {
      const x = (await wx.getTextExtraction({ id, projectId })).result as unknown as TextExtractionJson;
      const status = x.entity.results.status;
      if (seen.at(-1) !== status) seen.push(status);
      return status === 'completed' || status === 'failed' ? x : undefined;
    },
    timeoutMs,
  );
  const order = seen.filter((s) => s !== 'failed').map((s) => STATUS_ORDER.indexOf(s));
  expect(
    order.every((at, i) => at >= 0 && (i === 0 || at >= order[i - 1])),
    seen.join(' → '),
  ).toBe(true);
  return done;
}

async function createExtraction(body: Record<string, unknown>): Promise<ApiResponse> {
  return platform.api.request('POST', `/ml/v1/text/extractions?version=${VERSION}`, { token, body: { project_id: projectId, ...body } });
}

interface AssemblyTable {
  page: number;
  rows: number;
  columns: number;
  cells: { row: number; column: number; text: string; header: boolean }[];
}

/** The table's rows of cell texts, from the assembly JSON's cells. */
function tableRows(t: AssemblyTable): string[][] {
  const rows = Array.from({ length: t.rows }, () => Array.from({ length: t.columns }, () => ''));
  for (const c of t.cells) rows[c.row][c.column] = c.text.trim();
  return rows;
}

beforeAll(async () => {
  platform = await startTestPlatform({
    starterModel: STARTER,
    env: {
      PLATFORM_RATE_LIMIT_INFERENCE_BURST: '1000000',
      PLATFORM_RATE_LIMIT_INFERENCE_PER_MINUTE: '1000000',
    },
  });
  token = await platform.api.newUser('reader');
  projectId = await platform.api.newProject(token, 'documents');
  otherProjectId = await platform.api.newProject(token, 'elsewhere');
  wx = WatsonXAI.newInstance({
    version: VERSION,
    serviceUrl: platform.url,
    authenticator: new BearerTokenAuthenticator({ bearerToken: token }),
  });
}, 300_000);
afterAll(async () => {
  await platform?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('/ml/v1/text/extractions with the official SDK', () => {
  it('turns a DOCX table into assembly JSON cells, answering 201 with Content-Location and the seed’s submitted shape', async () => {
    await putFile(
      'docs/table.docx',
      docxDocument({ paragraphs: ['Quarterly figures', 'Revenue by region follows.'], table: TABLE }),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    const created = await wx.createTextExtraction({
      projectId,
      documentReference: container('docs/table.docx'),
      resultsReference: container('results/table.json'),
      steps: { tables_processing: { enabled: true } },
      assemblyJson: {},
    });
    expect(created.status).toBe(201);
    const x = created.result as unknown as TextExtractionJson;
    expect(created.headers['content-location']).toBe(`${platform.url}/ml/v1/text/extractions/${x.metadata.id}`);
    expect(x.metadata).toMatchObject({ project_id: projectId });
    expect(x.entity).toMatchObject({
      document_reference: container('docs/table.docx'),
      results_reference: container('results/table.json'),
      steps: { tables_processing: { enabled: true } },
      assembly_json: {},
    });
    expect(['submitted', 'uploading', 'running', 'downloading', 'downloaded', 'completed']).toContain(x.entity.results.status);

    const done = await settleExtraction(x.metadata.id);
    expect(done.entity.results, JSON.stringify(done.entity.results)).toMatchObject({ status: 'completed', number_pages_processed: 1 });
    expect(done.entity.results.completed_at).toBeDefined();
    const assembly = JSON.parse((await readFile('results/table.json')) ?? 'null') as {
      tables: AssemblyTable[];
      structures: { text: string }[];
    };
    expect(assembly.tables).toHaveLength(1);
    expect(tableRows(assembly.tables[0])).toEqual(TABLE);
    expect(assembly.tables[0].cells.filter((c) => c.header).map((c) => c.text.trim())).toEqual(TABLE[0]);
    expect(assembly.structures.map((s) => s.text).join('\n')).toContain('Quarterly figures');
  }, 360_000);

  it('reads a scanned PDF by OCR (languages as ISO 639-1) into Markdown, printing the word accuracy', async () => {
    await putFile('docs/scan.pdf', scannedPdf([parsePgm(renderedSentence())]), 'application/pdf');
    const created = await wx.createTextExtraction({
      projectId,
      documentReference: container('docs/scan.pdf'),
      resultsReference: container('results/scan.md'),
      steps: { ocr: { languages_list: ['en'] } },
      assemblyMd: {},
    });
    const done = await settleExtraction((created.result as unknown as TextExtractionJson).metadata.id);
    expect(done.entity.results, JSON.stringify(done.entity.results)).toMatchObject({
      status: 'completed',
      number_pages_processed: 1,
      total_pages: 1,
    });
    const markdown = (await readFile('results/scan.md')) ?? '';
    const accuracy = wordAccuracy(markdown);
    console.log(`documents e2e: OCR word accuracy on the scanned PDF page ${accuracy.toFixed(2)} (${JSON.stringify(markdown.trim())})`);
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
  }, 360_000);

  it('turns an HTML page into Markdown with its heading, text and table as a GFM table', async () => {
    const html =
      '<!doctype html><html><head><title>Report</title></head><body><h1>Annual report</h1><p>Revenue grew in every region.</p>' +
      `<table><thead><tr>${TABLE[0].map((c) => `<th>${c}</th>`).join('')}</tr></thead><tbody>` +
      TABLE.slice(1)
        .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
        .join('') +
      '</tbody></table></body></html>';
    await putFile('docs/page.html', html, 'text/html; charset=utf-8');
    const created = await wx.createTextExtraction({
      projectId,
      documentReference: container('docs/page.html'),
      resultsReference: container('results/page.md'),
      assemblyMd: {},
    });
    const done = await settleExtraction((created.result as unknown as TextExtractionJson).metadata.id);
    expect(done.entity.results.status, JSON.stringify(done.entity.results)).toBe('completed');
    const markdown = (await readFile('results/page.md')) ?? '';
    expect(markdown).toMatch(/^# Annual report$/m);
    expect(markdown).toContain('Revenue grew in every region.');
    expect(markdown).toMatch(/^\|\s*Region\s*\|\s*Revenue\s*\|\s*Growth\s*\|$/m);
    expect(markdown).toMatch(/^\|\s*South\s*\|\s*950\s*\|\s*7%\s*\|$/m);
  }, 360_000);

  it('writes several outputs of a text-layer PDF into a directory (parameters.requested_outputs), lists and deletes', async () => {
    const lines = ['Text layer document', 'The second line of the first page'];
    await putFile('docs/text.pdf', pdfDocument({ pages: [lines, ['A second page']] }), 'application/pdf');
    const created = await createExtraction({
      name: 'several outputs',
      document_reference: container('docs/text.pdf'),
      results_reference: { type: 'container', location: { path: 'results/text/' } },
      parameters: { requested_outputs: ['plain_text', 'md', 'html', 'assembly'], ocr_mode: 'disabled' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = (created.body as unknown as TextExtractionJson).metadata.id;
    expect(created.headers.get('content-location')).toBe(`${platform.url}/ml/v1/text/extractions/${id}`);
    const done = await settleExtraction(id);
    expect(done.metadata.name).toBe('several outputs');
    expect(done.entity.results, JSON.stringify(done.entity.results)).toMatchObject({
      status: 'completed',
      number_pages_processed: 2,
      total_pages: 2,
    });
    const plain = (await readFile('results/text/plain.txt')) ?? '';
    for (const line of [...lines, 'A second page']) expect(plain).toContain(line);
    expect(await readFile('results/text/assembly.md')).toContain('Text layer document');
    expect(await readFile('results/text/assembly.html')).toMatch(/<p>[^<]*Text layer document/);
    expect(JSON.parse((await readFile('results/text/assembly.json')) ?? 'null')).toMatchObject({ metadata: { total_pages: 2 } });

    // Newest first, in pages the SDK can follow.
    const all = (await wx.listTextExtractions({ projectId })).result;
    expect(all.resources?.map((r) => r.metadata?.id)[0]).toBe(id);
    expect(all.resources?.length).toBeGreaterThanOrEqual(4);
    const first = (await wx.listTextExtractions({ projectId, limit: 2 })).result;
    expect(first.resources).toHaveLength(2);
    // As the SDK's pagers do: the next page's start token read from next.href.
    const start = new URL(first.next?.href ?? platform.url).searchParams.get('start');
    expect(start).toBeTruthy();
    const second = (await wx.listTextExtractions({ projectId, limit: 2, start: start ?? '' })).result;
    expect(second.resources?.length).toBeGreaterThan(0);
    expect(second.resources?.map((r) => r.metadata?.id)).not.toContain(id);

    // Delete without hard_delete deletes the results and keeps the request; hard_delete removes it too.
    await wx.deleteTextExtraction({ id, projectId });
    await until('the results deleted', async () => ((await readFile('results/text/plain.txt')) === undefined ? true : undefined), 30_000);
    expect(await readFile('results/text/assembly.json')).toBeUndefined();
    expect((await wx.getTextExtraction({ id, projectId })).status).toBe(200);
    await wx.deleteTextExtraction({ id, projectId, hardDelete: true });
    const gone = await platform.api.request('GET', `/ml/v1/text/extractions/${id}?${inProject()}`, { token });
    expect(gone.status).toBe(404);
    expect(envelopeOf(gone).code).toBe('text_extraction_not_found');
  }, 360_000);
});

describe('/ml/v1/text/extractions refuses bad input', () => {
  it('a connection asset (what the SDK documents), a path outside the project, a missing file: 400 naming the field', async () => {
    const sdk = await wx
      .createTextExtraction({
        projectId,
        documentReference: {
          type: 'connection_asset',
          connection: { id: '6f5688fd-f3bf-42c2-a18b-49c0d8a1920d' },
          location: { file_name: 'files/document.pdf' },
        },
        resultsReference: container('results/x.json'),
      })
      .then(
        () => undefined,
        (e: { status?: number; message?: string }) => e,
      );
    expect(sdk?.status).toBe(400);
    expect(sdk?.message).toMatch(/document_reference/);

    const outside = await createExtraction({
      document_reference: { type: 'fs', location: { path: `/projects/${otherProjectId}/assets/docs/table.docx` } },
      results_reference: container('results/x.json'),
    });
    expect(outside.status).toBe(400);
    expect(envelopeOf(outside).target?.name).toBe('document_reference.location.path');

    const climbing = await createExtraction({
      document_reference: container('../docs/table.docx'),
      results_reference: container('results/x.json'),
    });
    expect(climbing.status).toBe(400);
    expect(envelopeOf(climbing).target?.name).toMatch(/^document_reference/);

    const missing = await createExtraction({
      document_reference: container('docs/absent.pdf'),
      results_reference: container('results/x.json'),
    });
    expect(missing.status).toBe(400);
    expect(envelopeOf(missing)).toMatchObject({ target: { name: expect.stringMatching(/^document_reference/) } });
    expect(envelopeOf(missing).message).toContain('docs/absent.pdf');

    const results = await createExtraction({
      document_reference: container('docs/table.docx'),
      results_reference: { type: 'fs', location: { path: `/projects/${otherProjectId}/assets/results/x.json` } },
    });
    expect(results.status).toBe(400);
    expect(envelopeOf(results).target?.name).toBe('results_reference.location.path');

    const badParameter = await createExtraction({
      document_reference: container('docs/table.docx'),
      results_reference: container('results/x.json'),
      parameters: { ocr_mode: 'sometimes' },
    });
    expect(badParameter.status).toBe(400);
    expect(envelopeOf(badParameter).target?.name).toBe('parameters.ocr_mode');
    // Nothing was queued by any of them, nothing written.
    expect(await readFile('results/x.json')).toBeUndefined();
  }, 120_000);

  it('an unsupported type is refused naming the document; an encrypted PDF fails the job naming it, with nothing written', async () => {
    await putFile('docs/data.bin', randomBytes(512), 'application/octet-stream');
    const unsupported = await createExtraction({
      document_reference: container('docs/data.bin'),
      results_reference: container('results/bin.json'),
    });
    if (unsupported.status === 201) {
      // Told only once the bytes are read: the job fails naming the document.
      const failed = await settleExtraction((unsupported.body as unknown as TextExtractionJson).metadata.id);
      expect(failed.entity.results.status).toBe('failed');
      expect(failed.entity.results.error?.message).toContain('data.bin');
    } else {
      expect(unsupported.status, JSON.stringify(unsupported.body)).toBe(400);
      expect(envelopeOf(unsupported).target?.name).toMatch(/^document_reference/);
    }
    expect(await readFile('results/bin.json')).toBeUndefined();

    await putFile('docs/secret.pdf', pdfDocument({ pages: [['Top secret figures']], userPassword: 'hunter2' }), 'application/pdf');
    const created = await createExtraction({
      document_reference: container('docs/secret.pdf'),
      results_reference: container('results/secret.md'),
      assembly_md: {},
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const failed = await settleExtraction((created.body as unknown as TextExtractionJson).metadata.id);
    console.log(`documents e2e: encrypted PDF → ${JSON.stringify(failed.entity.results.error)}`);
    expect(failed.entity.results.status).toBe('failed');
    expect(failed.entity.results.error?.code).toBe('encrypted');
    expect(failed.entity.results.error?.message).toContain('secret.pdf');
    expect(await readFile('results/secret.md')).toBeUndefined();
  }, 360_000);
});

const RAG_RESULTS = 'rag/results';
let experiment: AutoAiRagJson;

/** The fixture corpus in project storage, one Markdown file per document, and its 20 questions as the test data. */
async function putCorpus(): Promise<void> {
  for (const d of corpus.documents) await putFile(`rag/corpus/${d.id}.md`, d.text, 'text/markdown; charset=utf-8');
  const tests = corpus.questions.map((q) => ({
    question: q.question,
    correct_answer: q.answer,
    correct_answer_document_ids: [`${q.documentId}.md`],
  }));
  await putFile('rag/qa.json', JSON.stringify(tests), 'application/json');
}

const ragBody = (extra: Record<string, unknown> = {}) => ({
  name: `rag ${run}`,
  project_id: projectId,
  input_data_references: [{ type: 'container', location: { path: 'rag/corpus/' } }],
  test_data_references: [{ type: 'container', location: { path: 'rag/qa.json' } }],
  results_reference: { type: 'container', location: { path: RAG_RESULTS } },
  ...extra,
});

async function settleRag(id: string, timeoutMs: number): Promise<AutoAiRagJson> {
  return until(
    `AutoAI RAG ${id}`,
    async () => {
      const res = await platform.api.request<AutoAiRagJson>('GET', `/ml/v1/autoai/rags/${id}?${inProject()}`, { token });
      expect(res.status).toBe(200);
      return ['completed', 'failed', 'canceled'].includes(res.body.entity.status.state) ? res.body : undefined;
    },
    timeoutMs,
    2000,
  );
}

/** One question of a pattern's evaluation_results.json (the fields this test reads). */
interface EvaluationRecord {
  question: string;
  correct_answer_document_ids: string[];
  answer: string;
  answer_contexts: { document_id: string; sequence_number: number; score: number }[];
}

const metric = (r: AutoAiRagJson['entity']['results'][number], name: string) => r.metrics.test_data.find((m) => m.metric_name === name);

describe('/ml/v1/autoai/rags', () => {
  it('finds and ranks RAG patterns for the fixture corpus on the embedded index, printing the best context_correctness', async () => {
    await putCorpus();
    const created = await platform.api.request<AutoAiRagJson>('POST', `/ml/v1/autoai/rags?version=${VERSION}`, {
      token,
      body: ragBody({
        description: 'fixture corpus',
        tags: ['e2e'],
        // Two indexes × two retrieval settings on the one served model: four patterns, the smallest budget there is (254:
        // the starter model embeds at most 254 tokens).
        parameters: {
          constraints: {
            chunking: [
              { method: 'recursive', chunk_size: 128, chunk_overlap: 32 },
              { method: 'recursive', chunk_size: 254, chunk_overlap: 64 },
            ],
            retrieval: [
              { method: 'simple', number_of_chunks: 5 },
              { method: 'simple', number_of_chunks: 2 },
            ],
            max_number_of_rag_patterns: 4,
          },
          optimization: { metrics: ['context_correctness'] },
        },
      }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.metadata).toMatchObject({
      name: `rag ${run}`,
      project_id: projectId,
      tags: ['e2e'],
      description: 'fixture corpus',
    });
    expect(['pending', 'running']).toContain(created.body.entity.status.state);
    const id = created.body.metadata.id;

    const started = Date.now();
    experiment = await settleRag(id, 1_500_000);
    const minutes = (Date.now() - started) / 60_000;
    expect(experiment.entity.status.state, JSON.stringify(experiment.entity.status)).toBe('completed');
    const results = experiment.entity.results;
    expect(results).toHaveLength(4);
    const scores = results.map((r) => metric(r, 'context_correctness')?.mean ?? -1);
    // Best first by the optimization metric, and the settings tell the patterns apart (two chunks find less than five).
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(scores).size).toBeGreaterThan(1);
    for (const r of results) {
      for (const name of ['answer_correctness', 'faithfulness', 'context_correctness']) {
        const m = metric(r, name);
        expect(m, `${r.context.rag_pattern.name} ${name}`).toBeDefined();
        expect(m!.ci_low).toBeLessThanOrEqual(m!.mean);
        expect(m!.mean).toBeLessThanOrEqual(m!.ci_high);
      }
    }
    const best = results[0];
    console.log(
      `documents e2e: AutoAI RAG over ${corpus.documents.length} documents and ${corpus.questions.length} questions: ${results.length} patterns in ${minutes.toFixed(1)} min; ` +
        `best ${best.context.rag_pattern.name} context_correctness ${metric(best, 'context_correctness')!.mean.toFixed(3)} ` +
        `[${metric(best, 'context_correctness')!.ci_low.toFixed(3)}, ${metric(best, 'context_correctness')!.ci_high.toFixed(3)}] ` +
        `(${JSON.stringify(best.context.rag_pattern.settings.chunking)}, ${JSON.stringify(best.context.rag_pattern.settings.retrieval)}); ` +
        `all: ${results.map((r) => `${r.context.rag_pattern.name} ${metric(r, 'context_correctness')!.mean.toFixed(3)}`).join(', ')}`,
    );

    // The seed's layout of the results: the run's status and log, and each pattern's evaluation and notebooks.
    const location = experiment.entity.results_reference.location as Record<string, string>;
    expect(location.training).toBe(`${RAG_RESULTS}/${id}`);
    expect(JSON.parse((await readFile(location.training_status)) ?? 'null')).toBeTruthy();
    expect(await readFile(location.training_log)).toBeDefined();
    for (const r of results) {
      const files = r.context.rag_pattern.location;
      const evaluation = JSON.parse((await readFile(files.evaluation_results)) ?? 'null') as EvaluationRecord[];
      expect(evaluation).toHaveLength(corpus.questions.length);
      for (const nb of [files.indexing_notebook, files.inference_notebook])
        expect(JSON.parse((await readFile(nb)) ?? 'null')).toMatchObject({ nbformat: 4 });
      if (r === best) {
        const held = evaluation.filter((e) => e.answer_contexts.some((c) => e.correct_answer_document_ids.includes(c.document_id)));
        console.log(
          `documents e2e: ${best.context.rag_pattern.name}'s prompts held the answer's document for ${held.length} of ${evaluation.length} questions; ` +
            evaluation
              .slice(0, 3)
              .map((e) => `${e.correct_answer_document_ids.join('|')} ← [${e.answer_contexts.map((c) => c.document_id).join(', ')}]`)
              .join('; '),
        );
      }
    }
    // Retrieval quality does not depend on the small model's answers: the best pattern finds the answer's document.
    expect(metric(best, 'context_correctness')!.mean).toBeGreaterThan(0.3);
    const list = await platform.api.request<{ resources: AutoAiRagJson[] }>('GET', `/ml/v1/autoai/rags?${inProject()}`, { token });
    expect(list.body.resources.map((r) => r.metadata.id)).toContain(id);
  }, 1_600_000);

  it('the best pattern’s inference notebook runs as written with python3: it deploys the pattern and answers', async () => {
    expect(experiment?.entity.status.state).toBe('completed');
    const best = experiment.entity.results[0];
    const notebook = JSON.parse((await readFile(best.context.rag_pattern.location.inference_notebook)) ?? 'null') as {
      cells: { cell_type: string; source: string | string[] }[];
    };
    const code = notebook.cells
      .filter((c) => c.cell_type === 'code')
      .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source))
      .join('\n\n');
    const script = join(work, 'inference_notebook.py');
    writeFileSync(script, code);
    const question = corpus.questions[0].question;
    const out = execFileSync('python3', [script], {
      env: { PATH: process.env.PATH, PLATFORM_URL: platform.url, PLATFORM_TOKEN: token, RAG_QUESTION: question },
      encoding: 'utf8',
      timeout: 300_000,
    });
    console.log(`documents e2e: inference notebook output:\n${out.trim().slice(0, 1200)}`);
    expect(out).toMatch(/deployment \S+ is ready/);
    expect(out).toContain(`Question: ${question}`);
    expect(out).toMatch(/^Answer: /m);
  }, 360_000);

  it('a deployed pattern answers through /ml/v1/deployments/{id}/text/generation with its retrieval and prompt', async () => {
    expect(experiment?.entity.status.state).toBe('completed');
    const best = experiment.entity.results[0];
    const asset = await platform.api.request<{ metadata: { id: string } }>('POST', `/ml/v4/models?version=${VERSION}`, {
      token,
      body: {
        name: `rag pattern ${run}`,
        project_id: projectId,
        type: 'autoai_rag_pattern',
        training_id: experiment.metadata.id,
        custom: { pattern_name: best.context.rag_pattern.name },
      },
    });
    expect(asset.status, JSON.stringify(asset.body)).toBe(201);
    const deployment = await platform.api.request<{ metadata: { id: string }; entity: { deployed_asset_type: string } }>(
      'POST',
      `/ml/v4/deployments?version=${VERSION}`,
      { token, body: { name: `rag deployment ${run}`, project_id: projectId, online: {}, asset: { id: asset.body.metadata.id } } },
    );
    expect(deployment.status, JSON.stringify(deployment.body)).toBe(201);
    expect(deployment.body.entity.deployed_asset_type).toBe('autoai_rag_pattern');
    const id = deployment.body.metadata.id;
    await until(
      'the pattern deployment ready',
      async () => {
        const d = await platform.api.request<{ entity: { status: { state: string } } }>('GET', `/ml/v4/deployments/${id}?${inProject()}`, {
          token,
        });
        expect(d.body.entity.status.state, JSON.stringify(d.body)).not.toBe('failed');
        return d.body.entity.status.state === 'ready' ? true : undefined;
      },
      120_000,
    );

    type Generation = { results: { generated_text: string; input_token_count: number; generated_token_count: number }[] };
    const question = corpus.questions[0].question;
    const answered = await platform.api.request<Generation>('POST', `/ml/v1/deployments/${id}/text/generation?version=${VERSION}`, {
      token,
      body: { input: question, parameters: { max_new_tokens: 16 } },
    });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    const [result] = answered.body.results;
    expect(typeof result.generated_text).toBe('string');
    expect(result.generated_token_count).toBeLessThanOrEqual(16);
    // The model saw the pattern's prompt (its template and the retrieved chunks), far longer than the question alone.
    const bare = await platform.api.request<Generation>('POST', `/ml/v1/text/generation?version=${VERSION}`, {
      token,
      body: {
        model_id: (best.context.rag_pattern.settings.generation as { model_id: string }).model_id,
        project_id: projectId,
        input: question,
        parameters: { max_new_tokens: 1 },
      },
    });
    expect(bare.status, JSON.stringify(bare.body)).toBe(200);
    console.log(
      `documents e2e: deployed ${best.context.rag_pattern.name} answered ${JSON.stringify(result.generated_text)} from ${result.input_token_count} prompt tokens (the question alone: ${bare.body.results[0].input_token_count})`,
    );
    expect(result.input_token_count).toBeGreaterThan(2 * bare.body.results[0].input_token_count);

    const chat = await platform.api.request('POST', `/ml/v1/deployments/${id}/text/chat?version=${VERSION}`, {
      token,
      body: { messages: [{ role: 'user', content: question }] },
    });
    expect(chat.status).toBe(400);
    expect(envelopeOf(chat).message).toMatch(/generation/);
  }, 300_000);

  it('refuses bad test data naming the item, a Milvus store, and cancels and hard-deletes a run', async () => {
    const bad = corpus.questions
      .slice(0, 5)
      .map((q) => ({ question: q.question, correct_answer: q.answer, correct_answer_document_ids: [`${q.documentId}.md`] }));
    delete (bad[3] as Partial<(typeof bad)[number]>).correct_answer;
    await putFile('rag/bad-qa.json', JSON.stringify(bad), 'application/json');
    const refused = await platform.api.request('POST', `/ml/v1/autoai/rags?version=${VERSION}`, {
      token,
      body: ragBody({ test_data_references: [{ type: 'container', location: { path: 'rag/bad-qa.json' } }] }),
    });
    expect(refused.status).toBe(400);
    expect(envelopeOf(refused).target?.name).toBe('test_data_references[0]');
    expect(envelopeOf(refused).message).toContain('[3].correct_answer');

    const milvus = await platform.api.request('POST', `/ml/v1/autoai/rags?version=${VERSION}`, {
      token,
      body: ragBody({
        vector_store_references: [{ type: 'connection_asset', connection: { id: '6f5688fd-f3bf-42c2-a18b-49c0d8a1920d' } }],
      }),
    });
    expect(milvus.status).toBe(400);
    expect(envelopeOf(milvus).target?.name).toMatch(/^vector_store_references/);

    const created = await platform.api.request<AutoAiRagJson>('POST', `/ml/v1/autoai/rags?version=${VERSION}`, {
      token,
      body: ragBody({ name: `canceled ${run}`, results_reference: { type: 'container', location: { path: 'rag/canceled' } } }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.metadata.id;
    const canceled = await platform.api.request('DELETE', `/ml/v1/autoai/rags/${id}?${inProject()}`, { token });
    expect(canceled.status).toBe(204);
    const after = await settleRag(id, 120_000);
    expect(after.entity.status.state).toBe('canceled');
    const hard = await platform.api.request('DELETE', `/ml/v1/autoai/rags/${id}?${inProject()}&hard_delete=true`, { token });
    expect(hard.status).toBe(204);
    const gone = await platform.api.request('GET', `/ml/v1/autoai/rags/${id}?${inProject()}`, { token });
    expect(gone.status).toBe(404);
    expect(envelopeOf(gone).code).toBe('autoai_rag_not_found');
  }, 300_000);
});
