import { PlatformError, downstreamError, unary } from '@platform/common';
import type { evaluationV1, sdgV1 } from '@platform/contracts';
import type { ModelDefaults } from '../clients/model-defaults';
import { derivedSeed } from '../pipelines/engine/row';
import type { Teacher } from '../teacher/teacher-client';
import { DEFAULT_FILTER_PARAMS, FILTERING_FUNCTIONS, applyFilter, type FilteringFunction } from './filtering';

const DEFAULT_GENERATIONS = 4;
const MAX_GENERATIONS = 16;
const MAX_PROMPTS = 64;
const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

function check(req: sdgV1.GenerateSyntheticDataRequest): FilteringFunction {
  const fn = (req.filteringFunction || 'none') as FilteringFunction;
  if (!FILTERING_FUNCTIONS.includes(fn))
    throw PlatformError.invalid(`filtering_function must be one of ${FILTERING_FUNCTIONS.join(', ')}.`, 'filtering_function');
  if (req.prompts.length === 0) throw PlatformError.invalid('prompts must hold at least one message.', 'prompts');
  if (req.prompts.length > MAX_PROMPTS) throw PlatformError.invalid(`prompts holds at most ${MAX_PROMPTS} messages.`, 'prompts');
  req.prompts.forEach((p, i) => {
    if (!ROLES.has(p.role))
      throw PlatformError.invalid(`prompts[${i}].role must be system, user, assistant or tool.`, `prompts[${i}].role`);
    if (!p.content.trim()) throw PlatformError.invalid(`prompts[${i}].content must not be empty.`, `prompts[${i}].content`);
  });
  if (req.numGenerations < 0 || req.numGenerations > MAX_GENERATIONS)
    throw PlatformError.invalid(`num_generations must be between 1 and ${MAX_GENERATIONS}.`, 'num_generations');
  if (req.topK !== undefined && req.topK < 1) throw PlatformError.invalid('top_k must be at least 1.', 'top_k');
  if (req.topP !== undefined && !(req.topP > 0 && req.topP <= 1)) throw PlatformError.invalid('top_p must be in (0, 1].', 'top_p');
  if (req.sigmoidThreshold !== undefined && !(req.sigmoidThreshold >= 0 && req.sigmoidThreshold <= 1))
    throw PlatformError.invalid('sigmoid_threshold must be in [0, 1].', 'sigmoid_threshold');
  return fn;
}

/**
 * The Llama Stack draft's synthetic data generation: every prompt is answered k times by the teacher (one chat
 * call with n = k), every answer is scored by the judge through the evaluation service's ScoreRewards, and the
 * filtering function keeps the best (or a random, or all) of each prompt's answers.
 */
export class SyntheticDataService {
  constructor(
    /** The teacher speaking for the request's project. */
    private readonly teacherFor: (projectId: string) => Teacher,
    private readonly evaluation: evaluationV1.EvaluationServiceClient,
    private readonly models: ModelDefaults,
  ) {}

  async generate(
    req: sdgV1.GenerateSyntheticDataRequest,
    signal: AbortSignal = new AbortController().signal,
  ): Promise<sdgV1.GenerateSyntheticDataResponse> {
    const fn = check(req);
    const { teacherModel, judgeModel } = await this.models.choose({ teacherModel: req.teacherModel, judgeModel: req.judgeModel });
    const k = req.numGenerations || DEFAULT_GENERATIONS;
    const seed = req.seed ?? 0;
    const teacher = this.teacherFor(req.projectId);
    const generations = await Promise.all(
      req.prompts.map(async (prompt, i) => {
        try {
          return await teacher.chat(
            {
              model: teacherModel,
              messages: [{ role: prompt.role, content: prompt.content }],
              n: k,
              maxTokens: req.maxTokens ?? 512,
              temperature: req.temperature ?? 0.8,
              seed: derivedSeed(seed, 'llama-stack-sdg', i),
            },
            signal,
          );
        } catch (err) {
          if (err instanceof PlatformError || signal.aborted) throw err;
          throw downstreamError('inference', err, 'generating with the teacher model');
        }
      }),
    );
    let scored: evaluationV1.ScoreRewardsResponse;
    try {
      scored = await unary(
        this.evaluation.scoreRewards({
          projectId: req.projectId,
          model: judgeModel,
          promptGenerations: req.prompts.map((p, i) => ({
            dialog: [{ role: p.role, content: p.content }],
            generations: generations[i].map((content) => ({ role: 'assistant', content })),
          })),
        }),
        signal,
      );
    } catch (err) {
      if (signal.aborted) throw err;
      throw downstreamError('evaluation', err, 'scoring with the judge model');
    }
    const params = {
      topK: req.topK ?? DEFAULT_FILTER_PARAMS.topK,
      topP: req.topP ?? DEFAULT_FILTER_PARAMS.topP,
      sigmoidThreshold: req.sigmoidThreshold ?? DEFAULT_FILTER_PARAMS.sigmoidThreshold,
    };
    let kept = 0;
    const syntheticData = req.prompts.map((prompt, i) => {
      const scores = scored.scored[i]?.scores ?? [];
      if (scores.length !== generations[i].length)
        throw downstreamError(
          'evaluation',
          new Error(`ScoreRewards returned ${scores.length} scores for ${generations[i].length} generations of prompt ${i}`),
          'scoring with the judge model',
        );
      const filtered = applyFilter(
        fn,
        generations[i].map((content, j) => ({ item: content, score: scores[j] })),
        { ...params, seed: derivedSeed(seed, 'llama-stack-filter', i) },
      );
      kept += filtered.length;
      return {
        prompt: { role: prompt.role, content: prompt.content },
        kScoredGenerations: filtered.map((g) => ({ message: { role: 'assistant', content: g.item }, score: g.score })),
      };
    });
    return { syntheticData, generated: generations.reduce((n, g) => n + g.length, 0), kept, teacherModel, judgeModel };
  }
}
