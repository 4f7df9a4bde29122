// Fixtures and helpers that specs of several projects share (never imported by production code).
export { createGitFixture, type GitFixture } from './git-fixture';
export { minimalPdf } from './minimal-pdf';
export { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
export { waitFor } from './wait-for';
