import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * JSON-schema validators for the Llama Stack draft's components. The repository keeps its own copy of the draft,
 * so the suite never depends on ../shared; the shared seed is only a fallback for a checkout without the copy.
 */
const COPY = resolve(__dirname, 'llama-stack-draft-openapi.json');
const SHARED = resolve(__dirname, '../../../../../shared/seeds/llama-stack-draft-openapi.json');
const DOCUMENT_ID = 'llama-stack-draft';

export type DraftSchema =
  | 'CompletionRequest'
  | 'CompletionResponse'
  | 'CompletionResponseStreamChunk'
  | 'ChatCompletionRequest'
  | 'ChatCompletionResponse'
  | 'ChatCompletionResponseStreamChunk'
  | 'BatchCompletionRequest'
  | 'BatchChatCompletionRequest'
  | 'PostTrainingSFTRequest'
  | 'PostTrainingRLHFRequest'
  | 'PostTrainingJobStatusResponse'
  | 'PostTrainingJobLogStream'
  | 'PostTrainingJobArtifactsResponse'
  | 'CreateDatasetRequest'
  | 'Dataset'
  | 'MemoryBank'
  | 'MemoryBankDocument'
  | 'AgenticSystemCreateRequest'
  | 'AgenticSystemCreateResponse'
  | 'AgenticSystemExecuteRequest'
  | 'AgenticSystemExecuteResponse'
  | 'AgenticSystemExecuteResponseStreamChunk'
  | 'AgenticSystemTurn';

/**
 * The draft's PostTrainingSFTRequest.algorithm_config is oneOf LoraFinetuningConfig, QLoraFinetuningConfig and
 * DoraFinetuningConfig, three identical schemas: every valid config matches all three, so no request satisfies the
 * oneOf as written. It is read as anyOf (the draft's evident intent); everything else is validated as written.
 */
function readIdenticalAlternativesAsAnyOf(schemas: Record<string, unknown>): void {
  const sft = schemas.PostTrainingSFTRequest as { properties?: Record<string, { oneOf?: unknown[]; anyOf?: unknown[] }> } | undefined;
  const config = sft?.properties?.algorithm_config;
  if (!config?.oneOf) return;
  const nameOf = (ref: unknown) => String((ref as { $ref?: string }).$ref).replace('#/components/schemas/', '');
  const bodies = config.oneOf.map((ref) => JSON.stringify(schemas[nameOf(ref)]));
  if (bodies.every((b) => b === bodies[0])) {
    config.anyOf = config.oneOf;
    delete config.oneOf;
  }
}

/**
 * A tool's `tool_name` is oneOf the built-in names (a string enum) and any string: a built-in name matches both, so
 * no request naming `math` or `code_interpreter` satisfies the oneOf as written. Such a oneOf is read as anyOf.
 */
export function readBuiltinToolNamesAsAnyOf(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(readBuiltinToolNamesAsAnyOf);
  if (typeof node !== 'object' || node === null) return;
  const schema = node as { oneOf?: { type?: string; enum?: unknown[] }[]; anyOf?: unknown[] };
  const alternatives = schema.oneOf;
  if (
    alternatives?.length === 2 &&
    alternatives.every((a) => a.type === 'string') &&
    alternatives.some((a) => Array.isArray(a.enum)) &&
    alternatives.some((a) => Object.keys(a).length === 1)
  ) {
    schema.anyOf = alternatives;
    delete schema.oneOf;
  }
  Object.values(node).forEach(readBuiltinToolNamesAsAnyOf);
}

export class DraftValidator {
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<DraftSchema, ValidateFunction>();

  constructor() {
    const file = existsSync(COPY) ? COPY : SHARED;
    const spec = JSON.parse(readFileSync(file, 'utf8')) as { components: { schemas: Record<string, unknown> } };
    readIdenticalAlternativesAsAnyOf(spec.components.schemas);
    readBuiltinToolNamesAsAnyOf(spec.components.schemas);
    // strict: false only because the OpenAPI document's top level (components) is not a schema keyword.
    this.ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: spec.components });
  }

  /** The errors of `value` against a component schema; empty when it is valid. */
  errors(schema: DraftSchema, value: unknown): string[] {
    let validate = this.cache.get(schema);
    if (!validate) {
      validate = this.ajv.getSchema(`${DOCUMENT_ID}#/components/schemas/${schema}`);
      if (!validate) throw new Error(`the draft has no schema ${schema}`);
      this.cache.set(schema, validate);
    }
    return validate(value)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }
}
