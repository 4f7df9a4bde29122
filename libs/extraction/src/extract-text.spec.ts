import { minimalPdf, pdfDocument } from '@platform/test-fixtures';
import { availableParallelism } from 'node:os';
import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import { extractText } from './extract-text';
import { ExtractionError } from './extraction-error';
import { liveExtractionWorkers } from './run-in-worker';

const utf8 = (s: string) => Buffer.from(s, 'utf8');

async function refusal(promise: Promise<unknown>): Promise<ExtractionError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ExtractionError);
  return err as ExtractionError;
}

describe('extractText: PDF', () => {
  it('reads the text layer of each page in reading order, in a worker thread', async () => {
    const data = pdfDocument({ pages: [['The Sun is a G-type main-sequence star.', 'Its core fuses hydrogen (mostly).'], ['Page two.']] });
    const before = liveExtractionWorkers();
    const result = await extractText({ data, mimeType: 'application/pdf' });
    expect(result).toEqual({
      text: 'The Sun is a G-type main-sequence star.\nIts core fuses hydrogen (mostly).\n\nPage two.',
      format: 'text',
      mimeType: 'application/pdf',
      pages: 2,
    });
    expect(liveExtractionWorkers()).toBe(before);
  });

  it('tells a PDF by its extension or its header when no media type is given', async () => {
    const data = minimalPdf(['Sniffed.']);
    expect((await extractText({ data, fileName: 'Report.PDF' })).text).toBe('Sniffed.');
    expect((await extractText({ data })).text).toBe('Sniffed.');
    expect((await extractText({ data, mimeType: 'application/octet-stream', fileName: 'blob' })).mimeType).toBe('application/pdf');
  });

  it('refuses a password-protected PDF as encrypted', async () => {
    const data = pdfDocument({ pages: [['Top secret.']], userPassword: 'open sesame' });
    // A genuine encrypted file: with its password, the parser reads it.
    const parser = new PDFParse({ data: new Uint8Array(data), password: 'open sesame', verbosity: 0 });
    expect((await parser.getText()).text).toContain('Top secret.');
    await parser.destroy();

    const err = await refusal(extractText({ data, fileName: 'secret.pdf' }));
    expect(err.code).toBe('encrypted');
    expect(err.message).toMatch(/password-protected/);
  });

  it('refuses a corrupt PDF as unreadable and a PDF without a text layer as no_text (OCR needed)', async () => {
    const corrupt = await refusal(extractText({ data: utf8('%PDF-1.4 nothing else'), mimeType: 'application/pdf' }));
    expect(corrupt.code).toBe('unreadable');
    expect(corrupt.message).toMatch(/the PDF could not be read/);

    const truncated = minimalPdf(['cut short']).subarray(0, 200);
    expect((await refusal(extractText({ data: truncated, mimeType: 'application/pdf' }))).code).toBe('unreadable');

    const scanned = await refusal(extractText({ data: pdfDocument({ pages: [[], []] }), mimeType: 'application/pdf' }));
    expect(scanned.code).toBe('no_text');
    expect(scanned.message).toMatch(/no text layer \(2 pages .*OCR/);
  });

  it('refuses more pages or characters than the limits allow', async () => {
    const data = pdfDocument({ pages: [['one'], ['two'], ['three']] });
    expect((await extractText({ data }, { maxPages: 3 })).pages).toBe(3);
    const pages = await refusal(extractText({ data }, { maxPages: 2 }));
    expect([pages.code, pages.message]).toEqual(['too_large', 'the PDF has 3 pages, above the limit of 2']);
    expect((await refusal(extractText({ data }, { maxChars: 5 }))).code).toBe('too_large');
  });

  it('runs at most one worker per core, queueing the rest of a burst', async () => {
    const documents = Array.from({ length: 3 * availableParallelism() }, (_, i) => minimalPdf([`Document ${i}.`]));
    let most = 0;
    const sampler = setInterval(() => (most = Math.max(most, liveExtractionWorkers())), 1);
    try {
      const texts = await Promise.all(documents.map(async (data) => (await extractText({ data })).text));
      expect(texts).toEqual(documents.map((_, i) => `Document ${i}.`));
    } finally {
      clearInterval(sampler);
    }
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(availableParallelism());
  });

  it('terminates a parse that runs past the time limit, without blocking the event loop meanwhile', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => `Line ${i} of a long report about main-sequence stars and their cores.`);
    const data = pdfDocument({ pages: Array.from({ length: 2000 }, () => lines) });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    try {
      const err = await refusal(extractText({ data, mimeType: 'application/pdf' }, { timeoutMs: 300 }));
      expect(err.code).toBe('timeout');
      expect(err.message).toMatch(/longer than 300 ms/);
    } finally {
      clearInterval(ticker);
    }
    // The timer that stopped it ran while the worker parsed, and the worker is gone before the refusal arrives.
    expect(ticks).toBeGreaterThan(0);
    expect(liveExtractionWorkers()).toBe(0);
  });
});

