import { apiFetch, type ApiRequest } from './client';
import { readSse, type SseFrame } from './sse';

/**
 * A call whose answer is server-sent events (the text generation and chat streams): each frame goes to `onFrame` as
 * it arrives; resolves when the stream ends. Refusals before the stream starts throw an ApiError, as `api` does.
 */
export async function apiStream(path: string, req: ApiRequest, onFrame: (frame: SseFrame) => void): Promise<void> {
  const res = await apiFetch(path, { ...req, headers: { accept: 'text/event-stream', ...req.headers } });
  if (!res.body) return;
  await readSse(res.body, onFrame);
}

export type { SseFrame } from './sse';
