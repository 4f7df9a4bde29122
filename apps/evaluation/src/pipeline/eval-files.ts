import type { ObjectStore } from '@platform/object-store';

const jsonl = (rows: readonly unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');

/** Writes under `trained_models/<model_id>/eval/`, in the layout of InstructLab's evaluation output. */
export class EvalFiles {
  readonly prefix: string;
  readonly written: string[] = [];

  constructor(
    private readonly store: ObjectStore,
    modelId: string,
  ) {
    this.prefix = `trained_models/${modelId}/eval/`;
  }

  async json(name: string, value: unknown): Promise<void> {
    await this.put(name, `${JSON.stringify(value, null, 2)}\n`, 'application/json');
  }

  async jsonl(name: string, rows: readonly unknown[]): Promise<void> {
    await this.put(name, jsonl(rows), 'application/x-ndjson');
  }

  private async put(name: string, text: string, contentType: string): Promise<void> {
    await this.store.put(this.prefix + name, Buffer.from(text, 'utf8'), contentType);
    this.written.push(this.prefix + name);
  }
}
