import { containerStoragePrefix, type StorageContainer } from '@platform/common';
import type { EventEnvelope } from '@platform/events';
import { failureReason, isDependencyUnavailable, stopReason, type JobContext } from '@platform/jobs';
import type { ObjectStore } from '@platform/object-store';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { rowContainer } from '../container';
import type { DocumentsConfig } from '../documents.config';
import type { DocumentsEventCatalog } from '../documents-events';
import {
  DEFAULT_CHUNKING,
  DEFAULT_PROMPT_TEMPLATE,
  buildResultEntry,
  contextCorrectness,
  evaluationResultsBytes,
  experimentLocation,
  indexSettings,
  maxCombinations,
  planPatterns,
  rankPatterns,
  rankRetrievalCandidates,
  retrievalCandidates,
  sampleIndexSettings,
  seedOf,
  summarizeScores,
  type EvaluatedPattern,
  type IndexSetting,
  type RagPatternPlan,
  type RagResultEntry,
  type RetrievalCandidate,
  type RetrievedContext,
} from './evaluation';
import {
  deleteKeys,
  experimentKeys,
  experimentStatus,
  patternFileKeys,
  TrainingLog,
  writePatternFiles,
  type StatusUpdate,
} from './rag-artifacts';
import { RagExperimentEntity, type RagIndexRecord, type RagState } from './rag-experiment.entity';
import { ragIds } from './rag-events';
import { readRagDocuments } from './rag-documents';
import { RagFailure } from './rag-failure';
import { answerQuestions } from './rag-answers';
import { generationParameters } from './rag-generation-parameters';
import { indexCollection, type RagIndex } from './rag-index';
import type { RagInference } from './rag-inference';
import type { PatternNotebooks } from './pattern-notebooks';

/** Questions embedded in one Embed call. */
const EMBED_BATCH = 16;

type Patch = QueryDeepPartialEntity<RagExperimentEntity>;

/**
 * Runs one AutoAI RAG experiment: reads and extracts the input documents, indexes them once per chunking × embedding
 * setting (a seeded sample of 8 when there are more), scores every retrieval setting on every index by
 * context_correctness (stage 1, no generation), pairs the best with the foundation models up to
 * max_number_of_rag_patterns (stage 2), and has each pattern answer every test question through the inference
 * service; each pattern's files are written when its evaluation is done and `results` is re-ranked. Indexes and files
 * are recorded on the row before they are written, so a failure, a cancel or a later attempt removes exactly them;
 * training-status.json and training.log stay and say how it ended.
 */
export class RagExperimentRunner {
  constructor(
    private readonly store: ObjectStore,
    private readonly index: RagIndex,
    private readonly inference: RagInference,
    private readonly notebooks: PatternNotebooks,
    private readonly config: DocumentsConfig,
    private readonly events: DocumentsEventCatalog,
    /** Whether the experiment's row is still there (a hard delete removes it while the worker runs). */
    private readonly exists: (id: string) => Promise<boolean>,
  ) {}

  failedEvent(job: RagExperimentEntity, reason: string): EventEnvelope {
    return this.events.create('documents.rag.failed', { ...ragIds(job), state: 'failed', code: 'autoai_rag_failed', reason });
  }

