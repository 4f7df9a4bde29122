import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ApiClient } from '../api-client';
import { clientFor, formatOf, outputOption, type CliContext } from '../context';
import { renderJson, type Io } from '../output';
import type { ReceivedDeployment, ReceivedModel, ReceivedModelAsset } from '../received';
import { deploymentPath, deploymentsPath, itemPath, modelAssetPath, modelAssetsPath } from '../routes';
import { UsageError } from '../usage-error';
import { deploymentDetails, deploymentTable, failureText } from '../views/deployment-view';

/** The platform's own hardware spec: engine-server replicas on CPU (the embedded default has no GPU). */
export const DEFAULT_HARDWARE_SPEC = 'PLATFORM-CPU';
const SERVING_NAME = /^[a-z0-9_]{1,36}$/;

function seconds(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || n > max) throw new InvalidArgumentError(`Give a number of seconds between 0 and ${max}.`);
    return n;
  };
}

function servingName(value: string): string {
  if (!SERVING_NAME.test(value)) throw new InvalidArgumentError('A serving name is 1 to 36 characters of a-z, 0-9 and _.');
  return value;
}

/** The project the `/ml/v4` routes need: --project-id (ILAB_PROJECT_ID), else the caller's default project. */
export async function projectOf(client: ApiClient): Promise<string> {
  if (client.projectId) return client.projectId;
  const me = await client.get<{ default_project_id?: string | null }>('/v2/users/me');
  if (!me.default_project_id) throw new UsageError('You have no default project: pass --project-id (or set ILAB_PROJECT_ID).');
  return me.default_project_id;
}

export interface WaitOptions {
  client: ApiClient;
  io: Io;
  id: string;
  projectId: string;
  intervalMs: number;
  timeoutMs: number;
}

/**
 * Polls the deployment until it is `ready` or `failed`, writing a line to stderr whenever its state changes (so
 * `--output json` on stdout stays parseable), and returns the last GET. Running out of time is an error naming the
 * state it was still in.
 */
export async function waitForDeployment(o: WaitOptions): Promise<ReceivedDeployment> {
  const started = Date.now();
  let last = '';
  for (;;) {
    const d = await o.client.get<ReceivedDeployment>(deploymentPath(o.id, o.projectId));
    const state = d.entity?.status?.state ?? 'unknown';
    if (state !== last) o.io.err(`deployment ${o.id}  ${state}  ${Math.round((Date.now() - started) / 1000)}s\n`);
    last = state;
    if (state === 'ready' || state === 'failed') return d;
    if (Date.now() - started > o.timeoutMs)
      throw new Error(
        `deployment ${o.id} is still ${state} after ${Math.round(o.timeoutMs / 1000)} s (it keeps starting; see ilab deployment get).`,
      );
    await sleep(o.intervalMs);
  }
}

function printDeployment(ctx: CliContext, cmd: Command, d: ReceivedDeployment): void {
  ctx.io.out(formatOf(cmd) === 'json' ? renderJson(d) : deploymentDetails(d));
  if (d.entity?.status?.state === 'failed') {
    ctx.io.err(`deployment ${d.metadata.id} failed${failureText(d) ? `: ${failureText(d)}` : '.'}\n`);
    ctx.exitCode = 1;
  }
}

interface ServeOptions {
  modelId: string;
  servingName?: string;
  hardwareSpec: string;
  name?: string;
  wait: boolean;
  interval: number;
  timeout: number;
}

