export { extractText, type ExtractedText, type ExtractionInput } from './extract-text';
export { extractDocument } from './extract-document';
export type {
  AssemblyPage,
  AssemblyStructure,
  AssemblyTable,
  AssemblyTableCell,
  AssemblyToken,
  DocumentAssembly,
  DocumentExtractionOptions,
  ExtractedDocument,
  PageImage,
  StructureType,
} from './document-assembly';
export { ExtractionError, type ExtractionErrorCode } from './extraction-error';
export { DEFAULT_EXTRACTION_LIMITS, type ExtractionLimits } from './limits';
export { SUPPORTED_MEDIA_TYPES, resolveDocumentType, type DocumentType } from './document-type';
export { ISO_639_1_TO_TESSERACT, tesseractLanguage } from './languages';
export { type OcrMode, type OcrOptions } from './ocr';
