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
const failed = r.numFailedTests + (r.numFailedTestSuites > 0 && r.numFailedTests === 0 ? r.numFailedTestSuites : 0);
console.log(`tests: ${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
