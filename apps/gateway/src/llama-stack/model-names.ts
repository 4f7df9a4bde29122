/**
 * The draft names models itself (`llama3_8b_chat`, …); the operator may say which catalog model each one is with
 * PLATFORM_LLAMA_STACK_MODELS = {"<draft name>": "<catalog model id>"} (LlamaStackModels sends unmapped draft names to
 * the served default model). Any other name passes through as a catalog id, so the inference service answers 404 for
 * unknown ones.
 */
export type ModelNames = ReadonlyMap<string, string>;

export function parseModelNames(raw: string | undefined): ModelNames {
  if (!raw?.trim()) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('must be JSON: {"<draft model name>": "<catalog model id>"}.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('must be a JSON object.');
  const entries = Object.entries(parsed);
  for (const [name, id] of entries) if (typeof id !== 'string' || !id) throw new Error(`["${name}"] must be a non-empty catalog model id.`);
  return new Map(entries as [string, string][]);
}
