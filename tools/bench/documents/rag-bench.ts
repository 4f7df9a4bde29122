import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectGrpcService } from '@platform/common';
import { documentsV1 } from '@platform/contracts';
import { freePort, startNats, startPostgres, startS3 } from '@platform/infra';
import { S3ObjectStore } from '@platform/object-store';
import { loadRetrievalCorpus } from '@platform/retrieval/testing';
import { startServiceProcess, startStarterInference } from '@platform/test-fixtures/services';
import { firstValueFrom } from 'rxjs';
import type { BenchRow } from './bench-row';

export interface RagBenchSizes {
  /** Test questions of the corpus used (1–20). */
  questions: number;
  /** Chunking settings (each one index of the corpus); with two retrieval settings, 2× this many patterns. */
  chunkings: number;
}

const CHUNKINGS = [
  { method: 'recursive', chunk_size: 64, chunk_overlap: 16 },
  { method: 'recursive', chunk_size: 96, chunk_overlap: 24 },
  { method: 'recursive', chunk_size: 128, chunk_overlap: 32 },
  { method: 'recursive', chunk_size: 192, chunk_overlap: 48 },
];
const RETRIEVAL = [
  { method: 'simple', number_of_chunks: 3 },
  { method: 'window', number_of_chunks: 3, window_size: 1 },
];

interface ResultEntry {
  metrics: { test_data: { metric_name: string; mean: number }[] };
  context: { rag_pattern: { name: string } };
}

/**
 * Patterns evaluated per minute by one AutoAI RAG experiment of the documents service, run as the platform runs it: a
 * documents service process (its experiment worker on PostgreSQL, NATS JetStream and the S3 server) over the starter
 * model behind the real inference service. The input is the retrieval fixture corpus (20 Markdown documents of this
 * repository) and its questions; the time is the experiment's own, from running_at to completed_at (reading and
 * extracting the documents, indexing each chunking setting, stage 1 retrieval scoring, and each pattern answering
 * every question).
 */
export async function ragBench(sizes: RagBenchSizes): Promise<BenchRow[]> {
  const root = mkdtempSync(join(tmpdir(), 'bench-rag-'));
  chmodSync(root, 0o755); // the postgres user must reach its data directory inside
  const stops: (() => Promise<void>)[] = [];
  try {
    const pg = await startPostgres({ dataDir: join(root, 'pg'), port: await freePort(), database: 'bench' });
    stops.push(() => pg.stop());
    const nats = await startNats({ port: await freePort(), storeDir: join(root, 'nats') });
    stops.push(() => nats.stop());
    const s3 = await startS3({
      port: await freePort(),
      directory: join(root, 's3'),
      accessKey: 'bench',
      secretKey: 'bench-secret',
      buckets: ['bench'],
    });
    stops.push(() => s3.stop());
    const inference = await startStarterInference();
    stops.push(() => inference.stop());
    const grpcUrl = `127.0.0.1:${await freePort()}`;
    const opsPort = await freePort();
    const documents = await startServiceProcess(
      'documents',
      {
        DATABASE_URL: pg.url,
        NATS_URL: nats.url,
        PLATFORM_S3_ENDPOINT: s3.endpoint,
        PLATFORM_S3_BUCKET: 'bench',
        PLATFORM_S3_ACCESS_KEY: 'bench',
        PLATFORM_S3_SECRET_KEY: 'bench-secret',
        PLATFORM_VECTOR_INDEX_URI: join(root, 'vectors'),
        PLATFORM_INFERENCE_GRPC_URL: inference.grpcUrl,
        PLATFORM_DOCUMENTS_GRPC_URL: grpcUrl,
        PLATFORM_DOCUMENTS_OPS_PORT: String(opsPort),
        PLATFORM_DOCUMENTS_EXTRACTION_WORKERS: '0',
        PLATFORM_DOCUMENTS_RAG_WORKERS: '1',
      },
      opsPort,
      { timeoutMs: 120_000 },
    );
    stops.push(() => documents.stop());

    const projectId = randomUUID();
    const store = new S3ObjectStore({
      endpoint: s3.endpoint,
      bucket: 'bench',
      accessKey: 'bench',
      secretKey: 'bench-secret',
      region: 'us-east-1',
    });
    const corpus = loadRetrievalCorpus();
    for (const doc of corpus.documents)
      await store.put(`projects/${projectId}/assets/corpus/${doc.id}.md`, Buffer.from(doc.text), 'text/markdown');
    const questions = corpus.questions.slice(0, sizes.questions).map((q) => ({
      question: q.question,
      correct_answer: q.answer,
      correct_answer_document_ids: [`${q.documentId}.md`],
    }));
    await store.put(`projects/${projectId}/assets/questions.json`, Buffer.from(JSON.stringify(questions)), 'application/json');

    const client = connectGrpcService<documentsV1.DocumentServiceClient>('documents', documentsV1.DOCUMENT_SERVICE_NAME, {
      url: grpcUrl,
      deadline: 'long',
    });
    stops.push(async () => client.close());
    const patterns = sizes.chunkings * RETRIEVAL.length;
    const request = {
      input_data_references: [{ type: 'container', location: { path: 'corpus/' } }],
      test_data_references: [{ type: 'container', location: { path: 'questions.json' } }],
      results_reference: { type: 'container', location: { path: 'results' } },
      parameters: {
        constraints: {
          chunking: CHUNKINGS.slice(0, sizes.chunkings),
          retrieval: RETRIEVAL,
          max_number_of_rag_patterns: Math.max(4, patterns),
        },
        optimization: { metrics: ['answer_correctness'] },
      },
    };
    const { experiment } = await firstValueFrom(
      client.service.createRagExperiment({
        projectId,
        spaceId: '',
        name: 'bench',
        description: '',
        tags: [],
        createdBy: 'bench',
        requestJson: JSON.stringify(request),
      }),
    );
    const id = experiment!.id;
    let done: documentsV1.RagExperiment;
    for (;;) {
      done = (await firstValueFrom(client.service.getRagExperiment({ projectId, spaceId: '', id }))).experiment!;
      const state = done.status!.state;
      if (state === 'completed') break;
      if (state === 'failed' || state === 'canceled') throw new Error(`the experiment ended ${state}: ${done.status!.messageText}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const seconds = (done.status!.completedAt!.getTime() - done.status!.runningAt!.getTime()) / 1000;
    const results = JSON.parse(done.resultsJson) as ResultEntry[];
    const metric = (r: ResultEntry, name: string) => r.metrics.test_data.find((m) => m.metric_name === name)?.mean ?? NaN;
    const bestRetrieval = Math.max(...results.map((r) => metric(r, 'context_correctness')));
    return [
      {
        workload: `AutoAI RAG experiment, ${corpus.documents.length} documents × ${questions.length} questions`,
        units: `${results.length} patterns`,
        seconds,
        rate: `${((results.length * 60) / seconds).toFixed(2)} patterns/min`,
        notes:
          `${sizes.chunkings} indexes × ${RETRIEVAL.length} retrieval settings, starter model (128-dim embeddings, greedy answers); ` +
          `best context_correctness ${bestRetrieval.toFixed(2)}, best answer_correctness ${metric(results[0], 'answer_correctness').toFixed(2)}`,
      },
    ];
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
}
