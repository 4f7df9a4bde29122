import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { BlockDefinition, PipelineDefinition } from './definition';
import { PIPELINE_SCHEMA } from './definition-schema';

export class PipelineDefinitionError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid pipeline ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile<PipelineDefinition>(PIPELINE_SCHEMA);

function describe(e: ErrorObject, value: unknown): string {
  const path = e.instancePath || '/';
  // Name the block, not only its index, so the message points at the right place in a long file.
  const m = /^\/blocks\/(\d+)/.exec(path);
  const blocks = (value as { blocks?: { name?: unknown }[] } | null)?.blocks;
  const name = m && Array.isArray(blocks) ? blocks[Number(m[1])]?.name : undefined;
  const where = typeof name === 'string' ? `${path} (block ${name})` : path;
  const extra =
    e.keyword === 'additionalProperties'
      ? ` "${String((e.params as { additionalProperty: string }).additionalProperty)}"`
      : e.keyword === 'enum'
        ? ` ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`
        : '';
  return `${where}: ${e.message ?? e.keyword}${extra}`;
}

/** Checks a schema cannot express: one parser kind, parsers that fill exactly the output columns, unique names. */
function semanticProblems(def: PipelineDefinition): string[] {
  const problems: string[] = [];
  const [major] = def.version.split('.').map(Number);
  if (major !== 1) problems.push(`/version: major version ${major} is not supported (this engine reads 1.x)`);
  const seen = new Set<string>();
  def.blocks.forEach((b: BlockDefinition, i) => {
    const at = `/blocks/${i} (block ${b.name})`;
    if (seen.has(b.name)) problems.push(`${at}: duplicate block name`);
    seen.add(b.name);
    if (b.type !== 'LLMBlock') return;
    const { tags, regex, flags } = b.config.parser;
    if (!!tags === !!regex) problems.push(`${at}/config/parser: give exactly one of "tags" or "regex"`);
    if (tags && tags.length !== b.config.output_cols.length)
      problems.push(`${at}/config/parser/tags: ${tags.length} tag pairs for ${b.config.output_cols.length} output columns`);
    if (regex) {
      try {
        const groups = new RegExp(`${regex}|`, flags).exec('')!.length - 1;
        if (groups !== b.config.output_cols.length)
          problems.push(`${at}/config/parser/regex: ${groups} capture groups for ${b.config.output_cols.length} output columns`);
      } catch (e) {
        problems.push(`${at}/config/parser/regex: ${(e as Error).message}`);
      }
    }
  });
  return problems;
}

/** Parses and validates one pipeline file's text; every problem is reported, with its path in the file. */
export function parsePipelineDefinition(text: string, file: string): PipelineDefinition {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length)
    throw new PipelineDefinitionError(
      file,
      doc.errors.map((e) => e.message),
    );
  const value: unknown = doc.toJS();
  if (!validate(value)) {
    const problems = (validate.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => describe(e, value));
    throw new PipelineDefinitionError(file, Array.from(new Set(problems)));
  }
  const problems = semanticProblems(value);
  if (problems.length) throw new PipelineDefinitionError(file, problems);
  return value;
}

export function loadPipelineDefinition(path: string): PipelineDefinition {
  return parsePipelineDefinition(readFileSync(path, 'utf8'), path);
}
