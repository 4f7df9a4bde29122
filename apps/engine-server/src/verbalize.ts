import { type ServedModel, verbalizePrompt } from '@platform/engine';

/**
 * A text-completion prompt as a tuned model is served it: through the verbalizer of its tuning_config.json
 * (`{{input}}` replaced by the prompt, cut as training cut it), unchanged for other models. Chat requests go through
 * the chat template instead, and token-id prompts are taken as given.
 */
export function verbalizeTextPrompt(model: ServedModel, text: string): string {
  return model.verbalizer ? verbalizePrompt(model.verbalizer, text) : text;
}
