import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { buildIndexingNotebook, notebookBankUuid } from './indexing-notebook';
import { buildInferenceNotebook } from './inference-notebook';
import { notebookBytes, pythonLiteral, type NotebookJson } from './notebook-document';
import { buildResultEntry } from './result-entry';

const entry = buildResultEntry({
  plan: {
    iteration: 2,
    name: 'Pattern2',
    index: { chunking: { method: 'recursive', chunk_size: 256, chunk_overlap: 64 }, embedding_model: 'starter' },
    retrieval: { method: 'window', number_of_chunks: 5, window_size: 2 },
    foundation_model: 'starter',
  },
  metrics: [{ metric_name: 'answer_correctness', mean: 0.5, ci_low: 0.4, ci_high: 0.6 }],
  assetsPath: 'results/e1/rag/assets',
  maxCombinations: 4,
  indexName: 'autoai_rag_e1_1',
  generationParameters: { max_new_tokens: 64, decoding_method: 'greedy' },
  promptTemplateText: 'Use "these" documents:\n{reference_documents}\n\nQuestion: {question}\nAnswer:',
});
const container = { projectId: '12ac4cf1-252f-424b-b52d-5cdd9814987f' };
const indexing = buildIndexingNotebook({
  experimentId: 'e1',
  container,
  entry,
  documents: [
    { documentId: 'handbook.pdf', path: 'docs/handbook.pdf' },
    { documentId: 'faq (1).md', path: 'docs/faq (1).md' },
  ],
});
const inference = buildInferenceNotebook({
  experimentId: 'e1',
  container: { spaceId: 's1' },
  entry,
  sampleQuestion: 'How many "vacation" days?',
});

/**
 * The official nbformat 4.5 schema, as the notebooks service validates uploads with it (read from that app's copy: one
 * schema file in the tree, not imported across apps).
 */
function nbformatValidator() {
  const raw = JSON.parse(readFileSync(join(__dirname, '../../../../notebooks/src/nbformat/nbformat.v4.5.schema.json'), 'utf8'));
  const { $schema: _draft, ...schema } = raw as Record<string, unknown>;
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

const code = (nb: NotebookJson) => nb.cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join(''));
const python = (program: string, env: Record<string, string> = {}, input?: string) =>
  execFileSync('python3', ['-c', program], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, input, timeout: 60_000 });

describe('pattern notebooks', () => {
  it('are valid nbformat 4.5 with a Python 3 kernel', () => {
    const validate = nbformatValidator();
    for (const nb of [indexing, inference]) {
      const parsed = JSON.parse(notebookBytes(nb).toString('utf8'));
      expect(validate(parsed), JSON.stringify(validate.errors)).toBe(true);
      expect(parsed.metadata.kernelspec.name).toBe('python3');
      expect(new Set(nb.cells.map((c) => c.id)).size).toBe(nb.cells.length);
    }
  });

  it('compile as Python 3 and import only the standard library', () => {
    for (const nb of [indexing, inference]) {
      const program = code(nb).join('\n\n');
      expect(python(`import sys\ncompile(sys.stdin.read(), "notebook", "exec")\nprint("ok")`, {}, program).trim()).toBe('ok');
      const imports = [...program.matchAll(/^(?:import|from) ([\w.]+)/gm)].map((m) => m[1]);
      expect(new Set(imports)).toEqual(new Set(['base64', 'json', 'os', 'time', 'urllib.error', 'urllib.parse', 'urllib.request']));
    }
  });

  it('bake in the pattern’s settings, documents and container, and read the platform and credentials from the environment', () => {
    // Run the client and settings cells, then print what they define: no request is made before a key is needed.
    const [client, settings] = code(indexing);
    const out = python(
      `${client}\n${settings}\nprint(json.dumps([PLATFORM_URL, CONTAINER, DOCUMENTS, BANK_UUID, BANK_HEADERS, SETTINGS["retrieval"], SETTINGS["generation"]["prompt_template_text"]]))`,
      { PLATFORM_URL: 'http://platform.test:9000/' },
    );
    expect(JSON.parse(out)).toEqual([
      'http://platform.test:9000',
      { project_id: container.projectId },
      [
        { document_id: 'handbook.pdf', path: 'docs/handbook.pdf' },
        { document_id: 'faq (1).md', path: 'docs/faq (1).md' },
      ],
      notebookBankUuid('e1', 'Pattern2'),
      { 'X-Project-Id': container.projectId },
      { method: 'window', number_of_chunks: 5, window_size: 2 },
      entry.context.rag_pattern.settings.generation.prompt_template_text,
    ]);
    const [iClient, iSettings] = code(inference);
    const asked = python(`${iClient}\n${iSettings}\nprint(json.dumps([CONTAINER, QUESTION, PATTERN_NAME, EXPERIMENT_ID]))`, {
      RAG_QUESTION: 'Why?',
    });
    expect(JSON.parse(asked)).toEqual([{ space_id: 's1' }, 'Why?', 'Pattern2', 'e1']);
    const fallback = python(`${iClient}\n${iSettings}\nprint(QUESTION)`);
    expect(fallback.trim()).toBe('How many "vacation" days?');
  });

  it('refuse to call the platform without credentials, naming the variables to set', () => {
    const [client] = code(inference);
    const out = python(`${client}\ntry:\n    access_token()\nexcept RuntimeError as err:\n    print(err)`);
    expect(out.trim()).toBe('Set PLATFORM_API_KEY (an API key of this platform) or PLATFORM_TOKEN (a bearer token).');
  });

  it('call the platform’s routes: asset files and memory banks to index, model assets, deployments and deployment generation to ask', () => {
    const [indexingCode, inferenceCode] = [code(indexing).join('\n'), code(inference).join('\n')];
    for (const route of ['"/identity/token"', '"/v2/asset_files/"', '"/memory_banks/create"', '"/memory_bank/insert"'])
      expect(indexingCode).toContain(route);
    for (const route of [
      '"/ml/v4/models"',
      '"/ml/v4/deployments"',
      'f"/ml/v4/deployments/{deployment_id}"',
      'f"/ml/v1/deployments/{deployment_id}/text/generation"',
    ])
      expect(inferenceCode).toContain(route);
    expect(inferenceCode).toContain('"type": "autoai_rag_pattern"');
    expect(inferenceCode).toContain('"custom": {"pattern_name": PATTERN_NAME}');
  });
});

describe('pythonLiteral', () => {
  it('writes JSON values Python reads back as the same values', () => {
    const value = { s: 'quote " backslash \\ newline \n tab \t é 𝄞 \u2028', n: [1, -2.5, 1e-7], b: [true, false], z: null, o: { k: [] } };
    const out = python(`import json\nprint(json.dumps(${pythonLiteral(value)}))`);
    expect(JSON.parse(out)).toEqual(value);
    expect(() => pythonLiteral(Number.NaN)).toThrow(RangeError);
  });
});
