import { PlatformError } from '@platform/common';
import { tesseractLanguage } from '@platform/extraction';

export const REQUESTED_OUTPUTS = ['assembly', 'html', 'md', 'plain_text', 'page_images'] as const;
export type RequestedOutput = (typeof REQUESTED_OUTPUTS)[number];
export const MODES = ['standard', 'high_quality'] as const;
export const OCR_MODES = ['disabled', 'enabled', 'forced'] as const;
export const EMBEDDED_IMAGES = ['disabled', 'enabled_placeholder', 'enabled_text'] as const;
export const MIN_DPI = 72;
export const MAX_DPI = 600;
export const DEFAULT_DPI = 150;
const MAX_LANGUAGES = 16;

/** What an extraction does, from the request's `steps`, `assembly_*` and `parameters`, checked, with the defaults. */
export interface ExtractionSettings {
  outputs: RequestedOutput[];
  mode: (typeof MODES)[number];
  ocrMode: (typeof OCR_MODES)[number];
  /** As the caller named them (ISO 639-1 or Tesseract codes); the extraction library maps them. Empty: English. */
  languages: string[];
  tablesProcessing: boolean;
  autoRotationCorrection: boolean;
  createEmbeddedImages: (typeof EMBEDDED_IMAGES)[number];
  outputDpi: number;
  outputTokensAndBbox: boolean;
}

type Json = Record<string, unknown>;

function objectAt(o: Json, key: string, field: string): Json | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw PlatformError.invalid(`${field} must be an object.`, field);
  return v as Json;
}

function booleanAt(o: Json | undefined, key: string, field: string, fallback: boolean): boolean {
  const v = o?.[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw PlatformError.invalid(`${field} must be true or false.`, field);
  return v;
}

function oneOf<const V extends string>(o: Json | undefined, key: string, field: string, values: readonly V[], fallback: V): V {
  const v = o?.[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
    throw PlatformError.invalid(`${field} must be one of ${values.join(', ')}.`, field);
  return v as V;
}

function languagesAt(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw PlatformError.invalid(`${field} must be an array of language codes.`, field);
  if (v.length > MAX_LANGUAGES) throw PlatformError.invalid(`${field} may hold at most ${MAX_LANGUAGES} languages.`, field);
  return v.map((code, i) => {
    if (typeof code !== 'string')
      throw PlatformError.invalid(`${field}[${i}] must be a language code such as "en" or "eng".`, `${field}[${i}]`);
    try {
      // ISO 639-1 (`en`) or Tesseract's own codes (`eng`, `chi_sim`); whether its data is installed shows when the job runs.
      tesseractLanguage(code);
    } catch (err) {
      throw PlatformError.invalid(`${field}[${i}]: ${err instanceof Error ? err.message : String(err)}.`, `${field}[${i}]`);
    }
    return code;
  });
}

function outputsAt(entity: Json, parameters: Json | undefined): RequestedOutput[] {
  const field = 'parameters.requested_outputs';
  const v = parameters?.requested_outputs;
  if (v === undefined || v === null) {
    // The SDK's way: `assembly_md: {}` asks for Markdown, otherwise (or with `assembly_json: {}`) the assembly JSON.
    objectAt(entity, 'assembly_json', 'assembly_json');
    return objectAt(entity, 'assembly_md', 'assembly_md') ? ['md'] : ['assembly'];
  }
  if (!Array.isArray(v) || v.length === 0) throw PlatformError.invalid(`${field} must be a non-empty array.`, field);
  const outputs = v.map((o, i) => {
    if (typeof o !== 'string' || !(REQUESTED_OUTPUTS as readonly string[]).includes(o))
      throw PlatformError.invalid(`${field}[${i}] must be one of ${REQUESTED_OUTPUTS.join(', ')}.`, `${field}[${i}]`);
    return o as RequestedOutput;
  });
  return REQUESTED_OUTPUTS.filter((o) => outputs.includes(o));
}

/** The request's settings; anything out of range is a 400 naming its field. */
export function extractionSettings(entity: Json): ExtractionSettings {
  const steps = objectAt(entity, 'steps', 'steps');
  const ocr = steps && objectAt(steps, 'ocr', 'steps.ocr');
  const tables = steps && objectAt(steps, 'tables_processing', 'steps.tables_processing');
  const parameters = objectAt(entity, 'parameters', 'parameters');
  const dpi = parameters?.output_dpi;
  if (dpi !== undefined && dpi !== null && (typeof dpi !== 'number' || !Number.isInteger(dpi) || dpi < MIN_DPI || dpi > MAX_DPI))
    throw PlatformError.invalid(`parameters.output_dpi must be an integer from ${MIN_DPI} to ${MAX_DPI}.`, 'parameters.output_dpi');
  const stepLanguages = languagesAt(ocr?.languages_list, 'steps.ocr.languages_list');
  const languages = parameters?.languages !== undefined ? languagesAt(parameters.languages, 'parameters.languages') : stepLanguages;
  // A scanned PDF just works: OCR of pages without a text layer is on unless turned off.
  const ocrMode = oneOf(parameters, 'ocr_mode', 'parameters.ocr_mode', OCR_MODES, 'enabled');
  if (ocr && ocrMode === 'disabled')
    throw PlatformError.invalid('parameters.ocr_mode is disabled while steps.ocr asks for OCR: drop one of them.', 'parameters.ocr_mode');
  return {
    outputs: outputsAt(entity, parameters),
    mode: oneOf(parameters, 'mode', 'parameters.mode', MODES, 'standard'),
    ocrMode,
    languages: [...new Set(languages)],
    tablesProcessing: booleanAt(tables, 'enabled', 'steps.tables_processing.enabled', true),
    autoRotationCorrection: booleanAt(parameters, 'auto_rotation_correction', 'parameters.auto_rotation_correction', false),
    createEmbeddedImages: oneOf(parameters, 'create_embedded_images', 'parameters.create_embedded_images', EMBEDDED_IMAGES, 'disabled'),
    outputDpi: typeof dpi === 'number' ? dpi : DEFAULT_DPI,
    outputTokensAndBbox: booleanAt(parameters, 'output_tokens_and_bbox', 'parameters.output_tokens_and_bbox', false),
  };
}
