import {
  CombineColumnsBlock,
  DedupeBlock,
  DuplicateColumnsBlock,
  FlattenColumnsBlock,
  RenameColumnsBlock,
  SampleBlock,
  dedupe,
} from './blocks/column-blocks';
import type { Block, BlockContext } from './blocks/block';
import { FilterByValueBlock } from './blocks/filter-block';
import { LlmBlock } from './blocks/llm-block';
import type { BlockDefinition, PipelineDefinition } from './definition';
import type { Row } from './row';

export class PipelineBlockError extends Error {
  constructor(
    readonly block: string,
    cause: unknown,
  ) {
    super(`${block}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

function createBlock(def: BlockDefinition): Block {
  switch (def.type) {
    case 'LLMBlock':
      return new LlmBlock(def.name, def.config, def.stage);
    case 'FilterByValue':
      return new FilterByValueBlock(def.name, def.config);
    case 'Dedupe':
      return new DedupeBlock(def.name, def.config.columns);
    case 'DuplicateColumns':
      return new DuplicateColumnsBlock(def.name, def.config.columns_map);
    case 'RenameColumns':
      return new RenameColumnsBlock(def.name, def.config.columns_map);
    case 'FlattenColumns':
      return new FlattenColumnsBlock(def.name, def.config);
    case 'CombineColumns':
      return new CombineColumnsBlock(def.name, def.config);
    case 'Sample':
      return new SampleBlock(def.name, def.config.max_rows);
  }
}

/** A pipeline definition made runnable: its blocks in order, each followed by its drop_columns and drop_duplicates. */
export class Pipeline {
  private readonly steps: { block: Block; def: BlockDefinition }[];

  constructor(readonly definition: PipelineDefinition) {
    this.steps = definition.blocks.map((def) => ({ block: createBlock(def), def }));
  }

  get name(): string {
    return this.definition.name;
  }

  async run(input: Row[], ctx: BlockContext): Promise<Row[]> {
    let rows = input;
    for (const { block, def } of this.steps) {
      if (rows.length === 0) break;
      try {
        rows = await block.run(rows, ctx);
      } catch (e) {
        if (ctx.signal.aborted) throw e;
        throw new PipelineBlockError(`${def.type}/${def.name}`, e);
      }
      if (def.drop_columns?.length)
        rows = rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !def.drop_columns!.includes(k))));
      if (def.drop_duplicates?.length) rows = dedupe(rows, def.drop_duplicates);
    }
    return rows;
  }
}
