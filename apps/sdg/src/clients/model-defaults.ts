import { PlatformError, downstreamError, servedDefaultModel, unary } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';

export interface ModelChoice {
  teacherModel: string;
  judgeModel: string;
}

/**
 * Teacher and judge of a job: the ones asked for (which must be in the catalog), else PLATFORM_SDG_TEACHER_MODEL /
 * PLATFORM_SDG_JUDGE_MODEL, else the catalog's first generating model; the judge defaults to the teacher.
 */
export class ModelDefaults {
  constructor(
    private readonly inference: inferenceV1.InferenceServiceClient,
    private readonly env: { teacher?: string; judge?: string } = {},
  ) {}

  async choose(asked: { teacherModel?: string; judgeModel?: string }): Promise<ModelChoice> {
    const teacherAsked = asked.teacherModel?.trim() || undefined;
    const judgeAsked = asked.judgeModel?.trim() || undefined;
    const needCatalog = teacherAsked !== undefined || judgeAsked !== undefined || !this.env.teacher;
    const catalog = needCatalog ? await this.catalog() : [];
    const ids = new Set(catalog.map((m) => m.modelId));
    for (const [field, id] of [
      ['teacher_model', teacherAsked],
      ['judge_model', judgeAsked],
    ] as const) {
      if (id !== undefined && !ids.has(id)) throw PlatformError.invalid(`Model "${id}" is not in the model catalog.`, field);
    }
    const fallback = this.env.teacher || servedDefaultModel(catalog);
    const teacherModel = teacherAsked ?? fallback;
    if (!teacherModel)
      throw PlatformError.invalid(
        'No teacher model is available: the model catalog is empty and PLATFORM_SDG_TEACHER_MODEL is not set.',
        'teacher_model',
      );
    return { teacherModel, judgeModel: judgeAsked ?? (this.env.judge || teacherModel) };
  }

  private async catalog(): Promise<inferenceV1.ModelInfo[]> {
    try {
      return (await unary(this.inference.listModels({}))).models;
    } catch (err) {
      throw downstreamError('inference', err, 'listing the served models');
    }
  }
}
