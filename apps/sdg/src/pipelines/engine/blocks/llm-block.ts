import type { LlmBlockConfig } from '../definition';
import { parseOutput, type OutputParser } from '../parse-output';
import { derivedSeed, type Row } from '../row';
import { MissingVariable, render } from '../template';
import type { Block, BlockContext } from './block';

const DEFAULT_MAX_TOKENS = 1024;
// InstructLab forces some randomness when several answers are asked for one prompt; greedy would repeat itself.
const MULTI_CHOICE_TEMPERATURE = 0.7;

/** Prompt template → teacher or judge → parsed columns; one output row per parsed match (and per choice). */
export class LlmBlock implements Block {
  private readonly parser: OutputParser;

  constructor(
    readonly name: string,
    private readonly config: LlmBlockConfig,
    private readonly stage = 'generating',
  ) {
    const p = config.parser;
    this.parser = p.regex
      ? { kind: 'regex', regex: new RegExp(p.regex, `${p.flags ?? ''}g`), clean: p.clean ?? [] }
      : { kind: 'tags', tags: p.tags ?? [] };
  }

  private prompt(row: Row): { system: string; user: string; prefill: string } | undefined {
    const { system = '', introduction, principles, examples, generation } = this.config.prompt;
    const body = [introduction, principles, examples, generation].filter((s): s is string => !!s && s.trim() !== '').join('\n\n');
    try {
      return { system: render(system, row), user: render(body, row), prefill: render(this.config.prefill ?? '', row) };
    } catch (e) {
      if (e instanceof MissingVariable) return undefined;
      throw e;
    }
  }

  async run(rows: Row[], ctx: BlockContext): Promise<Row[]> {
    ctx.onStage(this.stage);
    const gen = this.config.gen ?? {};
    const n = gen.n === 'scaled' ? ctx.numInstructions : (gen.n ?? 1);
    const temperature = n > 1 && !gen.temperature ? MULTI_CHOICE_TEMPERATURE : (gen.temperature ?? 0);
    if (this.config.num_samples !== undefined) rows = rows.map((r) => ({ ...r, num_samples: this.config.num_samples }));
    const model = this.config.model === 'judge' ? ctx.models.judge : ctx.models.teacher;
    // Every call of the block is issued at once; the job's limiter decides how many are in flight.
    const perRow = await Promise.all(
      rows.map(async (row, i) => {
        const prompt = this.prompt(row);
        if (!prompt) return [];
        const texts = await Promise.all(
          Array.from({ length: n }, (_, choice) =>
            ctx.teacher.complete(
              {
                model,
                ...prompt,
                maxTokens: gen.max_tokens ?? DEFAULT_MAX_TOKENS,
                temperature,
                seed: derivedSeed(...ctx.seedParts, this.name, i, choice),
                stop: gen.stop,
              },
              ctx.signal,
            ),
          ),
        );
        return texts.flatMap((text) => this.rowsFrom(row, text));
      }),
    );
    return perRow.flat();
  }

  private rowsFrom(row: Row, text: string): Row[] {
    const cols = this.config.output_cols;
    const parsed = parseOutput(text, this.parser);
    if (parsed.length === 0)
      return this.config.on_no_match === 'keep'
        ? [{ ...row, ...Object.fromEntries(cols.map((c) => [c, null])), [`${this.name}_raw`]: text }]
        : [];
    return parsed.map((values) => ({ ...row, ...Object.fromEntries(cols.map((c, k) => [c, values[k]])) }));
  }
}
