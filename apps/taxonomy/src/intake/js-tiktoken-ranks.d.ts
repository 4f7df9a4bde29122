// js-tiktoken publishes its rank tables as subpath exports, which this workspace's "node" module resolution does not
// read; Node and vitest resolve them at run time all the same.
declare module 'js-tiktoken/ranks/cl100k_base' {
  import type { TiktokenBPE } from 'js-tiktoken';
  const ranks: TiktokenBPE;
  export default ranks;
}
