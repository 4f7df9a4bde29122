import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { readDataUrl } from './content/data-url-content';
import { isListedHost } from './content/http-content';
import { platformTarget } from './content/platform-urls';
import { checkColumns, parseMetadata, requireDatasetId } from './dataset-fields';
import { MAX_DATASET_BYTES, datasetSettings } from './dataset-settings';
import { checkRows, columnValueProblem } from './row-checks';
import { parseRows } from './row-format';

const rows = [{ messages: [{ role: 'user', content: 'hi' }], n: 1 }, { messages: [{ role: 'assistant', content: 'yo' }] }];
const jsonl = rows.map((r) => JSON.stringify(r)).join('\n');

/** The PlatformError a call throws, so a spec can look at its field and message. */
function refusal(fn: () => unknown): PlatformError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PlatformError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

async function asyncRefusal(p: Promise<unknown>): Promise<PlatformError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof PlatformError) return err;
  throw new Error(`expected a refusal, got ${String(err)}`);
}

describe('data: URLs', () => {
  it('decode JSON arrays and JSON Lines, base64 or percent-encoded, by media type', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const cases: [string, 'json' | 'jsonl'][] = [
      [`data:application/json;base64,${b64(JSON.stringify(rows))}`, 'json'],
      [`data:application/json,${encodeURIComponent(JSON.stringify(rows))}`, 'json'],
      [`data:application/jsonl;base64,${b64(jsonl)}`, 'jsonl'],
      [`data:application/x-ndjson,${encodeURIComponent(jsonl)}`, 'jsonl'],
      [`data:text/plain;charset=utf-8,${encodeURIComponent(jsonl)}`, 'jsonl'],
      [`data:,${encodeURIComponent(jsonl)}`, 'jsonl'],
    ];
    for (const [url, format] of cases) {
      const got = await readDataUrl(url);
      expect(got.format).toBe(format);
      expect(parseRows(got.bytes, got.format)).toEqual(rows);
    }
  });

  it('refuses other media types and malformed URLs, naming dataset.content_url', async () => {
    const csv = await asyncRefusal(readDataUrl('data:text/csv,a,b'));
    expect(csv.target?.name).toBe('dataset.content_url');
    expect(csv.message).toMatch(/media type.*"text\/csv"/);
    expect((await asyncRefusal(readDataUrl('data:application/json;base64'))).target?.name).toBe('dataset.content_url');
  });

  it('refuses more than 16 MiB decoded', async () => {
    const big = Buffer.alloc(MAX_DATASET_BYTES + 1, 'a').toString('base64');
    expect((await asyncRefusal(readDataUrl(`data:application/jsonl;base64,${big}`))).message).toMatch(/16 MiB/);
    const exact = await readDataUrl(`data:application/jsonl;base64,${Buffer.alloc(MAX_DATASET_BYTES, 'a').toString('base64')}`);
    expect(exact.bytes.length).toBe(MAX_DATASET_BYTES);
  });
});

describe('rows', () => {
  it('name the line or row that is not JSON or not an object, and refuse empty content', () => {
    expect(refusal(() => parseRows(Buffer.from('{"a":1}\n\n{oops\n'), 'jsonl')).message).toMatch(/line 3 is not valid JSON/);
    expect(refusal(() => parseRows(Buffer.from('{"a":1}\n[1]\n'), 'jsonl')).message).toMatch(/line 2 \(row 2\) is not a JSON object/);
    expect(refusal(() => parseRows(Buffer.from('[{"a":1}, 2]'), 'json')).message).toMatch(/row 2 is not a JSON object/);
    expect(refusal(() => parseRows(Buffer.from('{"a":1}'), 'json')).message).toMatch(/JSON array/);
    expect(refusal(() => parseRows(Buffer.from('\n \n'), 'jsonl')).message).toMatch(/holds no rows/);
    expect(refusal(() => parseRows(Buffer.from([0xff, 0xfe, 0x00]), 'jsonl')).message).toMatch(/not UTF-8/);
  });

  it('sniff an array from JSON Lines, and read CRLF lines and a byte-order mark', () => {
    expect(parseRows(Buffer.from(` \n${JSON.stringify(rows)}`), 'sniff')).toEqual(rows);
    expect(parseRows(Buffer.from(`\uFEFF${jsonl.replace(/\n/g, '\r\n')}\r\n`), 'sniff')).toEqual(rows);
  });

  it('are checked against the declared columns, each problem naming row and column', () => {
    expect(() => checkRows(rows, { messages: 'dialog' })).not.toThrow();
    const err = refusal(() =>
      checkRows(
        [
          { messages: [{ role: 'user', content: 'x' }], score: 1, prompt: 'p' },
          { messages: 'hi', score: '1', prompt: 'p' },
          { messages: [{ role: 'user' }], score: 2 },
        ],
        { messages: 'dialog', score: 'number', prompt: 'text' },
      ),
    );
    expect(err.target?.name).toBe('dataset.content_url');
    expect(err.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/row 2, column "messages" \(dialog\) must be a dialog/),
      expect.stringMatching(/row 2, column "score" \(number\) must be a number, got a string/),
      expect.stringMatching(/row 3, column "messages" \(dialog\) must be a dialog: message 0 has no content/),
      expect.stringMatching(/row 3, column "prompt" \(text\) is missing/),
    ]);
    expect(err.message).toMatch(/^4 values do not match dataset.columns; the first: .*row 2/);
  });

  it('list at most 20 problems and count the rest', () => {
    const bad = Array.from({ length: 50 }, () => ({ t: 1 }));
    const err = refusal(() => checkRows(bad, { t: 'text' }));
    expect(err.issues).toHaveLength(21);
    expect(err.issues[20].message).toMatch(/and 30 more/);
  });

  it('know each column type', () => {
    expect(columnValueProblem('text', 'a')).toBeUndefined();
    expect(columnValueProblem('text', null)).toMatch(/got null/);
    expect(columnValueProblem('number', 1.5)).toBeUndefined();
    expect(columnValueProblem('media', 'https://x/y.png')).toBeUndefined();
    expect(columnValueProblem('media', '')).toBeDefined();
    expect(columnValueProblem('json', null)).toBeUndefined();
    expect(columnValueProblem('dialog', [])).toMatch(/non-empty/);
    expect(columnValueProblem('dialog', [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }])).toBeUndefined();
    expect(columnValueProblem('dialog', [{ role: '', content: 'x' }])).toMatch(/role/);
  });
});

