/**
 * Writes docs/grpc-reference.md from proto/ (`npm run docs:grpc`); with --check (npm test) it only compares, and fails
 * naming the command to run when the committed reference differs from what proto/ says.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderReference } from './render';

const WORKSPACE = resolve(__dirname, '../..');
const TARGET = resolve(WORKSPACE, 'docs/grpc-reference.md');

const rendered = renderReference(resolve(WORKSPACE, 'proto'));
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(TARGET, 'utf8');
  } catch {
    // missing: reported below as out of date
  }
  if (committed !== rendered) {
    console.error('docs/grpc-reference.md is out of date with proto/: run `npm run docs:grpc` and commit the result.');
    process.exit(1);
  }
  console.log('docs/grpc-reference.md matches proto/');
} else {
  writeFileSync(TARGET, rendered);
  console.log(`wrote ${TARGET}`);
}
