import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from '../context';
import { clientFor, formatOf, outputOption } from '../context';
import type { WatchedJob } from '../job-progress';
import { renderJson } from '../output';
import { collectionPath, itemPath, type Collection } from '../routes';
import { watchJob } from '../watch';

export interface ResourceSpec<T extends { id: string }> {
  collection: Collection;
  /** As the user calls it: taxonomy, data, model. */
  noun: string;
  /** The list's array property in the API's answer: taxonomies, data, models. */
  listKey: string;
  table(items: T[]): string;
  details(item: T): string;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) throw new InvalidArgumentError('Give a number of seconds between 0 and 3600.');
  return n;
}

export function addListVerb<T extends { id: string }>(parent: Command, ctx: CliContext, spec: ResourceSpec<T>): void {
  parent
    .command('list')
    .description(`List the ${spec.listKey} of the project`)
    .addOption(outputOption())
    .action(async (_opts: unknown, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      const path = collectionPath(spec.collection, client.projectId);
      const first = await client.get<Record<string, unknown>>(path);
      const items = itemsOf<T>(first, spec.listKey);
      // Every page, following next.start: the list is the project's whole list, however long.
      for (let start = nextStart(first); start;) {
        const page = await client.get<Record<string, unknown>>(`${path}?start=${encodeURIComponent(start)}`);
        items.push(...itemsOf<T>(page, spec.listKey));
        start = nextStart(page);
      }
      // A list of one page prints exactly as the API answered it.
      const { next: _next, ...whole } = { ...first, [spec.listKey]: items };
      ctx.io.out(formatOf(cmd) === 'json' ? renderJson(whole) : spec.table(items));
    });
}

function itemsOf<T>(page: Record<string, unknown>, key: string): T[] {
  return Array.isArray(page[key]) ? [...(page[key] as T[])] : [];
}

function nextStart(page: Record<string, unknown>): string | undefined {
  const next = page.next as { start?: unknown } | undefined;
  return typeof next?.start === 'string' && next.start ? next.start : undefined;
}

export function addGetVerb<T extends { id: string }>(parent: Command, ctx: CliContext, spec: ResourceSpec<T>): void {
  parent
    .command('get')
    .description(`Show one ${spec.noun}`)
    .requiredOption('--id <id>', `${spec.noun} id`)
    .addOption(outputOption())
    .action(async (opts: { id: string }, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      const body = await client.get<T>(itemPath(spec.collection, opts.id, client.projectId));
      ctx.io.out(formatOf(cmd) === 'json' ? renderJson(body) : spec.details(body));
    });
}

/** `get --watch` for jobs: a progress bar until the job ends; the exit code is 0 only if it completed. */
export function addWatchableGetVerb<T extends { id: string } & WatchedJob>(parent: Command, ctx: CliContext, spec: ResourceSpec<T>): void {
  parent
    .command('get')
    .description(`Show one ${spec.noun} job`)
    .requiredOption('--id <id>', `${spec.noun} id`)
    .option('-w, --watch', 'follow the job with a progress bar until it completes, fails or is canceled')
    .option('--interval <seconds>', 'seconds between polls with --watch', seconds, 2)
    .addOption(outputOption())
    .action(async (opts: { id: string; watch?: boolean; interval: number }, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      const path = itemPath(spec.collection, opts.id, client.projectId);
      const body = opts.watch
        ? await watchJob({
            label: `${spec.noun} ${opts.id}`,
            intervalMs: opts.interval * 1000,
            io: ctx.io,
            fetch: () => client.get<T>(path),
          })
        : await client.get<T>(path);
      ctx.io.out(formatOf(cmd) === 'json' ? renderJson(body) : spec.details(body));
      if (opts.watch && body.status !== 'completed') {
        ctx.io.err(`${spec.noun} ${opts.id} ended ${body.status ?? 'without a status'}.\n`);
        ctx.exitCode = 1;
      }
    });
}

export function addDeleteVerb<T extends { id: string }>(parent: Command, ctx: CliContext, spec: ResourceSpec<T>): void {
  parent
    .command('delete')
    .description(`Delete a ${spec.noun}`)
    .requiredOption('--id <id>', `${spec.noun} id`)
    .addOption(outputOption())
    .action(async (opts: { id: string }, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      await client.delete(itemPath(spec.collection, opts.id, client.projectId));
      // The API answers 204 with no body, so JSON output has nothing to print.
      if (formatOf(cmd) === 'table') ctx.io.out(`Deleted ${spec.noun} ${opts.id}.\n`);
    });
}

export function addCancelVerb<T extends { id: string }>(parent: Command, ctx: CliContext, spec: ResourceSpec<T>): void {
  parent
    .command('cancel')
    .description(`Cancel a queued or running ${spec.noun} job`)
    .requiredOption('--id <id>', `${spec.noun} id`)
    .addOption(outputOption())
    .action(async (opts: { id: string }, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      const body = await client.post<unknown>(`${itemPath(spec.collection, opts.id, client.projectId)}/cancel`);
      // The seed's cancel answers 204; should a body come, JSON output shows it as sent.
      if (formatOf(cmd) === 'table') ctx.io.out(`Canceled ${spec.noun} ${opts.id}.\n`);
      else if (body !== undefined) ctx.io.out(renderJson(body));
    });
}