  async run(job: RagExperimentEntity, ctx: JobContext): Promise<void> {
    const c = rowContainer(job);
    const keys = experimentKeys(job.resultsKey);
    const log = new TrainingLog(this.store, keys);
    const location = experimentLocation(resultsPathOf(job), job.id);
    const constraints = job.parameters.constraints;
    const metric = job.parameters.optimization.metrics[0];
    let written = [...job.writtenKeys];
    let indexes = [...job.indexes];
    let planned = 0;
    const status = (s: StatusUpdate, done = 0) => log.status(experimentStatus(job, s, done, planned));
    const write = async (patch: Patch, events: EventEnvelope[] = []) => {
      const ok = await ctx.write(async (m: EntityManager) => {
        await m.update(RagExperimentEntity, job.id, patch);
        return events;
      });
      if (!ok) ctx.signal.throwIfAborted();
    };
    const step = (name: string, text: string, done = 0) =>
      write({ step: name, messageLevel: 'info', messageText: text }, [
        this.events.create('documents.rag.progress', {
          ...ragIds(job),
          state: 'running',
          step: name,
          patternsCompleted: done,
          patternsPlanned: planned,
        }),
      ]);
    try {
      if (written.length > 0 || indexes.length > 0) {
        // An earlier attempt stopped half-way: what it wrote goes before this one starts over.
        await this.cleanUp(written, indexes);
        written = [];
        indexes = [];
        await write({ writtenKeys: [], indexes: [], results: [] });
      }
      await write({ state: 'running' });
      log.line(`attempt ${ctx.attempt}: ${job.documents.length} documents, ${job.questions.length} test questions`);
      await step('chunking', `Reading ${job.documents.length} documents.`);
      await status({ state: 'running', step: 'chunking' });
      const docs = await readRagDocuments(this.store, this.config.extractions, job.documents, ctx.signal);
      log.line(`read ${docs.length} documents (${docs.reduce((n, d) => n + d.text.length, 0)} characters)`);

      // Stage 1: every sampled index, every retrieval setting on it, scored by context_correctness.
      const all = indexSettings(constraints);
      const always = DEFAULT_CHUNKING.map((chunking) => ({ chunking, embedding_model: constraints.embedding_models[0] }));
      const indexed = sampleIndexSettings(all, { seed: seedOf(job.id), always });
      if (indexed.length < all.length)
        log.line(`indexing a seeded sample of ${indexed.length} of ${all.length} chunking × embedding settings`);
      const records: RagIndexRecord[] = [];
      for (const [k, setting] of indexed.entries()) {
        await step('embeddings', `Indexing ${k + 1} of ${indexed.length}: ${describeIndex(setting)}.`);
        const { record, chunks } = await this.index.build(
          c,
          indexCollection(job.id, k + 1),
          setting,
          docs,
          async (rec) => {
            indexes = [...indexes, rec];
            await write({ indexes });
          },
          ctx.signal,
        );
        records.push(record);
        log.line(`index ${record.collection}: ${describeIndex(setting)}, ${chunks} chunks`);
      }
      await step(
        'retrieval',
        `Scoring ${indexed.length * constraints.retrieval.length} retrieval settings on ${job.questions.length} questions.`,
      );
      const questionVectors = await this.embedQuestions(job, c, constraints.embedding_models, ctx.signal);
      const candidates = retrievalCandidates(indexed, constraints.retrieval);
      const contexts = new Map<RetrievalCandidate, RetrievedContext[][]>();
      const scored = [];
      for (const candidate of candidates) {
        const record = records[indexed.indexOf(candidate.index)];
        const vectors = questionVectors.get(candidate.index.embedding_model) ?? [];
        const perQuestion: RetrievedContext[][] = [];
        for (const [q, question] of job.questions.entries()) {
          ctx.signal.throwIfAborted();
          perQuestion.push(await this.index.retrieve(record, question.question, vectors[q], candidate.retrieval));
        }
        contexts.set(candidate, perQuestion);
        const cc =
          perQuestion.reduce(
            (sum, ctxs, q) =>
              sum +
              contextCorrectness(
                ctxs.map((x) => x.document_id),
                job.questions[q].correctAnswerDocumentIds,
              ),
            0,
          ) / job.questions.length;
        scored.push({ candidate, contextCorrectness: cc });
        log.line(`retrieval ${record.collection} ${JSON.stringify(candidate.retrieval)}: context_correctness ${cc.toFixed(4)}`);
      }
      const ranked = rankRetrievalCandidates(scored);

      // Stage 2: the best retrieval settings with the foundation models, each pattern answering every question.
      const plans = planPatterns(
        ranked.map((s) => s.candidate),
        constraints.foundation_models,
        constraints.max_number_of_rag_patterns,
      );
      planned = plans.length;
      log.line(`${plans.length} patterns planned of ${maxCombinations(constraints)} combinations`);
      const models = await this.inference.models();
      const evaluated: (EvaluatedPattern & { entry: RagResultEntry })[] = [];
      for (const plan of plans) {
        await step('generation', `Evaluating ${plan.name} (${plans.indexOf(plan) + 1} of ${plans.length}).`, evaluated.length);
        const record = records[indexed.indexOf(plan.index)];
        const contextWindow = models.find((m) => m.modelId === plan.foundation_model)?.maxSequenceLength || 4096;
        const parameters = generationParameters(contextWindow);
        const answered = await answerQuestions(this.inference, job, c, plan, contexts.get(candidateOf(candidates, plan)) ?? [], {
          contextWindow,
          parameters,
          signal: ctx.signal,
        });
        const metrics = summarizeScores(
          answered.map((a) => a.scores),
          { seed: seedOf(`${job.id}/${plan.name}`), optimizationMetric: metric },
        );
        const embeddingLimit = models.find((m) => m.modelId === plan.index.embedding_model)?.maxSequenceLength;
        const entry = buildResultEntry({
          plan,
          metrics,
          assetsPath: location.assets_path,
          maxCombinations: maxCombinations(constraints),
          indexName: record.collection,
          embeddingInputTokens: embeddingLimit ? embeddingLimit - 2 : undefined,
          generationParameters: parameters,
          promptTemplateText: DEFAULT_PROMPT_TEMPLATE,
        });
        const fileKeys = patternFileKeys(keys, plan.name);
        written = [...written, ...fileKeys];
        await write({ writtenKeys: written });
        await writePatternFiles(this.store, keys, plan.name, {
          evaluationResults: evaluationResultsBytes(answered),
          ...this.notebooks({
            experimentId: job.id,
            container: c,
            entry,
            documents: job.documents,
            storagePrefix: containerStoragePrefix(c),
            sampleQuestion: job.questions[0].question,
          }),
        });
        evaluated.push({ plan, metrics, entry });
        const results = rankPatterns(evaluated, metric).map((e) => e.entry);
        const done = evaluated.length;
        await write({ results, messageText: `Pattern ${done} of ${plans.length} is completed.` }, [
          this.events.create('documents.rag.progress', {
            ...ragIds(job),
            state: 'running',
            step: 'evaluation',
            patternsCompleted: done,
            patternsPlanned: plans.length,
          }),
        ]);
        log.line(
          `${plan.name}: ${metrics.map((m) => `${m.metric_name} ${m.mean.toFixed(4)} [${m.ci_low.toFixed(4)}, ${m.ci_high.toFixed(4)}]`).join(', ')}`,
        );
        await log.flush();
        await status(
          { state: 'running', step: 'generation', message: { level: 'info', text: `Pattern ${done} of ${plans.length} is completed.` } },
          done,
        );
      }

      // Indexes no pattern uses are not kept.
      const used = new Set(plans.map((p) => records[indexed.indexOf(p.index)].collection));
      const unused = indexes.filter((r) => !used.has(r.collection));
      for (const r of unused) await this.index.drop(r);
      indexes = indexes.filter((r) => used.has(r.collection));
      const best = rankPatterns(evaluated, metric)[0];
      const text = `AutoAI RAG experiment completed: ${plans.length} patterns evaluated; the best is ${best.plan.name} (${metric} ${best.metrics[0].mean.toFixed(4)}).`;
      log.line(text);
      await log.flush();
      await status({ state: 'completed', message: { level: 'info', text }, completed_at: new Date().toISOString() }, evaluated.length);
      const finished = await ctx.finish(async (m) => {
        await m.update(RagExperimentEntity, job.id, {
          status: 'completed',
          state: 'completed',
          step: '',
          messageLevel: 'info',
          messageText: text,
          indexes,
          completedAt: () => 'now()',
        });
        return [this.events.create('documents.rag.completed', { ...ragIds(job), state: 'completed' })];
      });
      if (!finished) ctx.signal.throwIfAborted();
    } catch (err) {
      const reason = stopReason(ctx.signal);
      // Taken over by another worker, or this one shutting down: the next attempt removes what this one wrote.
      if (reason === 'lease-lost' || reason === 'shutdown') throw err;
      await this.cleanUp(written, indexes).catch((e: unknown) =>
        ctx.log.warn({ err: e }, 'removing a stopped experiment’s files and indexes failed'),
      );
      if (reason === 'canceled') {
        // Hard-deleted: its whole directory goes (the service deleted it, but this worker may have written since).
        if (!(await this.exists(job.id))) return void (await this.store.deletePrefix(keys.root));
        log.line('canceled');
        await Promise.all([log.flush(), status({ state: 'canceled', completed_at: new Date().toISOString() })]).catch(() => undefined);
        return;
      }
      if (!(err instanceof RagFailure) && isDependencyUnavailable(err)) throw err;
      const failure =
        err instanceof RagFailure ? err : new RagFailure('autoai_rag_failed', err instanceof Error ? err.message : String(err));
      log.line(`failed: ${failure.message}`);
      await Promise.all([
        log.flush(),
        status({ state: 'failed', failure: { code: failure.code, reason: failure.message }, completed_at: new Date().toISOString() }),
      ]).catch((e: unknown) => ctx.log.warn({ err: e }, 'writing the failed experiment’s status failed'));
      await this.fail(ctx, job, failure);
    }
  }

