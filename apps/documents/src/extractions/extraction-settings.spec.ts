import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { outputKey, resultsLayout } from './extraction-outputs';
import { extractionSettings } from './extraction-settings';

const fieldOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    if (err instanceof PlatformError) return err.target?.name;
    throw err;
  }
  throw new Error('no error');
};

describe('extraction settings', () => {
  it('defaults: the assembly JSON, OCR enabled, tables on, 150 dpi', () => {
    expect(extractionSettings({})).toEqual({
      outputs: ['assembly'],
      mode: 'standard',
      ocrMode: 'enabled',
      languages: [],
      tablesProcessing: true,
      autoRotationCorrection: false,
      createEmbeddedImages: 'disabled',
      outputDpi: 150,
      outputTokensAndBbox: false,
    });
  });

  it("takes the SDK's assembly_md / assembly_json and steps, and the current API's parameters over them", () => {
    expect(extractionSettings({ assembly_md: {} }).outputs).toEqual(['md']);
    expect(extractionSettings({ assembly_json: {} }).outputs).toEqual(['assembly']);
    const s = extractionSettings({
      assembly_md: {},
      steps: { ocr: { languages_list: ['en', 'fr', 'en'] }, tables_processing: { enabled: false } },
      parameters: {
        requested_outputs: ['page_images', 'plain_text', 'md'],
        ocr_mode: 'forced',
        output_dpi: 300,
        auto_rotation_correction: true,
      },
    });
    expect(s).toMatchObject({
      outputs: ['md', 'plain_text', 'page_images'],
      ocrMode: 'forced',
      languages: ['en', 'fr'],
      tablesProcessing: false,
    });
    expect(s).toMatchObject({ outputDpi: 300, autoRotationCorrection: true });
    expect(extractionSettings({ parameters: { create_embedded_images: 'enabled_text' } }).createEmbeddedImages).toBe('enabled_text');
    expect(extractionSettings({ steps: { ocr: {} }, parameters: { languages: ['deu'] } }).languages).toEqual(['deu']);
  });

  it('names the field of a value out of range', () => {
    expect(fieldOf(() => extractionSettings({ parameters: { output_dpi: 601 } }))).toBe('parameters.output_dpi');
    expect(fieldOf(() => extractionSettings({ parameters: { output_dpi: 150.5 } }))).toBe('parameters.output_dpi');
    expect(fieldOf(() => extractionSettings({ parameters: { requested_outputs: [] } }))).toBe('parameters.requested_outputs');
    expect(fieldOf(() => extractionSettings({ parameters: { mode: 'fast' } }))).toBe('parameters.mode');
    expect(fieldOf(() => extractionSettings({ parameters: { languages: ['en', 'xx'] } }))).toBe('parameters.languages[1]');
    expect(fieldOf(() => extractionSettings({ steps: { tables_processing: { enabled: 'yes' } } }))).toBe('steps.tables_processing.enabled');
    expect(fieldOf(() => extractionSettings({ steps: [] }))).toBe('steps');
    expect(fieldOf(() => extractionSettings({ parameters: { create_embedded_images: 'enabled' } }))).toBe(
      'parameters.create_embedded_images',
    );
  });
});

describe('results layout', () => {
  it('one text output goes to the reference itself; several, page images or a path ending in "/" make it a directory', () => {
    const base = 'projects/p/assets/out';
    expect(resultsLayout(base, ['md'])).toEqual({ kind: 'file', key: base });
    expect(resultsLayout(`${base}/`, ['md'])).toEqual({ kind: 'directory', key: `${base}/` });
    const dir = resultsLayout(base, ['assembly', 'html', 'md', 'plain_text', 'page_images']);
    expect(dir).toEqual({ kind: 'directory', key: `${base}/` });
    expect((['assembly', 'html', 'md', 'plain_text', 'page_images'] as const).map((o) => outputKey(dir, o))).toEqual([
      `${base}/assembly.json`,
      `${base}/assembly.html`,
      `${base}/assembly.md`,
      `${base}/plain.txt`,
      `${base}/page_images/`,
    ]);
    expect(resultsLayout(base, ['page_images'])).toEqual({ kind: 'directory', key: `${base}/` });
  });
});
