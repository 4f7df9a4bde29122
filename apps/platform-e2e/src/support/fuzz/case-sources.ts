import fc from 'fast-check';
import type { FuzzFixtures } from './fuzz-fixtures';
import type { OpenApiDocument } from '../openapi/json-schema';
import type { Operation } from '../openapi/operations';
import type { CaseSources } from './request-cases';
import { SchemaArbitraries } from './schema-arbitraries';

/**
 * Upper bounds on what a valid case may ask the model for (tokens, generations, fan-out), so the suite stays within
 * its time on 2 cores. Schema-invalid cases still cross the declared bounds.
 */
export const COST_CAPS: Record<string, number> = {
  max_new_tokens: 16,
  max_tokens: 16,
  num_generations: 2,
  prompts: 2,
  content_batch: 2,
  batch_dialogs: 2,
  prompt_generations: 2,
  k_generations: 2,
  inputs: 4,
};

/**
 * Where the fuzz uses real values. Deliberately never real: `taxonomy_id` in data bodies (a valid request would start
 * an SDG job per case) and data or model job ids (none exist: making one means running SDG or training).
 */
export function caseSources(doc: OpenApiDocument, f: FuzzFixtures): CaseSources {
  const schemas = new SchemaArbitraries(doc, {
    costCaps: COST_CAPS,
    hints: {
      project_id: fc.constant(f.project),
      space_id: fc.constant(f.space),
      model_id: fc.constant(f.model),
      model: fc.constantFrom(f.model, 'llama3_8b', 'llama3_8b_chat', 'llama3_405b_reward'),
      teacher_model: fc.constant(f.model),
      judge_model: fc.constant(f.model),
      taxonomy_path_cos: fc.constant(f.taxonomyArchive),
      git_id: fc.constant(f.secret),
      user_name: fc.constant(f.member),
      location: fc.uuid({ version: 4 }).map((id) => ({ path: `data/${id}` })),
    },
  });
  return {
    schemas,
    pathValues: (op: Operation, param: string) => {
      if (param === 'project_id') return [f.project];
      if (param === 'userName') return [f.member];
      if (param === 'model_id') return [f.model];
      if (param !== 'id') return [];
      if (op.path.startsWith('/v2/projects/')) return [f.project];
      if (op.path.startsWith('/v2/spaces/')) return [f.space];
      if (op.path.includes('/taxonomies/')) return [f.taxonomy];
      if (op.path.startsWith('/api/v2/secrets/')) return [f.secret];
      if (op.path.startsWith('/v2/api_keys/')) return [f.apiKey];
      return [];
    },
    queryValues: {
      project_id: [f.project],
      space_id: [f.space],
      version: ['2024-05-31'],
      user_names: [f.member],
      include: ['members'],
      hard_delete: ['true', 'false'],
      filters: ['function_text_generation'],
      total_count: ['true'],
      type: ['ilab'],
    },
    headerValues: { 'openai-project': [f.project], 'x-project-id': [f.project] },
    bodies: {
      // RFC 6902 operations beyond the declared ones (move, /storage, the root), which must be refused with a 400.
      'PATCH /v2/spaces/{id}': fc.array(
        fc.record({
          op: fc.constantFrom('replace', 'add', 'remove', 'move'),
          path: fc.constantFrom('/name', '/description', '/tags', '/storage', ''),
          value: fc.oneof(
            fc.string({ maxLength: 12 }),
            fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
            fc.jsonValue({ maxDepth: 1 }),
          ),
        }),
        { maxLength: 3 },
      ),
    },
  };
}
