/** The pipeline file format (definitions/*.yaml): a versioned list of blocks, as InstructLab's pipeline YAML. */

export interface PromptConfig {
  system?: string;
  introduction?: string;
  principles?: string;
  examples?: string;
  generation: string;
}

export interface LlmBlockConfig {
  /** Which job model answers: the teacher (generation) or the judge (evaluation). */
  model: 'teacher' | 'judge';
  prompt: PromptConfig;
  /** Start of the answer, rendered against the row; the parser sees it in front of the generated text. */
  prefill?: string;
  output_cols: string[];
  parser: { tags?: { start: string; end: string }[]; regex?: string; flags?: string; clean?: string[] };
  gen?: { max_tokens?: number; temperature?: number; n?: number | 'scaled'; stop?: string[] };
  /** Adds a `num_samples` column for prompts that ask for N items. */
  num_samples?: number;
  /** keep: a row whose output cannot be parsed stays, with null outputs (judges without a verdict). */
  on_no_match?: 'drop' | 'keep';
}

export type FilterOperation = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'contains';

export interface FilterConfig {
  column: string;
  value: string | number | boolean | (string | number | boolean)[];
  operation: FilterOperation;
  convert_dtype?: 'int' | 'float' | 'bool' | 'upper';
  /** Used when the column is null or does not convert (a judge that gave no verdict). */
  default_value?: string | number | boolean;
}

export type BlockDefinition =
  | { name: string; type: 'LLMBlock'; stage?: string; config: LlmBlockConfig; drop_duplicates?: string[]; drop_columns?: string[] }
  | { name: string; type: 'FilterByValue'; config: FilterConfig; drop_duplicates?: string[]; drop_columns?: string[] }
  | { name: string; type: 'Dedupe'; config: { columns: string[] }; drop_duplicates?: string[]; drop_columns?: string[] }
  | {
      name: string;
      type: 'DuplicateColumns';
      config: { columns_map: Record<string, string> };
      drop_duplicates?: string[];
      drop_columns?: string[];
    }
  | {
      name: string;
      type: 'RenameColumns';
      config: { columns_map: Record<string, string> };
      drop_duplicates?: string[];
      drop_columns?: string[];
    }
  | {
      name: string;
      type: 'FlattenColumns';
      config: { var_cols: string[]; value_name: string; var_name: string };
      drop_duplicates?: string[];
      drop_columns?: string[];
    }
  | {
      name: string;
      type: 'CombineColumns';
      config: { columns: string[]; output_col: string; separator?: string };
      drop_duplicates?: string[];
      drop_columns?: string[];
    }
  | { name: string; type: 'Sample'; config: { max_rows: number }; drop_duplicates?: string[]; drop_columns?: string[] };

export interface PipelineDefinition {
  version: string;
  name: string;
  description?: string;
  blocks: BlockDefinition[];
}
