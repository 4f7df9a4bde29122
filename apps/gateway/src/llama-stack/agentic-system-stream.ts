import { randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError, type StreamSource } from '@platform/common';
import type { agentsV1 } from '@platform/contracts';
import { FailedChunk } from './llama-stack-stream';

interface ChunkHead {
  event_type: string;
  step_uuid: string;
  step_type: string;
}

/**
 * ExecuteTurn's events as the draft streams them: each event before the last carries one
 * AgenticSystemExecuteResponseStreamChunk (sent as it is); the last carries the whole turn, which the stream does not
 * repeat. A failure after the first chunk ends the step that was open (or a step of its own) with `not_stopped`,
 * flagged `event: error`.
 */
export class TurnChunks {
  private open: { step_uuid: string; step_type: string } | undefined;

  view(item: agentsV1.ExecuteTurnResponse): object | undefined {
    if (!item.chunkJson) return undefined;
    const chunk = JSON.parse(item.chunkJson) as ChunkHead;
    this.open = chunk.event_type === 'step_end' ? undefined : { step_uuid: chunk.step_uuid, step_type: chunk.step_type };
    return chunk;
  }

  failed(): FailedChunk {
    const step = this.open ?? { step_uuid: randomUUID(), step_type: 'model_inference' };
    return new FailedChunk({ event_type: 'step_end', ...step, stop_reason: 'not_stopped' });
  }
}

/**
 * The whole turn of a non-streamed execute: ExecuteTurn read to its last event. `gone` (the client went away) cancels
 * the call and settles with undefined.
 */
export function wholeTurn(source: StreamSource<agentsV1.ExecuteTurnResponse>, gone: AbortSignal): Promise<object | undefined> {
  return new Promise((resolve, reject) => {
    let turnJson = '';
    const subscription = source.subscribe({
      next: (item) => {
        if (item.turnJson) turnJson = item.turnJson;
      },
      error: reject,
      complete: () => {
        if (turnJson) resolve(JSON.parse(turnJson) as object);
        else reject(new PlatformError(GrpcStatus.INTERNAL, 'internal_error', 'The agents service ended the turn without it.'));
      },
    });
    gone.addEventListener(
      'abort',
      () => {
        subscription.unsubscribe();
        resolve(undefined);
      },
      { once: true },
    );
  });
}
