import type { Teacher } from '../../../teacher/teacher-client';
import type { Row } from '../row';

export interface BlockContext {
  teacher: Teacher;
  models: { teacher: string; judge: string };
  signal: AbortSignal;
  /** What `n: scaled` means (InstructLab's num_instructions_to_generate). */
  numInstructions: number;
  /** Job seed, leaf and batch: every sampling seed derives from them and the row's place. */
  seedParts: (string | number)[];
  /** Called as a model-calling block starts, with its stage (generating, judging). */
  onStage(stage: string): void;
}

/** One step of a pipeline: rows in, rows out. */
export interface Block {
  readonly name: string;
  run(rows: Row[], ctx: BlockContext): Promise<Row[]>;
}
