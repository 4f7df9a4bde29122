// Document builders without vitest (the package's index also holds fixtures that import it), for tools such as
// tools/bench/documents that run under plain Node.
export { docxDocument, pptxDocument } from './office-documents';
export { minimalPdf, pdfDocument, type PdfDocumentOptions } from './minimal-pdf';
export { parsePgm, scannedPdf, type GrayImage } from './scanned-pdf';
