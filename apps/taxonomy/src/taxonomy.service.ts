import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  COS_PATH,
  INSTRUCTLAB_NAME,
  NEWEST_FIRST,
  PlatformError,
  keysetPage,
  type Page,
  type PageRequest,
  currentTraceId,
  isUniqueViolation,
  requireContainerId,
  requireField,
  isIssuedId,
  requireInstructlabId,
  type Logger,
} from '@platform/common';
import { enqueueEvent, MAX_EVENT_LEAVES, OutboxRelay, taxonomyEvents } from '@platform/events';
import type { ObjectStore } from '@platform/object-store';
import type { DataSource } from 'typeorm';
import { fetchLeafDocuments, type FetchedDocument } from './documents';
import { archiveKeyProblem, readTaxonomyArchive } from './intake';

import { archiveErrorToPlatform } from './intake-errors';
import { TaxonomyLeafEntity, type StoredLeafDocument } from './leaf.entity';
import { SecretsService } from './secrets/secrets.service';
import { TaxonomyEntity } from './taxonomy.entity';
import { taxonomyRefusal } from './validation';
import { LeafReader, leafReadingRefusal, readingProblems, readingTokens } from './leaf-reading';
import { LOGGER, OBJECT_STORE } from '@platform/service';
import { DOCUMENT_POLICY, STORE_LOCATION, type DocumentPolicy, type StoreLocation } from './taxonomy.tokens';

export const TAXONOMY_SCHEMA = 'taxonomy';

/** Where `ibmcloud ilab taxonomy` style uploads land when the request names no path. */
const DEFAULT_PREFIX = 'taxonomies/taxonomy-';

export interface NewTaxonomy {
  projectId: string;
  name: string;
  taxonomyPathCos?: string;
  bucket?: string;
  endpoint?: string;
  secretsManager?: { url: string; gitId: string };
  createdBy: string;
}

