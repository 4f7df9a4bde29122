import { createHash } from 'node:crypto';
import * as lancedb from '@lancedb/lancedb';
import { Field, FixedSizeList, Float32, Int32, Schema, Utf8 } from 'apache-arrow';
import type { VectorIndexSettings } from './vector-index-settings';

/** One chunk's vector, keyed as its text is in the keyword index. */
export interface VectorRow {
  collection: string;
  documentId: string;
  generation: string;
  chunkIndex: number;
  vector: ArrayLike<number>;
}

export interface VectorHit {
  collection: string;
  documentId: string;
  generation: string;
  chunkIndex: number;
  /** Cosine distance, 0 (same direction) to 2. */
  distance: number;
}

/** Rows added in one LanceDB write: large documents go in several, each a fragment of bounded size. */
const WRITE_BATCH = 4096;
const SAFE_TABLE_NAME = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * Chunk vectors in LanceDB, one table per project, so a search of one project never reads another's rows. Tables are
 * made on the first write with that write's dimension; a search on a project with no table finds nothing. Searches are
 * exact (a flat cosine scan with the collection filter applied first), which measured fast enough at 100 k chunks
 * (see tools/bench/retrieval).
 */
export class VectorIndex {
  private readonly tables = new Map<string, Promise<lancedb.Table>>();
  /** A table's vector width never changes (tables are never altered), so it is read once. */
  private readonly dimensions = new Map<string, number>();

  private constructor(private readonly db: lancedb.Connection) {}

  static async connect(settings: VectorIndexSettings): Promise<VectorIndex> {
    return new VectorIndex(
      await lancedb.connect(settings.uri, {
        storageOptions: settings.storageOptions,
        readConsistencyInterval: settings.readConsistencySeconds,
      }),
    );
  }

  close(): void {
    this.tables.clear();
    this.db.close();
  }

  /** Adds rows to the project's table (made on first use); throws when their dimension is not the table's. */
  async add(projectId: string, rows: readonly VectorRow[]): Promise<void> {
    if (rows.length === 0) return;
    const dimension = rows[0].vector.length;
    if (dimension < 1) throw new Error('a vector needs at least one dimension');
    for (const row of rows)
      if (row.vector.length !== dimension) throw new Error(`vectors of one write differ in dimension (${dimension}, ${row.vector.length})`);
    const table = await this.writableTable(projectId, dimension);
    const tableDimension = await this.dimension(table);
    if (tableDimension !== dimension)
      throw new Error(
        `the vector index of this project holds ${tableDimension}-dimensional vectors, not ${dimension}: was the embedding model changed?`,
      );
    for (let i = 0; i < rows.length; i += WRITE_BATCH) {
      await table.add(
        rows.slice(i, i + WRITE_BATCH).map((r) => ({
          collection: r.collection,
          document_id: r.documentId,
          generation: r.generation,
          chunk_index: r.chunkIndex,
          vector: Array.from(r.vector),
        })),
      );
    }
  }

  /** The `limit` nearest chunks of these collections of the project, nearest first. */
  async search(projectId: string, collections: readonly string[], vector: ArrayLike<number>, limit: number): Promise<VectorHit[]> {
    const table = await this.existingTable(projectId);
    if (!table || collections.length === 0) return [];
    const dimension = await this.dimension(table);
    if (vector.length !== dimension) throw new Error(`the query vector has ${vector.length} dimensions, the index ${dimension}`);
    const rows = (await table
      .vectorSearch(Array.from(vector))
      .distanceType('cosine')
      .where(`collection IN (${collections.map(sqlString).join(', ')})`)
      .select(['collection', 'document_id', 'generation', 'chunk_index', '_distance'])
      .limit(limit)
      .toArray()) as { collection: string; document_id: string; generation: string; chunk_index: number; _distance: number }[];
    return rows.map((r) => ({
      collection: r.collection,
      documentId: r.document_id,
      generation: r.generation,
      chunkIndex: r.chunk_index,
      distance: r._distance,
    }));
  }

  /** Deletes every row of these generations. */
  async deleteGenerations(projectId: string, generations: readonly string[]): Promise<void> {
    const table = await this.existingTable(projectId);
    if (!table || generations.length === 0) return;
    await table.delete(`generation IN (${generations.map(sqlString).join(', ')})`);
  }

  /** Deletes every row of a collection, whatever its generation. */
  async deleteCollection(projectId: string, collection: string): Promise<void> {
    const table = await this.existingTable(projectId);
    if (table) await table.delete(`collection = ${sqlString(collection)}`);
  }

  /** Rows of the project's table (stale and unswitched generations included); 0 without a table. */
  async countRows(projectId: string): Promise<number> {
    const table = await this.existingTable(projectId);
    return table ? table.countRows() : 0;
  }

  /**
   * Merges the small fragments that many small writes leave and drops deleted rows and old versions. Searches slow
   * down as fragments accumulate, so the owner calls this now and then (RetrievalIndex does after every few writes).
   */
  async optimize(projectId: string): Promise<void> {
    const table = await this.existingTable(projectId);
    if (table) await table.optimize({ cleanupOlderThan: new Date(Date.now() - 60_000) });
  }

  private async dimension(table: lancedb.Table): Promise<number> {
    let dimension = this.dimensions.get(table.name);
    if (dimension === undefined) {
      dimension = await vectorDimension(table);
      this.dimensions.set(table.name, dimension);
    }
    return dimension;
  }

  private writableTable(projectId: string, dimension: number): Promise<lancedb.Table> {
    const name = tableName(projectId);
    let table = this.tables.get(name);
    if (!table) {
      table = this.db.createEmptyTable(name, chunkSchema(dimension), { mode: 'create', existOk: true });
      this.tables.set(name, table);
      table.catch(() => this.tables.delete(name));
    }
    return table;
  }

  private async existingTable(projectId: string): Promise<lancedb.Table | undefined> {
    const name = tableName(projectId);
    const known = this.tables.get(name);
    if (known) return known;
    try {
      const table = await this.db.openTable(name);
      this.tables.set(name, Promise.resolve(table));
      return table;
    } catch (err) {
      if (/not found|does not exist/i.test(String((err as Error).message))) return undefined;
      throw err;
    }
  }
}

function chunkSchema(dimension: number): Schema {
  return new Schema([
    new Field('collection', new Utf8(), false),
    new Field('document_id', new Utf8(), false),
    new Field('generation', new Utf8(), false),
    new Field('chunk_index', new Int32(), false),
    new Field('vector', new FixedSizeList(dimension, new Field('item', new Float32(), true)), false),
  ]);
}

async function vectorDimension(table: lancedb.Table): Promise<number> {
  // Duck-typed: the schema may come from another copy of apache-arrow than the one imported here.
  const type = (await table.schema()).fields.find((f) => f.name === 'vector')?.type as { listSize?: unknown } | undefined;
  if (typeof type?.listSize !== 'number') throw new Error(`table ${table.name} has no fixed-size vector column`);
  return type.listSize;
}

/** A project's table: its id when that is a safe name (UUIDs are), else a digest of it. */
export function tableName(projectId: string): string {
  if (!projectId) throw new Error('a project id is required');
  return SAFE_TABLE_NAME.test(projectId)
    ? `project_${projectId}`
    : `project_sha256_${createHash('sha256').update(projectId).digest('hex')}`;
}

/** A SQL string literal for LanceDB's filters (DataFusion): quotes doubled. */
function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
