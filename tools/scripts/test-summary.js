// Prints the suite's closing line in the plain form CI reads: "tests: N passed, N failed, N skipped".
const { readFileSync, existsSync } = require('node:fs');
const file = process.argv[2];
if (!existsSync(file)) {
  console.log('tests: 0 passed, 1 failed');
  process.exit(0);
}
const r = JSON.parse(readFileSync(file, 'utf8'));
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
// A file that failed to load counts as a failure even though it ran no test.
let failed = r.numFailedTests + (r.numFailedTestSuites > 0 && r.numFailedTests === 0 ? r.numFailedTestSuites : 0);
// A test whose test process died under it (vitest's "Worker exited unexpectedly") is in the total but in none of the
// counts, and the report still says success: it failed.
const lost = r.numTotalTests - r.numPassedTests - r.numFailedTests - skipped;
if (lost > 0) {
  console.log(`${lost} test(s) did not finish: their test process exited (see "Unhandled Errors" above)`);
  failed += lost;
}
console.log(`tests: ${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
