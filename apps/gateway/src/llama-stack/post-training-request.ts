import { PlatformError, storageKey } from '@platform/common';
import type { trainingV1 } from '@platform/contracts';
import type {
  LoraConfigDto,
  OptimizerConfigDto,
  PostTrainingRlhfRequestDto,
  PostTrainingSftRequestDto,
  TrainingConfigDto,
} from './post-training.dto';

/** The attention projections the engine's LoRA adapts; torchtune (the draft's reference) calls o_proj output_proj. */
const ATTN_MODULES: Record<string, string> = {
  q_proj: 'q_proj',
  k_proj: 'k_proj',
  v_proj: 'v_proj',
  o_proj: 'o_proj',
  output_proj: 'o_proj',
};

const EMPTY_SETTINGS: trainingV1.TuningSettingsRequest = {
  method: '',
  objective: '',
  verbalizer: '',
  responseTemplate: '',
  initMethod: '',
  initText: '',
  loraTargetModules: [],
  taskId: '',
};

function common(
  optimizer: OptimizerConfigDto | undefined,
  training: TrainingConfigDto | undefined,
): Partial<trainingV1.TuningSettingsRequest> {
  // adam and adamw both run the engine's AdamW (decoupled weight decay); plain SGD it does not have.
  if (optimizer?.optimizer_type === 'sgd')
    throw PlatformError.invalid(
      'optimizer_config.optimizer_type sgd is not supported: the engine trains with AdamW (adam or adamw).',
      'optimizer_config.optimizer_type',
    );
  return {
    learningRate: optimizer?.lr,
    weightDecay: optimizer?.weight_decay,
    numEpochs: training?.n_epochs,
    batchSize: training?.batch_size,
  };
}

function lora(config: LoraConfigDto | undefined): Partial<trainingV1.TuningSettingsRequest> {
  if (config?.apply_lora_to_output)
    throw PlatformError.invalid(
      'algorithm_config.apply_lora_to_output must be false: the engine adapts the attention projections and the MLP only.',
      'algorithm_config.apply_lora_to_output',
    );
  const modules = config?.lora_attn_modules;
  if (modules !== undefined) {
    if (modules.length === 0)
      throw PlatformError.invalid(
        'algorithm_config.lora_attn_modules must name at least one projection.',
        'algorithm_config.lora_attn_modules',
      );
    const unknown = modules.find((m) => !ATTN_MODULES[m]);
    if (unknown)
      throw PlatformError.invalid(
        `algorithm_config.lora_attn_modules: ${JSON.stringify(unknown)} is not one of ${Object.keys(ATTN_MODULES).join(', ')}.`,
        'algorithm_config.lora_attn_modules',
      );
  }
  return {
    loraRank: config?.rank,
    loraAlpha: config?.alpha,
    loraMlp: config?.apply_lora_to_mlp,
    loraTargetModules: modules ? [...new Set(modules.map((m) => ATTN_MODULES[m]))] : [],
  };
}

/** PostTrainingSFTRequest → the tuning's settings: full or LoRA supervised fine tuning; QLoRA and DoRA are refused. */
export function sftSettings(body: PostTrainingSftRequestDto): trainingV1.TuningSettingsRequest {
  if (body.algorithm === 'qlora' || body.algorithm === 'dora')
    throw PlatformError.invalid(
      `algorithm ${body.algorithm} is not supported: the engine trains full and lora (it has no ${body.algorithm === 'qlora' ? 'quantized base weights' : 'weight-decomposed adapters'}).`,
      'algorithm',
    );
  const settings = { ...EMPTY_SETTINGS, method: body.algorithm, objective: 'sft', ...common(body.optimizer_config, body.training_config) };
  if (body.algorithm === 'lora') return { ...settings, ...lora(body.algorithm_config) };
  if (body.algorithm_config !== undefined)
    throw PlatformError.invalid('algorithm_config is for algorithm lora; full fine tuning takes none.', 'algorithm_config');
  return settings;
}

/** PostTrainingRLHFRequest (dpo) → the tuning's settings: all weights trained, beta = reward_scale. */
export function dpoSettings(body: PostTrainingRlhfRequestDto): trainingV1.TuningSettingsRequest {
  return {
    ...EMPTY_SETTINGS,
    method: 'full',
    objective: 'dpo',
    ...common(body.optimizer_config, body.training_config),
    dpoBeta: body.algorithm_config.reward_scale,
  };
}

/** What a DPO job starts from. */
export type StartModel = { kind: 'storage'; prefix: string; jobUuid?: string } | { kind: 'model'; name: string };

const ASSET_FILES = '/v2/asset_files/';
const MODELS = '/models/';
/** `post_training/<job_uuid>/…`: the checkpoints an earlier post-training job copied into project storage. */
const POST_TRAINING_DIR = /^post_training\/([^/]+)\//;

/**
 * `finetuned_model` of a DPO request: a directory of the project's storage as the platform links it
 * (`…/v2/asset_files/<dir>[?project_id=<the project>]`, e.g. an SFT job's checkpoint path), or `…/models/<model>` (a
 * catalog id or a draft name). Only the path is read: the gateway may be reached under several host names.
 */
export function startModelOf(url: string, projectId: string): StartModel {
  const field = 'finetuned_model';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw PlatformError.invalid(`${field} is not a URL.`, field);
  }
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    throw PlatformError.invalid(`${field} has a path that does not percent-decode.`, field);
  }
  const at = path.indexOf(ASSET_FILES);
  if (at >= 0) {
    const other = parsed.searchParams.get('project_id');
    if (other !== null && other !== projectId)
      throw PlatformError.invalid(`${field} names the storage of project ${other}; post-training reads only project ${projectId}.`, field);
    if (parsed.searchParams.get('space_id') !== null)
      throw PlatformError.invalid(`${field} must name project storage, not a space's.`, field);
    const dir = path.slice(at + ASSET_FILES.length);
    const prefix = storageKey({ projectId }, dir.endsWith('/') ? dir : `${dir}/`, field);
    return { kind: 'storage', prefix, jobUuid: POST_TRAINING_DIR.exec(dir)?.[1] };
  }
  const m = path.indexOf(MODELS);
  if (m >= 0 && path.length > m + MODELS.length) return { kind: 'model', name: path.slice(m + MODELS.length).replace(/\/+$/, '') };
  throw PlatformError.invalid(
    `${field} must be <gateway>/v2/asset_files/<directory>?project_id=<project> (a model directory of the project, e.g. a checkpoint path of /post_training/job/artifacts) or <gateway>/models/<model>.`,
    field,
  );
}
