/** A problem found while running that fails the experiment with a code and a message naming the document or item. */
export class RagFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
