import type { StreamFormat } from '../inference/event-stream';

/** Marks the terminal chunk of a stream that failed after its first byte, so the frame can say so. */
export class FailedChunk {
  constructor(readonly chunk: object) {}
}

/**
 * The draft streams bare `data: {chunk}` events. Several chunks may come from one upstream item (a whole tool
 * call, then the stop), and a failure is flagged with `event: error` so SSE clients can tell it from a finish.
 */
export const LLAMA_STACK_STREAM: StreamFormat = {
  frame: (_id, data) => {
    if (data instanceof FailedChunk) return `event: error\ndata: ${JSON.stringify(data.chunk)}\n\n`;
    const list = Array.isArray(data) ? data : [data];
    return list.map((d) => `data: ${JSON.stringify(d)}\n\n`).join('');
  },
};
