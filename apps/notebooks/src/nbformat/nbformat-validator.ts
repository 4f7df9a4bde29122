import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import v40 from './nbformat.v4.0.schema.json';
import v41 from './nbformat.v4.1.schema.json';
import v42 from './nbformat.v4.2.schema.json';
import v43 from './nbformat.v4.3.schema.json';
import v44 from './nbformat.v4.4.schema.json';
import v45 from './nbformat.v4.5.schema.json';

/** What the service keeps from a valid notebook: its kernel as the seed's `entity.notebook.kernel`. */
export interface ValidNotebook {
  nbformatMinor: number;
  kernel: { display_name?: string; name?: string; language?: string } | null;
}

const SCHEMAS = [v40, v41, v42, v43, v44, v45];

/** The definition a `oneOf` of cells or outputs must match for an item of a declared type (as nbformat picks it). */
const CELL_DEFINITIONS: Record<string, string> = { code: 'code_cell', markdown: 'markdown_cell', raw: 'raw_cell' };
const OUTPUT_DEFINITIONS: Record<string, string> = {
  execute_result: 'execute_result',
  display_data: 'display_data',
  stream: 'stream',
  error: 'error',
};

/** One schema minor: the whole-notebook validator and, on demand, one per definition. */
class SchemaValidators {
  private readonly ajv = new Ajv({ allErrors: false, strict: false });
  private readonly key: string;
  private readonly definitions = new Map<string, ValidateFunction>();
  readonly notebook: ValidateFunction;

  constructor(raw: object, minor: number) {
    // The official schemas are draft-04; their keywords mean the same under Ajv's default draft, `$schema` aside.
    const { $schema: _draft, ...schema } = raw as Record<string, unknown>;
    this.key = `nbformat-4.${minor}`;
    this.ajv.addSchema(schema, this.key);
    this.notebook = this.ajv.getSchema(this.key) as ValidateFunction;
  }

  definition(name: string): ValidateFunction {
    let v = this.definitions.get(name);
    if (!v) this.definitions.set(name, (v = this.ajv.compile({ $ref: `${this.key}#/definitions/${name}` })));
    return v;
  }
}

let validators: SchemaValidators[] | undefined;
const compiled = (): SchemaValidators[] => (validators ??= SCHEMAS.map((s, minor) => new SchemaValidators(s, minor)));

/** Precompiles the schemas (at start-up, so the first create does not pay for it). */
export function warmNbformatValidators(): void {
  compiled();
}

const invalid = (message: string, field: string) =>
  new PlatformError(GrpcStatus.INVALID_ARGUMENT, 'invalid_notebook', message, { type: 'field', name: field });

/**
 * Parses `.ipynb` bytes and validates them against the nbformat 4 schema of their `nbformat_minor` (a newer minor
 * against the latest). Not UTF-8, not JSON, not nbformat 4, or not valid: INVALID_ARGUMENT `invalid_notebook` naming
 * the first problem and its JSON pointer, with `field` (the request field that carried the notebook) as target.
 */
export function validateNotebook(bytes: Uint8Array, field: string): ValidNotebook {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalid('The notebook is not UTF-8 text.', field);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw invalid(`The notebook is not JSON: ${(e as Error).message}`, field);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid('The notebook must be a JSON object.', field);
  const nb = doc as Record<string, unknown>;
  if (nb.nbformat !== 4) throw invalid(`The notebook is not nbformat 4: /nbformat is ${JSON.stringify(nb.nbformat) ?? 'missing'}.`, field);
  const minor =
    Number.isInteger(nb.nbformat_minor) && (nb.nbformat_minor as number) >= 0 ? (nb.nbformat_minor as number) : SCHEMAS.length - 1;
  const schemaMinor = Math.min(minor, SCHEMAS.length - 1);
  const schemas = compiled()[schemaMinor];
  const problem = firstProblem(schemas, schemas.notebook, doc, '', 'cells');
  if (problem) throw invalid(`The notebook is not valid nbformat 4.${schemaMinor}: ${describe(problem)}.`, field);
  return { nbformatMinor: minor, kernel: kernelOf(nb.metadata as Record<string, unknown>) };
}

/**
 * The first problem of `value`, its pointer made absolute with `base`. Ajv reports a failed `oneOf` of cells or
 * outputs with one error per branch, the first about the wrong kind of item: when the problem lies in an item that
 * declares its type (`cell_type`, `output_type`), the item is validated again against that type's definition alone.
 */
