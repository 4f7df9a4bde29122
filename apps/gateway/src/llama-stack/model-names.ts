/**
 * The draft names models itself (`llama3_8b_chat`, `Meta-Llama3.1-8B-Instruct`, …); the operator says which
 * catalog model each one is with PLATFORM_LLAMA_STACK_MODELS = {"<draft name>": "<catalog model id>"}.
 * Any other name passes through as a catalog id, so the inference service answers 404 for unknown ones.
 */
export type ModelNames = ReadonlyMap<string, string>;

export function parseModelNames(raw: string | undefined): ModelNames {
  if (!raw?.trim()) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('PLATFORM_LLAMA_STACK_MODELS must be JSON: {"<draft model name>": "<catalog model id>"}.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('PLATFORM_LLAMA_STACK_MODELS must be a JSON object.');
  const entries = Object.entries(parsed);
  for (const [name, id] of entries)
    if (typeof id !== 'string' || !id) throw new Error(`PLATFORM_LLAMA_STACK_MODELS["${name}"] must be a non-empty catalog model id.`);
  return new Map(entries as [string, string][]);
}

export function resolveModel(names: ModelNames, model: string): string {
  return names.get(model) ?? model;
}