describe('extractText: HTML', () => {
  const page = `<!DOCTYPE html>
<html><head><title>Stars</title><style>h1 { color: red }</style><script>alert("no")</script></head>
<body>
  <h1>Main-sequence stars</h1>
  <p>See <a href="https://example.org/sun">the Sun</a> for <strong>details</strong>.</p>
  <ul><li>hydrogen</li><li>helium</li></ul>
  <table>
    <thead><tr><th>Star</th><th>Class</th></tr></thead>
    <tbody>
      <tr><td>Sun</td><td>G2V</td></tr>
      <tr><td><p>Proxima</p><p>Centauri</p></td><td>M5.5 | flare</td></tr>
    </tbody>
  </table>
  <noscript>enable scripts</noscript>
</body></html>`;

  it('becomes Markdown: headings, links, lists, and tables as GFM tables; scripts and styles dropped', async () => {
    const result = await extractText({ data: utf8(page), mimeType: 'text/html; charset=utf-8' });
    expect(result.format).toBe('markdown');
    expect(result.mimeType).toBe('text/html');
    expect(result.text).toBe(
      [
        '# Main-sequence stars',
        '',
        'See [the Sun](https://example.org/sun) for **details**.',
        '',
        '-   hydrogen',
        '-   helium',
        '',
        '| Star | Class |',
        '| --- | --- |',
        '| Sun | G2V |',
        '| Proxima Centauri | M5.5 \\| flare |',
      ].join('\n'),
    );
  });

  it('gives a table without a heading row an empty heading, so its rows stay a GFM table', async () => {
    const html = '<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table><table></table>';
    const { text } = await extractText({ data: utf8(html), fileName: 'cells.htm' });
    expect(text).toBe(['|  |  |', '| --- | --- |', '| a | b |', '| c | d |'].join('\n'));
  });

  it('is told from its first tag when nothing else names it, and honours a declared charset', async () => {
    expect((await extractText({ data: utf8('  <p>Hello <em>there</em></p>') })).text).toBe('Hello _there_');
    const latin1 = Buffer.concat([
      Buffer.from('<html><head><meta charset="iso-8859-1"></head><body><p>caf', 'latin1'),
      Buffer.from([0xe9]),
      Buffer.from('</p>'),
    ]);
    expect((await extractText({ data: latin1, mimeType: 'text/html' })).text).toBe('café');
    const unknownLabel = '<meta charset="klingon"><p>caf\u00e9</p>';
    expect((await extractText({ data: utf8(unknownLabel), mimeType: 'text/html' })).text).toBe('café');
  });
});

describe('extractText: text, Markdown, JSON', () => {
  it('keeps Markdown and plain text as they are', async () => {
    const md = '# The Sun\n\nA G-type star.\n';
    expect(await extractText({ data: utf8(md), fileName: 'docs/sun.md' })).toEqual({
      text: md,
      format: 'markdown',
      mimeType: 'text/markdown',
    });
    expect(await extractText({ data: utf8(md), mimeType: 'text/markdown' })).toMatchObject({ text: md, format: 'markdown' });
    expect(await extractText({ data: utf8('\uFEFFplain words\n') })).toEqual({
      text: 'plain words\n',
      format: 'text',
      mimeType: 'text/plain',
    });
    const big = 'x'.repeat(2 * 1024 * 1024); // past the inline size: the worker decodes it
    expect((await extractText({ data: utf8(big), mimeType: 'text/plain' })).text).toBe(big);
  });

  it('decodes the charset the media type names, and refuses bytes that are not text in it', async () => {
    expect((await extractText({ data: Buffer.from([0x63, 0x61, 0x66, 0xe9]), mimeType: 'text/plain; charset=ISO-8859-1' })).text).toBe(
      'café',
    );
    const bad = await refusal(extractText({ data: Buffer.from([0xff, 0xfe, 0x00, 0xd8]), fileName: 'bad.md' }));
    expect(bad.code).toBe('unreadable');
    const notUtf8 = await refusal(extractText({ data: Buffer.from([0x61, 0xc3, 0x28]), fileName: 'bad.txt' }));
    expect([notUtf8.code, notUtf8.message]).toEqual(['unreadable', 'the document is not valid UTF-8 text']);
    expect((await refusal(extractText({ data: utf8('x'), mimeType: 'text/plain; charset=klingon' }))).code).toBe('unreadable');
  });

  it('pretty-prints JSON and refuses JSON that does not parse', async () => {
    expect(await extractText({ data: utf8('{"a":[1,2],"b":"c"}'), mimeType: 'application/json' })).toEqual({
      text: '{\n  "a": [\n    1,\n    2\n  ],\n  "b": "c"\n}',
      format: 'text',
      mimeType: 'application/json',
    });
    const err = await refusal(extractText({ data: utf8('{"a":'), fileName: 'x.json' }));
    expect(err.code).toBe('unreadable');
    expect(err.message).toMatch(/not valid JSON/);
  });
});

describe('extractText: refusals', () => {
  it('refuses unsupported types, naming the type and the supported ones', async () => {
    const byType = await refusal(extractText({ data: utf8('x'), mimeType: 'application/zip' }));
    expect(byType.code).toBe('unsupported_type');
    expect(byType.message).toMatch(/^documents of type "application\/zip" are not supported \(supported: text\/plain, .*application\/pdf/);
    const byName = await refusal(extractText({ data: utf8('x'), fileName: 'report.rtf' }));
    expect(byName.message).toMatch(/"report.rtf" has the extension .rtf/);
    const binary = await refusal(extractText({ data: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01, 0x02]) }));
    expect(binary.code).toBe('unsupported_type');
    expect(binary.message).toMatch(/not recognisably PDF, PNG, JPEG, TIFF, HTML or UTF-8 text/);
  });

  it('refuses a document over the byte limit before reading it', async () => {
    const err = await refusal(extractText({ data: minimalPdf(['x']) }, { maxBytes: 100 }));
    expect(err.code).toBe('too_large');
    expect(err.message).toMatch(/bytes, above the limit of 100$/);
    expect((await refusal(extractText({ data: utf8('abcdef'), mimeType: 'text/plain' }, { maxChars: 5 }))).code).toBe('too_large');
  });

  it('rejects limits that are not positive integers', async () => {
    await expect(extractText({ data: utf8('x') }, { timeoutMs: 0 })).rejects.toThrow(RangeError);
    await expect(extractText({ data: utf8('x') }, { maxPages: 1.5 })).rejects.toThrow(/maxPages must be a positive integer/);
  });
});
