import { Limiter } from '../../teacher/limiter';
import type { ChatCall, CompletionCall, Teacher } from '../../teacher/teacher-client';

/**
 * A deterministic stand-in for the model in unit tests of the engine's own logic (parsing into rows, filters,
 * batching, resume). Real-model behaviour is covered by run-sdg.int.spec.ts on the starter model.
 */
export class ScriptedTeacher implements Teacher {
  readonly calls: CompletionCall[] = [];
  readonly limiter: Limiter;

  constructor(
    private readonly answer: (call: CompletionCall) => string,
    concurrency = 4,
  ) {
    this.limiter = new Limiter(concurrency);
  }

  async complete(call: CompletionCall, signal: AbortSignal): Promise<string> {
    return this.limiter.run(async () => {
      this.calls.push(call);
      await new Promise((r) => setImmediate(r));
      if (signal.aborted) throw new Error('aborted');
      return (call.prefill ?? '') + this.answer(call);
    }, signal);
  }

  async chat(call: ChatCall): Promise<string[]> {
    return Array.from({ length: call.n }, (_, i) => `${call.messages.at(-1)?.content ?? ''} #${i}`);
  }

  async countTokens(_model: string, text: string): Promise<number> {
    return text.split(/\s+/).filter(Boolean).length;
  }

  async contextLength(): Promise<number> {
    return 0;
  }
}
