export { extractText, type ExtractedText, type ExtractionInput } from './extract-text';
export { ExtractionError, type ExtractionErrorCode } from './extraction-error';
export { DEFAULT_EXTRACTION_LIMITS, type ExtractionLimits } from './limits';
export { SUPPORTED_MEDIA_TYPES } from './document-type';
export { type OcrMode, type OcrOptions } from './ocr';
