/**
 * Documents service benchmark: `npm run bench:documents [-- --quick]`. See README.md.
 *
 * Text extraction (`@platform/extraction`'s extractDocument, in-process, as the documents service's extraction jobs
 * run it): pages per second on a text-layer PDF and, in the same run, on a scanned PDF read by Tesseract OCR.
 * AutoAI RAG (patterns evaluated per minute) adds its rows to the same table: see SECTIONS.
 */
import { cpus } from 'node:os';
import type { BenchRow } from './bench-row';
import { extractionBench } from './extraction-bench';
import { ragBench } from './rag-bench';

const quick = process.argv.includes('--quick');

/**
 * The benchmark's parts, run one after another, their rows printed as one table. The AutoAI RAG part (patterns
 * evaluated per minute, by the rag-experiments work) goes here as another entry returning its rows.
 */
const SECTIONS: { name: string; run: () => Promise<BenchRow[]> }[] = [
  { name: 'text extraction', run: () => extractionBench(quick ? { textPages: 50, ocrPages: 2 } : { textPages: 300, ocrPages: 6 }) },
  { name: 'AutoAI RAG', run: () => ragBench(quick ? { questions: 5, chunkings: 2 } : { questions: 20, chunkings: 4 }) },
];

function line(cells: readonly (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  for (const section of SECTIONS) {
    const started = performance.now();
    rows.push(...(await section.run()));
    console.error(`${section.name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  console.log(`\nDocuments benchmark (${cpus().length} CPUs: ${cpus()[0]?.model ?? 'unknown'}${quick ? ', --quick' : ''})\n`);
  console.log(line(['workload', 'units', 'seconds', 'rate', 'notes']));
  console.log(line(['---', '---:', '---:', '---:', '---']));
  for (const row of rows) console.log(line([row.workload, row.units, row.seconds.toFixed(2), row.rate, row.notes]));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