/** `ilab model serve`: a model asset from a completed model job, a deployment of it, and (by default) its readiness. */
export function addServeVerb(model: Command, ctx: CliContext): void {
  model
    .command('serve')
    .description('Deploy a completed model: create its model asset and an online deployment, wait until it is ready, print its URLs')
    .requiredOption('--model-id <id>', 'the completed model job (ilab model list)')
    .option('--serving-name <name>', 'a name to call the deployment by instead of its id (1-36 characters of a-z, 0-9, _)', servingName)
    .option('--hardware-spec <spec>', 'WX-S, WX-M, WX-L, WX-XL or the platform CPU spec', DEFAULT_HARDWARE_SPEC)
    .option('--name <name>', 'deployment name (default: the model name)')
    .option('--no-wait', 'return once the deployment is created, without waiting for it to be ready')
    .option('--interval <seconds>', 'seconds between polls while waiting', seconds(3600), 2)
    .option('--timeout <seconds>', 'give up waiting after this many seconds', seconds(86_400), 900)
    .addOption(outputOption())
    .action(async (opts: ServeOptions, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      const projectId = await projectOf(client);
      // The job first: an unknown or unfinished model is reported as the model API words it, before anything is created.
      const job = await client.get<ReceivedModel>(itemPath('models', opts.modelId, projectId));
      const name = opts.name ?? job.name ?? `model-${opts.modelId.slice(0, 8)}`;
      const asset = await client.post<ReceivedModelAsset>(modelAssetsPath(), {
        name,
        project_id: projectId,
        type: 'fine_tune_1.0',
        training_id: opts.modelId,
        description: `InstructLab model ${opts.modelId}`,
      });
      let created: ReceivedDeployment;
      try {
        created = await client.post<ReceivedDeployment>(deploymentsPath(projectId), {
          name,
          project_id: projectId,
          asset: { id: asset.metadata.id },
          online: opts.servingName ? { parameters: { serving_name: opts.servingName } } : {},
          hardware_spec: { id: opts.hardwareSpec },
        });
      } catch (err) {
        // No deployment (a taken serving name, a bad spec): the asset made for it goes too, so a retry starts clean.
        await client.delete(modelAssetPath(asset.metadata.id, projectId)).catch(() => undefined);
        throw err;
      }
      ctx.io.err(`Created model asset ${asset.metadata.id} and deployment ${created.metadata.id}.\n`);
      const d = opts.wait
        ? await waitForDeployment({
            client,
            io: ctx.io,
            id: created.metadata.id,
            projectId,
            intervalMs: opts.interval * 1000,
            timeoutMs: opts.timeout * 1000,
          })
        : created;
      printDeployment(ctx, cmd, d);
    });
}

interface ListOptions {
  servingName?: string;
  state?: string;
  name?: string;
  tag?: string;
}

export function registerDeploymentCommands(program: Command, ctx: CliContext): void {
  const deployment = program.command('deployment').description('Online deployments of models (/ml/v4/deployments)');

  deployment
    .command('list')
    .description('List the deployments of the project')
    .option('--serving-name <name>', 'only the deployment with this serving name')
    .addOption(new Option('--state <state>', 'only deployments in this state').choices(['initializing', 'updating', 'ready', 'failed']))
    .option('--name <name>', 'only deployments with this name')
    .option('--tag <value>', 'only deployments with this tag')
    .addOption(outputOption())
    .action(async (opts: ListOptions, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      const projectId = await projectOf(client);
      const filters = { serving_name: opts.servingName, state: opts.state, name: opts.name, 'tag.value': opts.tag };
      const first = await client.get<{ resources?: ReceivedDeployment[]; next?: { href?: string } }>(deploymentsPath(projectId, filters));
      const items = [...(first.resources ?? [])];
      // Every page, following the start token in next.href: the list is the project's whole list.
      for (let start = startOf(first.next?.href); start;) {
        const page = await client.get<typeof first>(deploymentsPath(projectId, { ...filters, start }));
        items.push(...(page.resources ?? []));
        start = startOf(page.next?.href);
      }
      const { next: _next, ...whole } = { ...first, resources: items };
      ctx.io.out(formatOf(cmd) === 'json' ? renderJson(whole) : deploymentTable(items));
    });

  deployment
    .command('get')
    .description('Show one deployment: state, failure, inference URLs')
    .requiredOption('--id <id>', 'deployment id')
    .option('-w, --watch', 'wait until the deployment is ready or failed, showing its state changes')
    .option('--interval <seconds>', 'seconds between polls with --watch', seconds(3600), 2)
    .option('--timeout <seconds>', 'give up waiting after this many seconds', seconds(86_400), 900)
    .addOption(outputOption())
    .action(async (opts: { id: string; watch?: boolean; interval: number; timeout: number }, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      const projectId = await projectOf(client);
      const d = opts.watch
        ? await waitForDeployment({
            client,
            io: ctx.io,
            id: opts.id,
            projectId,
            intervalMs: opts.interval * 1000,
            timeoutMs: opts.timeout * 1000,
          })
        : await client.get<ReceivedDeployment>(deploymentPath(opts.id, projectId));
      printDeployment(ctx, cmd, d);
    });

  deployment
    .command('delete')
    .description('Delete a deployment: its replicas are drained and stopped, its serving name is free at once')
    .requiredOption('--id <id>', 'deployment id')
    .addOption(outputOption())
    .action(async (opts: { id: string }, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      await client.delete(deploymentPath(opts.id, await projectOf(client)));
      if (formatOf(cmd) === 'table') ctx.io.out(`Deleted deployment ${opts.id}.\n`);
    });
}

function startOf(href: string | undefined): string | undefined {
  if (!href) return undefined;
  try {
    return new URL(href).searchParams.get('start') || undefined;
  } catch {
    return undefined;
  }
}
