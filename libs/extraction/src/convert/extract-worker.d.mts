// Types of extract-worker.mjs (plain JavaScript, see convert.mjs why).
import type { AssembleRequest } from './assemble.mjs';
import type { ConvertRequest } from './convert.mjs';
import type { ImageRequest } from './image.mjs';

/** What one worker thread does: its `task` and that task's request. */
export type WorkerTask =
  ({ task: 'convert' } & ConvertRequest) | ({ task: 'assemble' } & AssembleRequest) | ({ task: 'image' } & ImageRequest);