  /**
   * The runner gave up on the experiment (its workers kept dying, so no attempt reached its own clean-up): what they
   * wrote goes, and training-status.json says it failed, as a failed run's does, instead of "running" for good.
   */
  async discard(job: RagExperimentEntity, reason: string): Promise<void> {
    await this.cleanUp(job.writtenKeys, job.indexes);
    const log = new TrainingLog(this.store, experimentKeys(job.resultsKey));
    const failure = { code: 'autoai_rag_failed', reason: failureReason(reason) };
    await log.status(experimentStatus(job, { state: 'failed', failure, completed_at: new Date().toISOString() }));
  }

  /** Removes pattern files and indexes a run wrote (both idempotent). */
  async cleanUp(keys: readonly string[], indexes: readonly RagIndexRecord[]): Promise<void> {
    await deleteKeys(this.store, keys);
    for (const r of indexes) await this.index.drop(r);
  }

  private async fail(ctx: JobContext, job: RagExperimentEntity, failure: RagFailure): Promise<void> {
    ctx.log.info({ code: failure.code, reason: failure.message }, 'AutoAI RAG experiment failed');
    const reason = failureReason(failure.message);
    await ctx.finish(async (m) => {
      await m.update(RagExperimentEntity, job.id, {
        status: 'failed',
        state: 'failed' satisfies RagState,
        failureCode: failure.code,
        failureReason: reason,
        messageLevel: 'error',
        messageText: reason,
        results: [],
        writtenKeys: [],
        indexes: [],
        completedAt: () => 'now()',
      });
      return [this.events.create('documents.rag.failed', { ...ragIds(job), state: 'failed', code: failure.code, reason })];
    });
  }

