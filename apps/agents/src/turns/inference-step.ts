import { inferenceV1 } from '@platform/contracts';
import type { DraftStopReason } from './turn-types';

const S = inferenceV1.StopReason;

/** The draft's three stop reasons for the inference contract's (as the gateway's Llama Stack chat route names them). */
export function draftStopReason(stop: inferenceV1.StopReason): DraftStopReason {
  if (stop === S.STOP_REASON_EOS_TOKEN || stop === S.STOP_REASON_STOP_SEQUENCE || stop === S.STOP_REASON_TOOL_CALLS) return 'finished_ok';
  if (stop === S.STOP_REASON_MAX_TOKENS || stop === S.STOP_REASON_TOKEN_LIMIT) return 'max_tokens';
  return 'not_stopped';
}

export interface GatheredCall {
  id: string;
  name: string;
  arguments: string;
}

/** Tool calls stream in fragments keyed by index (name first, arguments piece by piece): gathered whole here. */
export class ToolCallGatherer {
  private readonly calls = new Map<number, GatheredCall>();

  add(deltas: readonly inferenceV1.ToolCall[]): void {
    for (const t of deltas) {
      const call = this.calls.get(t.index) ?? { id: '', name: '', arguments: '' };
      call.id ||= t.id;
      call.name ||= t.function?.name ?? '';
      call.arguments += t.function?.arguments ?? '';
      this.calls.set(t.index, call);
    }
  }

  all(): GatheredCall[] {
    return [...this.calls].sort(([a], [b]) => a - b).map(([, c]) => c);
  }
}
