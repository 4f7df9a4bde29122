import type { Command } from 'commander';
import type { ReceivedModel } from '../received';
import { clientFor, formatOf, outputOption, type CliContext } from '../context';
import { renderJson } from '../output';
import { collectionPath } from '../routes';
import { modelDetails, modelTable } from '../views/model-view';
import { addChatVerb } from './chat-session';
import { addServeVerb } from './deployment-commands';
import { addCancelVerb, addDeleteVerb, addListVerb, addWatchableGetVerb, type ResourceSpec } from './resource-verbs';

const spec: ResourceSpec<ReceivedModel> = {
  collection: 'models',
  noun: 'model',
  listKey: 'models',
  table: modelTable,
  details: modelDetails,
};

export function registerModelCommands(program: Command, ctx: CliContext): void {
  const model = program.command('model').description('Multiphase training and evaluation of a model on generated data');

  model
    .command('train')
    .description('Start training a model on completed synthetic data')
    .requiredOption('--name <name>', 'model name (1-32 characters: letters, digits, single - or _ between them)')
    .requiredOption('--data-id <id>', 'the completed data to train on')
    .addOption(outputOption())
    .action(async (opts: { name: string; dataId: string }, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      const body = await client.post<ReceivedModel>(collectionPath('models', client.projectId), { name: opts.name, data_id: opts.dataId });
      ctx.io.out(formatOf(cmd) === 'json' ? renderJson(body) : modelDetails(body));
    });

  addListVerb(model, ctx, spec);
  addWatchableGetVerb(model, ctx, spec);
  addCancelVerb(model, ctx, spec);
  addDeleteVerb(model, ctx, spec);
  addServeVerb(model, ctx);
  addChatVerb(model, ctx);
}
