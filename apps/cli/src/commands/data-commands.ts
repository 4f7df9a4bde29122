import type { Command } from 'commander';
import type { ReceivedData } from '../received';
import { clientFor, formatOf, outputOption, type CliContext } from '../context';
import { renderJson } from '../output';
import { collectionPath } from '../routes';
import { dataDetails, dataTable } from '../views/data-view';
import { addCancelVerb, addDeleteVerb, addListVerb, addWatchableGetVerb, type ResourceSpec } from './resource-verbs';

const spec: ResourceSpec<ReceivedData> = { collection: 'data', noun: 'data', listKey: 'data', table: dataTable, details: dataDetails };

export function registerDataCommands(program: Command, ctx: CliContext): void {
  const data = program.command('data').description('Synthetic data generation from a taxonomy');

  data
    .command('create')
    .description('Start generating synthetic data from a taxonomy')
    .requiredOption('--name <name>', 'data name (1-32 characters: letters, digits, single - or _ between them)')
    .requiredOption('--taxonomy-id <id>', 'the taxonomy to generate from')
    .addOption(outputOption())
    .action(async (opts: { name: string; taxonomyId: string }, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      const body = await client.post<ReceivedData>(collectionPath('data', client.projectId), {
        name: opts.name,
        taxonomy_id: opts.taxonomyId,
      });
      ctx.io.out(formatOf(cmd) === 'json' ? renderJson(body) : dataDetails(body));
    });

  addListVerb(data, ctx, spec);
  addWatchableGetVerb(data, ctx, spec);
  addCancelVerb(data, ctx, spec);
  addDeleteVerb(data, ctx, spec);
}