@Injectable()
export class TaxonomyService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(STORE_LOCATION) private readonly location: StoreLocation,
    private readonly relay: OutboxRelay,
    private readonly secrets: SecretsService,
    @Inject(DOCUMENT_POLICY) private readonly documentPolicy: DocumentPolicy,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly leafReader: LeafReader,
  ) {}

  private get repo() {
    return this.db.getRepository(TaxonomyEntity);
  }

  /**
   * Reads the tarball and validates every leaf (InstructLab schemas and lint) before anything is written,
   * then stores the row and its `taxonomy.created` event in one transaction: a refused archive leaves no row
   * and no event behind.
   */
  async create(input: NewTaxonomy): Promise<TaxonomyEntity> {
    requireContainerId(input.projectId);
    requireField(INSTRUCTLAB_NAME, input.name, 'name');
    if (input.taxonomyPathCos) requireField(COS_PATH, input.taxonomyPathCos, 'taxonomy_path_cos');
    const foreign = input.taxonomyPathCos ? archiveKeyProblem(input.projectId, input.taxonomyPathCos) : undefined;
    if (foreign) throw PlatformError.invalid(`${foreign}.`, 'taxonomy_path_cos');
    if (input.bucket && input.bucket !== this.location.bucket) {
      throw PlatformError.invalid(`Only the platform's bucket "${this.location.bucket}" can be read.`, 'cos_bucket_information.bucket');
    }
    if (await this.repo.existsBy({ projectId: input.projectId, name: input.name })) throw this.duplicate(input.name);

    const path = input.taxonomyPathCos || (await this.newestUpload());
    if (!(await this.store.exists(path))) {
      throw PlatformError.invalid(`No taxonomy archive at "${path}" in bucket "${this.location.bucket}".`, 'taxonomy_path_cos');
    }
    const archive = await readTaxonomyArchive(await this.store.get(path)).catch(archiveErrorToPlatform);
    // Parsing and tokenizing happen in the leaf reader's process, within its time and memory limits: never here.
    const readings = await this.leafReader
      .read(
        input.createdBy,
        archive.leaves.map((leaf) => ({ path: leaf, data: archive.files.get(leaf) ?? Buffer.alloc(0) })),
      )
      .catch(leafReadingRefusal);
    // Every problem of every leaf in one refusal: contributors fix a taxonomy in one round, not one per error.
    // It runs first so an archive holding only misnamed leaves (qna.yml) is told to rename them.
    const problems = readingProblems(archive.files.keys(), readings);
    if (problems.length > 0) throw taxonomyRefusal(problems);
    if (archive.leaves.length === 0) {
      throw PlatformError.invalid('The archive holds no qna.yaml under knowledge/ or compositional_skills/.', 'taxonomy_path_cos');
    }
    const tokens = readingTokens(readings);
    const leaves = readings.map((r) => ({ path: r.path, qnaYaml: archive.files.get(r.path)?.toString('utf8') ?? '', kind: r.kind }));
    const credential = input.secretsManager?.gitId ? await this.secrets.gitCredential(input.projectId, input.secretsManager.gitId) : null;
    const sources = readings.flatMap((r) => (r.source ? [r.source] : []));
    const fetched = await fetchLeafDocuments(sources, { ...this.documentPolicy, credential });
    if (fetched.issues.length > 0) throw taxonomyRefusal(fetched.issues);
    const documentTokens = await this.leafReader
      .countTokens(
        input.createdBy,
        fetched.documents.map((doc) => ({ name: doc.leaf, text: doc.text })),
      )
      .catch(leafReadingRefusal);

    const id = randomUUID();
    const documentsPrefix = `taxonomies/${id}/documents/`;
    const storedDocuments = new Map<string, StoredLeafDocument[]>();
    try {
      for (const [i, doc] of fetched.documents.entries()) {
        storedDocuments.set(doc.leaf, [...(storedDocuments.get(doc.leaf) ?? []), await this.storeDocument(documentsPrefix, doc)]);
        const docTokens = documentTokens[i];
        tokens.perLeaf[doc.leaf] = (tokens.perLeaf[doc.leaf] ?? 0) + docTokens;
        tokens.dataTokensEstimated += docTokens;
      }
      const saved = await this.db.transaction(async (m) => {
        const row = await m.getRepository(TaxonomyEntity).save(
          m.getRepository(TaxonomyEntity).create({
            id,
            projectId: input.projectId,
            name: input.name,
            taxonomyPathCos: path,
            bucket: this.location.bucket,
            endpoint: input.endpoint || this.location.endpoint,
            secretsManagerUrl: input.secretsManager?.url ?? null,
            secretsManagerGitId: input.secretsManager?.gitId ?? null,
            dataTokensEstimated: tokens.dataTokensEstimated,
            leaves: tokens.perLeaf,
            createdBy: input.createdBy,
          }),
        );
        await m.getRepository(TaxonomyLeafEntity).insert(
          leaves.map(({ path, qnaYaml, kind }) => ({
            taxonomyId: row.id,
            path,
            kind,
            qnaYaml,
            documents: storedDocuments.get(path) ?? [],
          })),
        );
        await enqueueEvent(
          m,
          TAXONOMY_SCHEMA,
          taxonomyEvents.create(
            'taxonomy.created',
            {
              taxonomyId: row.id,
              projectId: row.projectId,
              name: row.name,
              taxonomyPathCos: row.taxonomyPathCos,
              bucket: row.bucket,
              leaves: archive.leaves.slice(0, MAX_EVENT_LEAVES),
              leafCount: archive.leaves.length,
              dataTokensEstimated: row.dataTokensEstimated,
            },
            { traceId: currentTraceId() },
          ),
        );
        return row;
      });
      this.relay.nudge();
      return saved;
    } catch (err) {
      // Nothing half-written: the documents of a taxonomy that was not stored go too.
      if (fetched.documents.length > 0) await this.removeDocuments(documentsPrefix);
      if (isUniqueViolation(err)) throw this.duplicate(input.name);
      throw err;
    }
  }

  async get(projectId: string, id: string): Promise<TaxonomyEntity> {
    requireContainerId(projectId);
    requireInstructlabId(id, 'taxonomy');
    const row = isIssuedId(id) ? await this.repo.findOneBy({ projectId, id }) : null;
    if (!row) throw PlatformError.notFound(`Taxonomy ${id} was not found in project ${projectId}.`, 'taxonomy_not_found');
    return row;
  }

  /** The taxonomy and its validated leaves (with their documents' object keys), ordered by path. */
  async content(projectId: string, id: string): Promise<{ taxonomy: TaxonomyEntity; leaves: TaxonomyLeafEntity[] }> {
    const taxonomy = await this.get(projectId, id);
    const leaves = await this.db.getRepository(TaxonomyLeafEntity).find({ where: { taxonomyId: taxonomy.id }, order: { path: 'ASC' } });
    return { taxonomy, leaves };
  }

  /** Newest first, one page at a time. */
  list(projectId: string, page: PageRequest): Promise<Page<TaxonomyEntity>> {
    requireContainerId(projectId);
    return keysetPage(this.repo.createQueryBuilder('t').where('t.project_id = :projectId', { projectId }), NEWEST_FIRST('t'), page);
  }

  async delete(projectId: string, id: string): Promise<void> {
    const row = await this.get(projectId, id);
    await this.db.transaction(async (m) => {
      const res = await m.getRepository(TaxonomyEntity).delete({ id: row.id, projectId });
      if (!res.affected) throw PlatformError.notFound(`Taxonomy ${id} was not found in project ${projectId}.`, 'taxonomy_not_found');
      await enqueueEvent(
        m,
        TAXONOMY_SCHEMA,
        taxonomyEvents.create('taxonomy.deleted', { taxonomyId: row.id, projectId }, { traceId: currentTraceId() }),
      );
    });
    this.relay.nudge();
    // The uploaded tarball is the user's and stays; the extracted documents were ours.
    await this.removeDocuments(`taxonomies/${row.id}/documents/`);
  }

  /** `taxonomies/<id>/documents/<leaf dir>/<source path>.md`, as the content contract says. */
  private async storeDocument(prefix: string, doc: FetchedDocument): Promise<StoredLeafDocument> {
    const objectKey = `${prefix}${dirname(doc.leaf)}/${doc.sourcePath}.md`;
    const body = Buffer.from(doc.text, 'utf8');
    await this.store.put(objectKey, body, 'text/markdown; charset=utf-8');
    return { sourcePath: doc.sourcePath, objectKey, sizeBytes: body.length };
  }

  private async removeDocuments(prefix: string): Promise<void> {
    await this.store
      .deletePrefix(prefix)
      .catch((err: unknown) => this.logger.warn({ err, prefix }, 'could not remove taxonomy documents; they are orphaned'));
  }

  private duplicate(name: string): PlatformError {
    return PlatformError.conflict(`A taxonomy named "${name}" already exists in this project.`, 'name');
  }

  /** Upload names carry their time, so the greatest key under the default prefix is the newest upload. */
  private async newestUpload(): Promise<string> {
    let newest: string | undefined;
    for await (const key of this.store.list(DEFAULT_PREFIX)) if (!newest || key > newest) newest = key;
    if (!newest) throw PlatformError.invalid(`taxonomy_path_cos is required: nothing found under ${DEFAULT_PREFIX}*.`, 'taxonomy_path_cos');
    return newest;
  }
}
