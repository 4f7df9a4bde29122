/**
 * Prompts go to the completions API with the chat markup written here, as InstructLab does, so a block can
 * prefill the start of the answer (e.g. `[Question]\n`) and the teacher continues from it. Families follow
 * InstructLab's registry: granite/merlinite markers (also the starter model's template), mixtral, llama 3, blank.
 */
export type ModelFamily = 'granite' | 'mixtral' | 'llama3' | 'blank';

export const MODEL_FAMILIES: readonly ModelFamily[] = ['granite', 'mixtral', 'llama3', 'blank'];

export function guessFamily(modelId: string, configured?: string): ModelFamily {
  if (configured) {
    if (!(MODEL_FAMILIES as readonly string[]).includes(configured))
      throw new Error(`PLATFORM_SDG_MODEL_FAMILY must be one of ${MODEL_FAMILIES.join(', ')}, got "${configured}"`);
    return configured as ModelFamily;
  }
  const id = modelId.toLowerCase();
  if (/mixtral|mistral/.test(id)) return 'mixtral';
  if (/llama-?3|llama3/.test(id)) return 'llama3';
  return 'granite';
}

export function renderPrompt(family: ModelFamily, system: string, user: string, prefill = ''): string {
  switch (family) {
    case 'granite':
      return `${system ? `<|system|>\n${system}\n` : ''}<|user|>\n${user}\n<|assistant|>\n${prefill}`;
    case 'mixtral':
      return `<s>[INST] ${system ? `${system}\n\n` : ''}${user} [/INST] ${prefill}`;
    case 'llama3':
      return (
        '<|begin_of_text|>' +
        (system ? `<|start_header_id|>system<|end_header_id|>\n\n${system}<|eot_id|>` : '') +
        `<|start_header_id|>user<|end_header_id|>\n\n${user}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n${prefill}`
      );
    case 'blank':
      return `${system ? `${system}\n\n` : ''}${user}\n${prefill}`;
  }
}