describe('definition fields', () => {
  it('bound the id to key-safe characters', () => {
    for (const ok of ['my-dataset', 'a', 'f3a9c1e2-0000-4000-8000-000000000000', 'v1.2_x:y'])
      expect(() => requireDatasetId(ok, 'uuid')).not.toThrow();
    for (const bad of ['', '..', '.hidden', 'a/b', 'x'.repeat(129), 'a b'])
      expect(refusal(() => requireDatasetId(bad, 'uuid')).target?.name).toBe('uuid');
  });

  it('take the draft column types only, and metadata as a JSON object', () => {
    expect(refusal(() => checkColumns({ a: 'text', b: 'image' })).target?.name).toBe('dataset.columns.b');
    expect(parseMetadata('')).toEqual({});
    expect(parseMetadata('{"k":[1,null]}')).toEqual({ k: [1, null] });
    expect(refusal(() => parseMetadata('[1]')).target?.name).toBe('dataset.metadata');
  });
});

describe('content_url hosts', () => {
  const settings = datasetSettings({
    publicUrl: new URL('https://llm.example.com/platform/'),
    gatewayPort: 8080,
    urlHosts: ['Data.Example.org'],
    fetchTimeoutMs: 1,
  });

  it('recognise the platform by origin and decide by path', () => {
    const target = (u: string) => platformTarget(new URL(u), settings);
    expect(target('https://llm.example.com/platform/v2/asset_files/dir/my%20rows.jsonl?project_id=p1')).toEqual({
      kind: 'asset_file',
      path: 'dir/my rows.jsonl',
      projectId: 'p1',
      spaceId: undefined,
    });
    expect(target('https://llm.example.com/platform/v1/projects/p1/data/d1')).toEqual({
      kind: 'sdg_output',
      projectId: 'p1',
      dataId: 'd1',
    });
    expect(target('https://llm.example.com/platform/v1/data/d1/')).toEqual({ kind: 'sdg_output', dataId: 'd1' });
    expect(target('https://llm.example.com/platform/v1/models')).toEqual({ kind: 'unknown' });
    expect(target('https://llm.example.com/v2/asset_files/x')).toEqual({ kind: 'unknown' });
    expect(target('http://llm.example.com/platform/v1/data/d1')).toBeUndefined();
    expect(target('https://other.example.com/platform/v1/data/d1')).toBeUndefined();
  });

  it('default to the gateway on 127.0.0.1:<PLATFORM_PORT>, as the gateway does', () => {
    expect(datasetSettings({ publicUrl: undefined, gatewayPort: 9090, urlHosts: [], fetchTimeoutMs: 1 })).toMatchObject({
      platformOrigin: 'http://127.0.0.1:9090',
      platformBasePath: '',
    });
  });

  it('list hosts by name or name:port', () => {
    expect(isListedHost(new URL('https://data.example.org/x.jsonl'), settings)).toBe(true);
    expect(isListedHost(new URL('https://data.example.org:8443/x.jsonl'), settings)).toBe(true);
    expect(isListedHost(new URL('https://evil.example.org/x.jsonl'), settings)).toBe(false);
    expect(isListedHost(new URL('https://x/y'), { urlHosts: ['127.0.0.1:9'] })).toBe(false);
  });
});
