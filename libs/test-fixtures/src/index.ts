// Fixtures that specs of several projects build real inputs with (never imported by production code).
export { createGitFixture, type GitFixture } from './git-fixture';
export { minimalPdf } from './minimal-pdf';