function firstProblem(
  schemas: SchemaValidators,
  validate: ValidateFunction,
  value: unknown,
  base: string,
  itemsKey: 'cells' | 'outputs' | undefined,
): ErrorObject | undefined {
  if (validate(value)) return undefined;
  const errors = validate.errors ?? [];
  const first = errors[0];
  const at = (e: ErrorObject | undefined) => e && { ...e, instancePath: base + e.instancePath };
  const item = itemsKey && first ? typedItem(first.instancePath, value, itemsKey) : undefined;
  if (item) {
    const inner = firstProblem(schemas, schemas.definition(item.definition), item.value, base + item.pointer, item.itemsKey);
    if (inner) return inner;
  }
  const unknownType = itemsKey && first ? untypedItem(first.instancePath, value, itemsKey) : undefined;
  if (unknownType) return at(unknownType);
  const chosen = errors.find((e) => e.keyword !== 'oneOf') ?? first;
  if (chosen?.keyword === 'type') {
    // `string | array` (sources, outputs' text) is a oneOf of two types: name both.
    const types = errors.filter((e) => e.keyword === 'type' && e.instancePath === chosen.instancePath).map((e) => String(e.params.type));
    return at({ ...chosen, message: `must be ${[...new Set(types)].join(' or ')}` });
  }
  return at(chosen);
}

/** An `enum` problem for a cell or output whose declared type is not one nbformat knows. */
function untypedItem(pointer: string, value: unknown, itemsKey: 'cells' | 'outputs'): ErrorObject | undefined {
  const [, key, index] = pointer.split('/');
  if (key !== itemsKey || index === undefined) return undefined;
  const items = (value as Record<string, unknown>)[key];
  const item = Array.isArray(items) ? (items[Number(index)] as unknown) : undefined;
  if (!item || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const typeKey = itemsKey === 'cells' ? 'cell_type' : 'output_type';
  const allowedValues = Object.keys(itemsKey === 'cells' ? CELL_DEFINITIONS : OUTPUT_DEFINITIONS);
  const instancePath = `/${key}/${index}`;
  const type = (item as Record<string, unknown>)[typeKey];
  if (type === undefined) return { instancePath, schemaPath: '', keyword: 'required', params: { missingProperty: typeKey } };
  return { instancePath: `${instancePath}/${typeKey}`, schemaPath: '', keyword: 'enum', params: { allowedValues } };
}

/** The cell (or a code cell's output) that a pointer enters first, when it declares a known type. */
function typedItem(
  pointer: string,
  value: unknown,
  itemsKey: 'cells' | 'outputs',
): { pointer: string; value: unknown; definition: string; itemsKey: 'outputs' | undefined } | undefined {
  const [, key, index] = pointer.split('/');
  if (key !== itemsKey || index === undefined) return undefined;
  const items = (value as Record<string, unknown>)[key];
  const item = Array.isArray(items) ? (items[Number(index)] as unknown) : undefined;
  if (!item || typeof item !== 'object') return undefined;
  const record = item as Record<string, unknown>;
  const type = itemsKey === 'cells' ? record.cell_type : record.output_type;
  const table = itemsKey === 'cells' ? CELL_DEFINITIONS : OUTPUT_DEFINITIONS;
  const definition = typeof type === 'string' && Object.hasOwn(table, type) ? table[type] : undefined;
  if (!definition) return undefined;
  return { pointer: `/${key}/${index}`, value: item, definition, itemsKey: definition === 'code_cell' ? 'outputs' : undefined };
}

function describe(error: ErrorObject | undefined): string {
  if (!error) return 'it does not match the schema';
  const where = error.instancePath || 'the notebook';
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return `${where} has the unknown property "${String(params.additionalProperty)}"`;
  if (error.keyword === 'required') return `${where} is missing the required property "${String(params.missingProperty)}"`;
  if (error.keyword === 'enum') return `${where} must be one of ${JSON.stringify(params.allowedValues)}`;
  return `${where} ${error.message ?? 'is not valid'}`;
}

function kernelOf(metadata: Record<string, unknown>): ValidNotebook['kernel'] {
  const spec = metadata.kernelspec as { name?: unknown; display_name?: unknown; language?: unknown } | undefined;
  const info = metadata.language_info as { name?: unknown } | undefined;
  if (!spec && !info) return null;
  const kernel: NonNullable<ValidNotebook['kernel']> = {};
  if (typeof spec?.display_name === 'string') kernel.display_name = spec.display_name;
  if (typeof spec?.name === 'string') kernel.name = spec.name;
  const language = typeof spec?.language === 'string' ? spec.language : info?.name;
  if (typeof language === 'string') kernel.language = language;
  return kernel;
}
