import { countTokens } from '../intake/tokenizer';
import { readLeaf, type LeafReading } from './read-leaf';

/** What the leaf reader sends: a leaf to read, or a text (a leaf's document) whose tokens to count. */
export type ReaderRequest = { leaf: { path: string; data: Uint8Array } } | { text: string };
/** What comes back: the answer, or the error that stopped it; `ready` once, when loaded. */
export type ReaderReply = { reading: LeafReading } | { tokens: number } | { error: string } | { ready: true };

const reply = (message: ReaderReply): void => void process.send?.(message);

function answer(request: ReaderRequest): ReaderReply {
  if ('text' in request) return { tokens: countTokens(request.text) };
  const { path, data } = request.leaf;
  return { reading: readLeaf(path, Buffer.from(data.buffer, data.byteOffset, data.byteLength)) };
}

// One request per message: the reader always knows what is being read, and only one file travels at a time.
process.on('message', (request: ReaderRequest) => {
  try {
    reply(answer(request));
  } catch (err) {
    reply({ error: err instanceof Error ? err.message : String(err) });
  }
});
// The service went away: so does its reader.
process.on('disconnect', () => process.exit(0));

// Loaded (the parser, the schemas, the tokenizer's tables): the reader starts its clock from here.
countTokens('');
reply({ ready: true });
