import { createHash } from 'node:crypto';
import { ObjectTooLargeError, type ObjectStore } from '@platform/object-store';
import { bucketPathProblem, MAX_MODEL_ID_CHARS } from './bucket-path';
import { MAX_CONFIG_BYTES, readModelConfig } from './model-config';
import { MAX_SAFETENSORS_HEADER_BYTES, parameterCount, readSafetensorsHeader } from './safetensors-header';

/** A Hugging Face style directory in the bucket. */
export interface ModelDirectory {
  /** Its bucket prefix, ending with "/". */
  prefix: string;
  hasConfig: boolean;
  /** The `*.safetensors` files directly in it, in key order. */
  weightKeys: string[];
}

/** A model of the store with the specs read from its config.json and weight headers. */
export interface StoredModel {
  modelId: string;
  architecture: string;
  modelType: string;
  /** 0: the config names none. */
  maxSequenceLength: number;
  /** 0: not known (see `problem`). */
  parameterCount: number;
  /** Why a spec is missing (an unreadable config.json, no safetensors weights). */
  problem?: string;
}

/** Bounds on what one call reads, whatever the bucket holds. */
export interface ModelStoreLimits {
  /** Model directories one listing reports; the rest are left out (the scan stops there). */
  maxModels: number;
  /** Keys one listing or one directory look-up reads before it stops. */
  maxKeys: number;
  /** Weight files whose headers are read for one model; a model with more gets no parameter count. */
  maxWeightFiles: number;
  maxHeaderBytes: number;
  /** Parameter counts remembered across calls (a listing reads the headers of a model once). */
  cacheEntries: number;
}

export const MODEL_STORE_LIMITS: ModelStoreLimits = {
  maxModels: 1000,
  maxKeys: 100_000,
  maxWeightFiles: 1024,
  maxHeaderBytes: MAX_SAFETENSORS_HEADER_BYTES,
  cacheEntries: 1024,
};

/** Models whose specs are read at once while a page is described. */
const DESCRIBE_CONCURRENCY = 8;

const isWeightFile = (name: string) => name.endsWith('.safetensors') && !name.includes('/');

/**
 * The model store: custom foundation models as Hugging Face style directories under one bucket prefix
 * (`custom_models/<model_id>/config.json`, `*.safetensors`), as watsonx reads them from a storage volume. A model id
 * may hold "/" (`ibm-granite/granite-3b`); a directory is a model when it holds a config.json.
 */
export class ModelStore {
  /** Parameter counts by model directory, config.json digest and weight file names. */
  private readonly counts = new Map<string, number>();
  /** Bucket reads done (tests check the work a listing does). */
  reads = 0;

  constructor(
    private readonly store: ObjectStore,
    readonly prefix: string,
    private readonly limits: ModelStoreLimits = MODEL_STORE_LIMITS,
  ) {}

  /** The directory at `prefix` (ending with "/"): whether it holds a config.json, and its weight files. */
  async directory(prefix: string): Promise<ModelDirectory> {
    this.reads++;
    const hasConfig = await this.store.exists(`${prefix}config.json`);
    const weightKeys: string[] = [];
    let seen = 0;
    for await (const key of this.store.list(prefix)) {
      if (++seen > this.limits.maxKeys) break;
      if (isWeightFile(key.slice(prefix.length))) weightKeys.push(key);
    }
    return { prefix, hasConfig, weightKeys: weightKeys.sort() };
  }

  /** The store's model `modelId` (already validated), or null when its directory holds no config.json. */
  async find(modelId: string): Promise<ModelDirectory | null> {
    const dir = await this.directory(`${this.prefix}${modelId}/`);
    return dir.hasConfig ? dir : null;
  }

  /**
   * Every model directory under the prefix, by model id, from one bounded listing; `complete` is false when a bound
   * cut it short.
   */
  async scan(): Promise<{ models: Map<string, ModelDirectory>; complete: boolean }> {
    const models = new Map<string, ModelDirectory>();
    const weights = new Map<string, string[]>();
    let seen = 0;
    let complete = true;
    this.reads++;
    for await (const key of this.store.list(this.prefix)) {
      if (++seen > this.limits.maxKeys) {
        complete = false;
        break;
      }
      const rel = key.slice(this.prefix.length);
      const slash = rel.lastIndexOf('/');
      if (slash <= 0) continue;
      const id = rel.slice(0, slash);
      const name = rel.slice(slash + 1);
      if (isWeightFile(name)) {
        const list = weights.get(id);
        if (list) list.push(key);
        else weights.set(id, [key]);
      }
      if (name !== 'config.json' || models.has(id) || bucketPathProblem(id, MAX_MODEL_ID_CHARS)) continue;
      // Past the bound the scan goes on only for the weights of the models already found (a nested model's keys can
      // sort between another model's config.json and its weights).
      if (models.size === this.limits.maxModels) complete = false;
      else models.set(id, { prefix: `${this.prefix}${id}/`, hasConfig: true, weightKeys: [] });
    }
    for (const [id, dir] of models) dir.weightKeys = (weights.get(id) ?? []).sort();
    return { models, complete };
  }

  /** The specs of the models `ids` of `models`, in that order. */
  async describeAll(ids: readonly string[], models: ReadonlyMap<string, ModelDirectory>): Promise<StoredModel[]> {
    const out: StoredModel[] = [];
    for (let i = 0; i < ids.length; i += DESCRIBE_CONCURRENCY) {
      const batch = ids.slice(i, i + DESCRIBE_CONCURRENCY);
      out.push(...(await Promise.all(batch.map((id) => this.describe(id, models.get(id) as ModelDirectory)))));
    }
    return out;
  }

  /** Reads config.json and the weight headers of one model; a model that cannot be read says why in `problem`. */
  async describe(modelId: string, dir: ModelDirectory): Promise<StoredModel> {
    const model: StoredModel = { modelId, architecture: '', modelType: '', maxSequenceLength: 0, parameterCount: 0 };
    let configText: string;
    try {
      this.reads++;
      configText = (await this.store.getBuffer(`${dir.prefix}config.json`, MAX_CONFIG_BYTES)).toString('utf8');
      Object.assign(model, readModelConfig(configText));
    } catch (err) {
      const why = err instanceof ObjectTooLargeError ? `config.json is larger than ${MAX_CONFIG_BYTES} bytes` : (err as Error).message;
      return { ...model, problem: why };
    }
    if (dir.weightKeys.length === 0) return { ...model, problem: 'the directory holds no .safetensors weights' };
    if (dir.weightKeys.length > this.limits.maxWeightFiles)
      return { ...model, problem: `the model has more than ${this.limits.maxWeightFiles} weight files` };
    const cacheKey = [dir.prefix, createHash('sha256').update(configText).digest('hex'), ...dir.weightKeys].join('\n');
    const cached = this.counts.get(cacheKey);
    if (cached !== undefined) return { ...model, parameterCount: cached };
    try {
      let total = 0;
      for (const key of dir.weightKeys) {
        this.reads++;
        total += parameterCount((await readSafetensorsHeader(await this.store.get(key), this.limits.maxHeaderBytes)).values());
      }
      this.remember(cacheKey, total);
      return { ...model, parameterCount: total };
    } catch (err) {
      return { ...model, problem: `the weights' headers could not be read: ${(err as Error).message}` };
    }
  }

  private remember(key: string, count: number): void {
    if (this.counts.size >= this.limits.cacheEntries) this.counts.delete(this.counts.keys().next().value as string);
    this.counts.set(key, count);
  }
}
