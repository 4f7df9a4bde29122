import type { LlamaConfig } from '../contract';
import { SOFT_PROMPT } from '../tuned-model-files';
import type { ForwardBackwardOptions } from './forward-backward';
import { EMBED, type ProjName } from './llama-params';
import { createLoraAdapters, loraGrads, mergeLora, type LoraAdapter } from './lora';
import type { TrainableParam } from './optimizer';
import { cloneTensor, createRng, sharedFloat32, zerosLike, type ParamMap, type Tensor } from './tensor';

export type TrainingMode = 'full' | 'lora' | 'prompt_tuning';

export { SOFT_PROMPT };

/**
 * How one fine-tuning mode plugs into the shared forward/backward: which tensors the optimizer updates, what the
 * forward pass sees, and what a checkpoint contains. The trainer loop is the same for all three modes.
 */
export interface ModeSetup {
  readonly trainables: TrainableParam[];
  /** Weights and gradient sinks for forwardBackward. */
  passOptions(): { params: ParamMap; options: ForwardBackwardOptions };
  /** Turns the gradient sinks into gradients of the trainables (LoRA's chain rule); no-op otherwise. */
  finishBackward(): void;
  /** Keeps derived forward weights in sync after an optimizer step (LoRA's merge). */
  afterStep(): void;
  /** Weights for model.safetensors: a plain Llama checkpoint in every mode. */
  modelWeights(): ParamMap;
  /** The soft prompt when prompt tuning, saved as its own file. */
  softPrompt(): Tensor | undefined;
}

export interface ModeOptions {
  loraRank: number;
  loraAlpha: number;
  loraMlp: boolean;
  numVirtualTokens: number;
  seed: number;
  /** Resume prompt tuning from a saved soft prompt. */
  initialSoftPrompt?: Tensor;
  /** Attention projections LoRA adapts (default all four). */
  loraTargets?: readonly ProjName[];
  /** Prompt tuning's `init_method: text`: start from these tokens' embeddings, repeated or cut to the virtual token count. */
  initTokenIds?: readonly number[];
}

const noDecay = (name: string, t: Tensor): boolean => t.shape.length > 1 && name !== SOFT_PROMPT;

function fullSetup(params: ParamMap): ModeSetup {
  const trainables: TrainableParam[] = [...params].map(([name, value]) => ({
    name,
    value,
    grad: zerosLike(value),
    decay: noDecay(name, value),
  }));
  const grads: ParamMap = new Map(trainables.map((t) => [t.name, t.grad]));
  return {
    trainables,
    passOptions: () => ({ params, options: { grads } }),
    finishBackward: () => undefined,
    afterStep: () => undefined,
    modelWeights: () => params,
    softPrompt: () => undefined,
  };
}

function loraSetup(config: LlamaConfig, base: ParamMap, o: ModeOptions): ModeSetup {
  const adapters: LoraAdapter[] = createLoraAdapters(config, base, {
    rank: o.loraRank,
    alpha: o.loraAlpha,
    mlp: o.loraMlp,
    targets: o.loraTargets,
    seed: o.seed,
  });
  // The forward sees merged weights; untouched tensors are shared with the frozen base.
  const merged: ParamMap = new Map(base);
  for (const ad of adapters) merged.set(ad.target, cloneTensor(base.get(ad.target)!));
  const remerge = (): void => adapters.forEach((ad) => mergeLora(base.get(ad.target)!, ad, merged.get(ad.target)!));
  remerge();
  const sinks: ParamMap = new Map(adapters.map((ad) => [ad.target, zerosLike(merged.get(ad.target)!)]));
  const trainables: TrainableParam[] = [];
  for (const ad of adapters) {
    trainables.push({ name: `${ad.target}.lora_A`, value: ad.a, grad: zerosLike(ad.a), decay: true });
    trainables.push({ name: `${ad.target}.lora_B`, value: ad.b, grad: zerosLike(ad.b), decay: true });
  }
  return {
    trainables,
    passOptions: () => ({ params: merged, options: { grads: sinks } }),
    finishBackward: () => {
      adapters.forEach((ad, i) => {
        const sink = sinks.get(ad.target)!.data;
        loraGrads(ad, sink, trainables[2 * i].grad.data, trainables[2 * i + 1].grad.data);
        sink.fill(0);
      });
    },
    afterStep: remerge,
    modelWeights: () => merged,
    softPrompt: () => undefined,
  };
}

/**
 * Soft prompt initialised from the embeddings of real tokens, so it starts at a sensible scale: those of an init
 * text (PEFT's PromptTuningInit.TEXT: the text's tokens repeated until there are enough, then cut), or random ones.
 */
function promptTuningSetup(config: LlamaConfig, base: ParamMap, o: ModeOptions): ModeSetup {
  const H = config.hidden_size;
  let value: Tensor;
  if (o.initialSoftPrompt) {
    value = cloneTensor(o.initialSoftPrompt);
  } else {
    value = { shape: [o.numVirtualTokens, H], data: sharedFloat32(o.numVirtualTokens * H) };
    const emb = base.get(EMBED)!.data;
    const rng = createRng(o.seed);
    const init = o.initTokenIds;
    if (init && init.length === 0) throw new Error('prompt tuning init text has no tokens');
    for (let i = 0; i < o.numVirtualTokens; i++) {
      const id = init ? init[i % init.length] : Math.floor(rng() * config.vocab_size);
      if (!(id >= 0 && id < config.vocab_size)) throw new Error(`init token id ${id} outside the vocabulary`);
      value.data.set(emb.subarray(id * H, (id + 1) * H), i * H);
    }
  }
  const trainable: TrainableParam = { name: SOFT_PROMPT, value, grad: zerosLike(value), decay: false };
  return {
    trainables: [trainable],
    passOptions: () => ({ params: base, options: { softPrompt: value.data, softPromptGrad: trainable.grad.data } }),
    finishBackward: () => undefined,
    afterStep: () => undefined,
    modelWeights: () => base,
    softPrompt: () => value,
  };
}

export function createModeSetup(mode: TrainingMode, config: LlamaConfig, params: ParamMap, o: ModeOptions): ModeSetup {
  switch (mode) {
    case 'full':
      return fullSetup(params);
    case 'lora':
      return loraSetup(config, params, o);
    case 'prompt_tuning':
      return promptTuningSetup(config, params, o);
  }
}
