import type { OutputConstraint } from '../contract';
import type { MatcherHandle, XgrammarInstance } from './xgrammar-loader';

/**
 * One sequence's parse state: an xgrammar GrammarMatcher driven synchronously from the scheduler's step. The
 * matcher aborts (and so poisons its wasm instance) when asked for a mask after it has terminated, so every call
 * is guarded here rather than trusted to the caller.
 */
export class GrammarConstraint implements OutputConstraint {
  private released = false;
  private terminated = false;
  private readonly words: number;
  /** The mask last handed out, until the next accept: a token outside it is refused without asking the matcher. */
  private lastMask?: Int32Array;

  constructor(
    private readonly xg: XgrammarInstance,
    private readonly matcher: MatcherHandle,
    private readonly vocabSize: number,
    private readonly onRelease: () => void,
  ) {
    this.words = Math.ceil(vocabSize / 32);
  }

  allowedTokens(): Int32Array {
    const mask = new Int32Array(this.words);
    if (this.released || this.terminated) return mask; // nothing may follow
    this.xg.fillBitmask(this.matcher, this.vocabSize, mask);
    this.lastMask = mask;
    return mask;
  }

  accept(tokenId: number): boolean {
    if (this.released || this.terminated || !Number.isInteger(tokenId) || tokenId < 0 || tokenId >= this.vocabSize) return false;
    const mask = this.lastMask;
    this.lastMask = undefined;
    // (The matcher would refuse it too, but print a warning on stderr for each.)
    if (mask && ((mask[tokenId >> 5] >>> (tokenId & 31)) & 1) === 0) return false;
    const ok = this.matcher.AcceptToken(tokenId, false);
    if (ok) this.terminated = this.matcher.IsTerminated();
    return ok;
  }

  isTerminated(): boolean {
    return this.terminated;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.lastMask = undefined;
    this.matcher.delete();
    this.onRelease();
  }
}
