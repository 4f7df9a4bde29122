import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError, decodeErrorDetails, type ErrorTarget } from '@platform/common';

/**
 * The training service names its own fields in a 400 (`base_model`, `settings.lora_rank`, `content_url`); a Llama
 * Stack caller sent the draft's. `rename` maps the service's field name to the request's (undefined: keep it).
 * `statuses`: the gRPC codes whose targets are renamed (a 404 may name a field too); `message` rewrites the texts
 * where they name the service's fields.
 */
export function renameTargets(
  err: unknown,
  rename: (field: string) => string | undefined,
  opts: { statuses?: readonly GrpcStatus[]; message?: (text: string) => string } = {},
): unknown {
  const code = (err as { code?: number }).code;
  if (!(opts.statuses ?? [GrpcStatus.INVALID_ARGUMENT]).includes(code as GrpcStatus)) return err;
  const details = decodeErrorDetails((err as { details?: string }).details);
  if (!details) return err;
  const map = (t: ErrorTarget | undefined): ErrorTarget | undefined =>
    t && t.type === 'field' ? { type: 'field', name: rename(t.name) ?? t.name } : t;
  const text = opts.message ?? ((m: string) => m);
  const issues = (details.issues ?? []).map((i) => ({ ...i, message: text(i.message), target: map(i.target) }));
  return new PlatformError(code as GrpcStatus, details.code, text(details.message), map(details.target), issues);
}

/** Dataset fields of the training service → the draft's (`prefix` is where the Dataset object sits in the request). */
export function datasetField(name: string, prefix: string): string | undefined {
  const [head, ...rest] = name.split('.');
  const tail = rest.length ? `.${rest.join('.')}` : '';
  if (head === 'content_url' || head === 'columns') return `${prefix}.${head}${tail}`;
  if (head === 'metadata' || head === 'metadata_json') return `${prefix}.metadata${tail}`;
  return undefined;
}

/** Tuning settings of the training service → the post-training request's fields. */
const SETTINGS: Record<string, string> = {
  num_epochs: 'training_config.n_epochs',
  batch_size: 'training_config.batch_size',
  learning_rate: 'optimizer_config.lr',
  weight_decay: 'optimizer_config.weight_decay',
  lora_rank: 'algorithm_config.rank',
  lora_alpha: 'algorithm_config.alpha',
  lora_target_modules: 'algorithm_config.lora_attn_modules',
  lora_mlp: 'algorithm_config.apply_lora_to_mlp',
  dpo_beta: 'algorithm_config.reward_scale',
  method: 'algorithm',
};

/** CreateTuning's fields → the post-training request's. */
export function postTrainingField(name: string): string | undefined {
  const bare = name.replace(/^settings\./, '');
  if (SETTINGS[bare]) return SETTINGS[bare];
  if (name === 'base_model') return 'model';
  if (name === 'start_model_prefix') return 'finetuned_model';
  if (name === 'dataset_id') return 'dataset';
  if (name === 'validation_dataset_id') return 'validation_dataset';
  return undefined;
}
