import type { CheckpointStore } from '../contract';

/** CheckpointStore in memory (the service's own is PostgreSQL): first save of a (leaf, batch) wins. */
export class MemoryCheckpoints implements CheckpointStore {
  readonly saves: { leaf: string; batch: number; rows: number }[] = [];
  private readonly data = new Map<string, Map<number, unknown[]>>();

  async load(leafPath: string): Promise<Map<number, unknown[]>> {
    return new Map(this.data.get(leafPath) ?? []);
  }

  async save(leafPath: string, batchIndex: number, rows: unknown[]): Promise<void> {
    const leaf = this.data.get(leafPath) ?? new Map<number, unknown[]>();
    this.data.set(leafPath, leaf);
    this.saves.push({ leaf: leafPath, batch: batchIndex, rows: rows.length });
    if (!leaf.has(batchIndex)) leaf.set(batchIndex, JSON.parse(JSON.stringify(rows)) as unknown[]);
  }

  batches(): number {
    return [...this.data.values()].reduce((n, m) => n + m.size, 0);
  }
}
