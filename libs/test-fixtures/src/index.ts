// Fixtures and helpers that specs of several projects share (never imported by production code).
export { createGitFixture, type GitFixture } from './git-fixture';
export { startGitHttpServer, type GitHttpServer, type GitHttpServerOptions } from './git-http-server';
export { docxDocument, pptxDocument, zipArchive } from './office-documents';
export { parsePgm, scannedPdf, type GrayImage } from './scanned-pdf';
export { minimalPdf, pdfDocument, type PdfDocumentOptions } from './minimal-pdf';
export { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
export { createTestCertificate, type TestCertificate } from './test-certificate';
export { waitFor } from './wait-for';
export { growthOf } from './growth';
export { judgeRating, judgedAnswer, mtBenchJudge, wordShare } from './mt-bench-judge';
export { startOpenAiTestServer, type OpenAiTestServer, type ServedCall, type TestModel } from './openai-test-server';
export { createTestDatabase } from './test-database';
export { ReplayServer, type RecordedExchange, type ReceivedRequest } from './kubernetes/replay-server';
export { appsV1DeploymentSchema, batchV1JobSchema, coreV1ServiceSchema } from './kubernetes/manifest-schemas';
export { startEngineServer, type EngineServer, type EngineServerOptions } from './engine-server';
export { startServiceProcess, type ServiceProcess, type ServiceProcessOptions } from './service-process';
export { startStarterInference, STARTER_MODEL, type StarterInference } from './starter-inference';
export { EventStreamClient, type EventStreamRefusal } from './event-stream-client';
