import type { Command } from 'commander';
import type { ReceivedTaxonomy } from '../received';
import { resolveS3Config, type S3Flags } from '../config';
import { clientFor, formatOf, outputOption, type CliContext } from '../context';
import { renderJson } from '../output';
import { collectionPath } from '../routes';
import { assertReadableFile, defaultTaxonomyPath, uploadFile } from '../upload';
import { taxonomyDetails, taxonomyTable } from '../views/taxonomy-view';
import { addDeleteVerb, addGetVerb, addListVerb, type ResourceSpec } from './resource-verbs';

const spec: ResourceSpec<ReceivedTaxonomy> = {
  collection: 'taxonomies',
  noun: 'taxonomy',
  listKey: 'taxonomies',
  table: taxonomyTable,
  details: taxonomyDetails,
};

interface CreateFlags extends S3Flags {
  name: string;
  file: string;
  cosPath?: string;
}

export function registerTaxonomyCommands(program: Command, ctx: CliContext): void {
  const taxonomy = program.command('taxonomy').description('InstructLab taxonomies: qna.yaml trees uploaded as .tar.gz');

  taxonomy
    .command('create')
    .description('Upload a taxonomy tarball to the bucket, then create the taxonomy from it')
    .requiredOption('--name <name>', 'taxonomy name (1-32 characters: letters, digits, single - or _ between them)')
    .requiredOption('--file <path>', 'the taxonomy .tar.gz to upload')
    .option('--cos-path <key>', 'object key to upload to (default taxonomies/taxonomy-<time>.tar.gz)')
    .option('--s3-endpoint <url>', 'S3 endpoint (env ILAB_S3_ENDPOINT, default http://127.0.0.1:9000)')
    .option('--bucket <name>', 'bucket (env ILAB_S3_BUCKET, default instructlab)')
    .option('--s3-access-key <key>', 'S3 access key (env ILAB_S3_ACCESS_KEY)')
    .option('--s3-secret-key <key>', 'S3 secret key (env ILAB_S3_SECRET_KEY)')
    .option('--s3-region <region>', 'S3 region (env ILAB_S3_REGION, default us-east-1)')
    .addOption(outputOption())
    .action(async (opts: CreateFlags, cmd: Command) => {
      // The file and the credentials are checked before anything is uploaded.
      const client = clientFor(cmd, ctx);
      await assertReadableFile(opts.file);
      await client.authenticate();
      const s3 = resolveS3Config(opts, ctx.io.env);
      const key = opts.cosPath ?? defaultTaxonomyPath();
      await uploadFile(s3, opts.file, key);
      const table = formatOf(cmd) === 'table';
      if (table) ctx.io.err(`Uploaded ${opts.file} to s3://${s3.bucket}/${key}\n`);
      const body = await client.post<ReceivedTaxonomy>(collectionPath('taxonomies', client.projectId), {
        name: opts.name,
        taxonomy_path_cos: key,
        // Tells the service which bucket was written, so a mismatch is refused by name instead of "not found".
        cos_bucket_information: { bucket: s3.bucket, endpoint: s3.endpoint },
      });
      ctx.io.out(table ? taxonomyDetails(body) : renderJson(body));
    });

  addListVerb(taxonomy, ctx, spec);
  addGetVerb(taxonomy, ctx, spec);
  addDeleteVerb(taxonomy, ctx, spec);
}
