import { Command } from 'commander';
import { registerDataCommands } from './commands/data-commands';
import { registerDeploymentCommands } from './commands/deployment-commands';
import { registerModelCommands } from './commands/model-commands';
import { registerTaxonomyCommands } from './commands/taxonomy-commands';
import type { CliContext } from './context';

/** `ilab`: the verbs of IBM Cloud's `ibmcloud ilab` plug-in, against this platform's gateway. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('ilab')
    .description('InstructLab on the platform: taxonomies → synthetic data → trained models → deployments')
    .option('--url <url>', 'gateway URL (env ILAB_URL, default http://127.0.0.1:8080)')
    .option('--api-key <key>', 'API key, exchanged for a token at /icp4d-api/v1/authorize (env ILAB_API_KEY)')
    .option('--username <name>', 'user owning the API key (env ILAB_USERNAME, default admin)')
    .option('--token <token>', 'bearer token instead of an API key (env ILAB_TOKEN)')
    .option('--project-id <id>', 'project (env ILAB_PROJECT_ID; default: your default project)')
    // Set before the subcommands are added, which inherit them: errors become exceptions that run() maps to exit codes.
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) })
    .showHelpAfterError('(run with --help for usage)');
  registerTaxonomyCommands(program, ctx);
  registerDataCommands(program, ctx);
  registerModelCommands(program, ctx);
  registerDeploymentCommands(program, ctx);
  return program;
}
