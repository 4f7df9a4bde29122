/**
 * Retrieval benchmark: `npm run bench:retrieval [-- --quick]`. See README.md.
 *
 * Starts its own PostgreSQL, keeps LanceDB in a temp directory, embeds with the starter model in-process
 * (`@platform/engine`'s ServedModel.embed, as the engine server's /v1/embeddings computes them) and prints one table.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServedModel, type ServedModel } from '@platform/engine';
import { freePort, startPostgres } from '@platform/infra';
import { chunkText, loadVectorIndexSettings, RetrievalIndex, retrievalMigration, VectorIndex, type SearchMode } from '@platform/retrieval';
import { ensureSchema } from '@platform/common';
import { DataSource } from 'typeorm';
import { hashedEmbedding, loadRetrievalCorpus, recallAtK } from '@platform/retrieval/testing';
import { percentile } from '../inference/measure';

const quick = process.argv.includes('--quick');
const SCHEMA = 'retrieval_bench';
const MODEL_DIR = resolve(__dirname, '../../../models/starter');
/** The starter model reads 256 positions; chunks leave room for the BOS token the embedding input gets. */
const CHUNK = { maxTokens: 200, overlapTokens: 32 };
const SIZES = quick ? [10_000] : [10_000, 100_000];
const QUERIES = quick ? 40 : 100;
const SYNTHETIC_DOC_CHUNKS = 100;
const MODES: SearchMode[] = ['hybrid', 'vector', 'keyword'];
const HASHED_DIMENSION = 256;

async function embed(model: ServedModel, texts: readonly string[]): Promise<number[][]> {
  return model.embed(texts.map((t) => model.encode(t, true)));
}

