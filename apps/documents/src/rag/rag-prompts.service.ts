import { Injectable } from '@nestjs/common';
import { PlatformError } from '@platform/common';
import type { documentsV1 } from '@platform/contracts';
import { rowContainer } from '../container';
import { buildRagPrompt, type RagResultEntry } from './evaluation';
import { textGenParameters } from './rag-generation-parameters';
import { RagExperimentsService } from './rag-experiments.service';
import { RagIndex } from './rag-index';
import { RagInference } from './rag-inference';

const MAX_QUESTION_CHARS = 2000;

/**
 * What a deployed RAG pattern sends its model for one question: the pattern's retrieval over its index (the question
 * embedded by the pattern's embedding model) and its prompt template filled with the chunks that fit the model's
 * context window less the pattern's max_new_tokens.
 */
@Injectable()
export class RagPromptsService {
  constructor(
    private readonly experiments: RagExperimentsService,
    private readonly index: RagIndex,
    private readonly inference: RagInference,
  ) {}

  async build(req: documentsV1.BuildRagPromptRequest): Promise<documentsV1.BuildRagPromptResponse> {
    const question = req.question.trim();
    if (!question) throw PlatformError.invalid('question must not be empty.', 'question');
    if (question.length > MAX_QUESTION_CHARS)
      throw PlatformError.invalid(`question must be at most ${MAX_QUESTION_CHARS} characters.`, 'question');
    const row = await this.experiments.get({ projectId: req.projectId, spaceId: req.spaceId, id: req.experimentId });
    const wanted = req.patternName.replace(/\s+/g, '');
    const entry = (row.results as RagResultEntry[]).find((r) => r.context.rag_pattern.name.replace(/\s+/g, '') === wanted);
    if (!entry)
      throw PlatformError.notFound(
        `AutoAI RAG experiment ${row.id} has no evaluated pattern ${JSON.stringify(req.patternName)}.`,
        'rag_pattern_not_found',
      );
    const settings = entry.context.rag_pattern.settings;
    const record = row.indexes.find((r) => r.collection === settings.vector_store.index_name);
    if (!record)
      throw PlatformError.notFound(`The index of pattern ${JSON.stringify(req.patternName)} is no longer there.`, 'rag_pattern_not_found');
    const c = rowContainer(row);
    const [vector] = await this.inference.embed(settings.embeddings.model_id, c, [question]);
    const contexts = await this.index.retrieve(record, question, vector, {
      method: settings.retrieval.method === 'window' ? 'window' : 'simple',
      number_of_chunks: settings.retrieval.number_of_chunks,
      window_size: settings.retrieval.window_size,
    });
    const modelId = settings.generation.model_id;
    const parameters = settings.generation.parameters;
    const contextWindow = (await this.inference.contextWindow(modelId)) ?? 4096;
    const prompt = await buildRagPrompt({
      template: settings.generation.prompt_template_text,
      question,
      contexts,
      contextWindow,
      maxNewTokens: textGenParameters(parameters).maxNewTokens ?? 0,
      countTokens: (texts) => this.inference.countTokens(modelId, c, texts),
    });
    return {
      modelId,
      prompt: prompt.prompt,
      parametersJson: JSON.stringify(parameters),
      chunks: prompt.contexts.map((x) => ({ documentId: x.document_id, sequenceNumber: x.sequence_number, text: x.text, score: x.score })),
    };
  }
}