  /** Each question's embedding by each embedding model, in the questions' order. */
  private async embedQuestions(
    job: RagExperimentEntity,
    c: StorageContainer,
    models: readonly string[],
    signal: AbortSignal,
  ): Promise<Map<string, number[][]>> {
    const out = new Map<string, number[][]>();
    const texts = job.questions.map((q) => q.question);
    for (const model of models) {
      const vectors: number[][] = [];
      for (let at = 0; at < texts.length; at += EMBED_BATCH)
        vectors.push(...(await this.inference.embed(model, c, texts.slice(at, at + EMBED_BATCH), signal)));
      out.set(model, vectors);
    }
    return out;
  }
}

const describeIndex = (s: IndexSetting) =>
  `chunk size ${s.chunking.chunk_size}, overlap ${s.chunking.chunk_overlap}, embeddings ${s.embedding_model}`;

/** The stage 1 candidate a plan was made from (plans carry the candidate's index and retrieval objects). */
const candidateOf = (candidates: readonly RetrievalCandidate[], plan: RagPatternPlan) =>
  candidates.find((x) => x.index === plan.index && x.retrieval === plan.retrieval) as RetrievalCandidate;

/** results_reference.location.path as the caller wrote it (the row's request holds it). */
export function resultsPathOf(job: Pick<RagExperimentEntity, 'request'>): string {
  const ref = job.request.results_reference as { location?: { path?: unknown } } | undefined;
  return typeof ref?.location?.path === 'string' ? ref.location.path : '';
}
