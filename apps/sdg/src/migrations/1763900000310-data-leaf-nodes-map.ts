import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `tokens.data_leaf_nodes` means what the InstructLab API says (seed 000): leaf-node path → tokens of its data. Rows
 * written before held a count there and the map under `data_leaf_node_tokens`; the map moves to its name.
 */
export class SdgDataLeafNodes1763900000310 implements MigrationInterface {
  name = 'SdgDataLeafNodes1763900000310';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE sdg.data_jobs
         SET tokens = (tokens - 'data_leaf_node_tokens')
                      || jsonb_build_object('data_leaf_nodes', COALESCE(tokens -> 'data_leaf_node_tokens', '{}'::jsonb))
       WHERE tokens IS NOT NULL AND jsonb_typeof(tokens -> 'data_leaf_nodes') IS DISTINCT FROM 'object'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE sdg.data_jobs
         SET tokens = tokens || jsonb_build_object(
               'data_leaf_node_tokens', tokens -> 'data_leaf_nodes',
               'data_leaf_nodes', (SELECT count(*) FROM jsonb_object_keys(tokens -> 'data_leaf_nodes')))
       WHERE tokens IS NOT NULL AND jsonb_typeof(tokens -> 'data_leaf_nodes') = 'object'`);
  }
}