/** A deterministic stream of pseudo-random numbers (mulberry32), so every run indexes the same synthetic chunks. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function unitVector(random: () => number, dimension: number): number[] {
  const v = Array.from({ length: dimension }, () => random() - 0.5);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'bench-retrieval-'));
  chmodSync(root, 0o755); // the postgres user must reach its data directory inside
  const pg = await startPostgres({ dataDir: join(root, 'pg'), port: await freePort(), database: 'bench' });
  const model = await createServedModel(MODEL_DIR, { threads: 1, id: 'starter' });
  await ensureSchema(pg.url, SCHEMA);
  const db = new DataSource({
    type: 'postgres',
    url: pg.url,
    schema: SCHEMA,
    migrations: [retrievalMigration(SCHEMA)],
    migrationsRun: true,
  });
  await db.initialize();
  const vectors = await VectorIndex.connect(loadVectorIndexSettings({ PLATFORM_VECTOR_INDEX_URI: join(root, 'vector-index') }));
  const index = new RetrievalIndex({ db, schema: SCHEMA, vectors });
  const lines: string[] = [];
  try {
    // 1. The fixture corpus, end to end: chunk (token counts from the model's tokenizer), embed, index.
    const { documents, questions } = loadRetrievalCorpus();
    const corpusProject = 'corpus';
    let chunkCount = 0;
    let indexMs = 0;
    const started = performance.now();
    for (const doc of documents) {
      const chunks = await chunkText(doc.text, { ...CHUNK, countTokens: async (texts) => texts.map((t) => model.encode(t, false).length) });
      const embedded = await embed(
        model,
        chunks.map((c) => c.text),
      );
      const t0 = performance.now();
      await index.replaceDocument(
        { projectId: corpusProject, collection: 'docs', documentId: doc.id },
        chunks.map((c, i) => ({ text: c.text, vector: embedded[i], metadata: { start: c.start, end: c.end } })),
      );
      indexMs += performance.now() - t0;
      chunkCount += chunks.length;
    }
    const totalMs = performance.now() - started;
    lines.push(
      `Fixture corpus: ${documents.length} documents (${chunkCount} chunks of ≤ ${CHUNK.maxTokens} tokens, overlap ${CHUNK.overlapTokens}).`,
      '',
    );
    lines.push(row(['measure', 'value']), row(['---', '---']));
    lines.push(row(['corpus documents/s, chunk + embed + index', (documents.length / (totalMs / 1000)).toFixed(1)]));
    lines.push(row(['corpus documents/s, index only (vectors + texts, atomic switch)', (documents.length / (indexMs / 1000)).toFixed(1)]));

    // 2. recall@5 of each mode on the question set; then the same chunks with bag-of-words hashed vectors (no model),
    // to show the fusion with a vector list that carries signal.
    const hashedProject = 'corpus-hashed';
    for (const doc of documents) {
      const chunks = await chunkText(doc.text, { ...CHUNK, countTokens: async (texts) => texts.map((t) => model.encode(t, false).length) });
      await index.replaceDocument(
        { projectId: hashedProject, collection: 'docs', documentId: doc.id },
        chunks.map((c) => ({ text: c.text, vector: hashedEmbedding(c.text, HASHED_DIMENSION) })),
      );
    }
    const runs = [
      { label: 'starter-model vectors', projectId: corpusProject, modes: MODES },
      { label: 'hashed bag-of-words vectors', projectId: hashedProject, modes: ['hybrid', 'vector'] as SearchMode[] },
    ];
    for (const run of runs) {
      const recall = new Map<SearchMode, Map<string, string[]>>(run.modes.map((m) => [m, new Map()]));
      for (const q of questions) {
        const qv = run.projectId === hashedProject ? hashedEmbedding(q.question, HASHED_DIMENSION) : (await embed(model, [q.question]))[0];
        for (const mode of run.modes) {
          const hits = await index.search({
            projectId: run.projectId,
            collections: ['docs'],
            query: q.question,
            vector: qv,
            topK: 5,
            mode,
          });
          recall.get(mode)!.set(
            q.id,
            hits.map((h) => h.documentId),
          );
        }
      }
      for (const mode of run.modes) {
        const r5 = recallAtK(questions, recall.get(mode)!, 5).toFixed(2);
        const r1 = recallAtK(questions, recall.get(mode)!, 1).toFixed(2);
        lines.push(
          row([
            `recall@5 / recall@1, ${mode}${mode === 'keyword' ? '' : `, ${run.label}`} (${questions.length} questions)`,
            `${r5} / ${r1}`,
          ]),
        );
      }
    }

    // 3. Latency at 10 k and 100 k chunks: synthetic chunks (corpus sentences reshuffled, random unit vectors of the
    // model's width), written as documents of 100 chunks.
    const sentences = documents.flatMap((d) => d.text.split(/(?<=[.!?])\s+|\n+/).filter((s) => s.trim().length > 20));
    const random = rng(42);
    const dimension = model.config.hidden_size;
    const project = 'synthetic';
    let written = 0;
    for (const size of SIZES) {
      const t0 = performance.now();
      let docs = 0;
      while (written < size) {
        const chunks = Array.from({ length: SYNTHETIC_DOC_CHUNKS }, () => ({
          text: Array.from({ length: 3 }, () => sentences[Math.floor(random() * sentences.length)]).join(' '),
          vector: unitVector(random, dimension),
        }));
        await index.replaceDocument({ projectId: project, collection: `c${written % 4}`, documentId: `d${written}` }, chunks);
        written += chunks.length;
        docs += 1;
      }
      await vectors.optimize(project);
      const seconds = (performance.now() - t0) / 1000;
      lines.push(row([`synthetic ${size / 1000} k: documents/s (100 chunks each, vectors given)`, (docs / seconds).toFixed(1)]));
      for (const mode of MODES) {
        const samples: number[] = [];
        for (let i = 0; i < QUERIES + 5; i++) {
          const q = questions[i % questions.length].question;
          const start = performance.now();
          await index.search({
            projectId: project,
            collections: ['c0', 'c1', 'c2', 'c3'],
            query: q,
            vector: unitVector(random, dimension),
            topK: 5,
            mode,
          });
          if (i >= 5) samples.push(performance.now() - start); // the first few warm caches and JIT
        }
        samples.sort((a, b) => a - b);
        lines.push(
          row([
            `synthetic ${size / 1000} k: ${mode} query p50 / p99 ms`,
            `${percentile(samples, 50).toFixed(1)} / ${percentile(samples, 99).toFixed(1)}`,
          ]),
        );
      }
    }
    lines.push(
      '',
      `${cpus().length} × ${cpus()[0]?.model.trim()}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}${quick ? ' (--quick)' : ''}.`,
    );
    console.log(lines.join('\n'));
  } finally {
    vectors.close();
    await db.destroy();
    await model.close();
    await pg.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
