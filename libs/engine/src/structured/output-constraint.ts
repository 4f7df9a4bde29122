import type { OutputConstraint } from '../contract';
import type { Utf8State } from './utf8-guard';
import type { MatcherHandle, XgrammarInstance } from './xgrammar-loader';

/**
 * One sequence's parse state: an xgrammar GrammarMatcher driven synchronously from the scheduler's step. The
 * matcher aborts (and so poisons its wasm instance) when asked for a mask after it has terminated, so every call
 * is guarded here rather than trusted to the caller. Its mask is ANDed with the UTF-8 guard's (see utf8-guard.ts),
 * which xgrammar 0.1.27 needs to keep its output well-formed UTF-8.
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
    private readonly utf8: Utf8State,
    private readonly onRelease: () => void,
  ) {
    this.words = Math.ceil(vocabSize / 32);
  }

  allowedTokens(): Int32Array {
    const mask = new Int32Array(this.words);
    if (this.released || this.terminated) return mask; // nothing may follow
    this.xg.fillBitmask(this.matcher, this.vocabSize, mask);
    const utf8 = this.utf8.mask();
    for (let w = 0; w < mask.length; w++) mask[w] &= utf8[w];
    this.lastMask = mask;
    return mask;
  }

  accept(tokenId: number): boolean {
    if (this.released || this.terminated || !Number.isInteger(tokenId) || tokenId < 0 || tokenId >= this.vocabSize) return false;
    const mask = this.lastMask;
    this.lastMask = undefined;
    // (The matcher would refuse it too, but print a warning on stderr for each.)
    if (mask && ((mask[tokenId >> 5] >>> (tokenId & 31)) & 1) === 0) return false;
    // The UTF-8 check comes first: the matcher cannot take a token back.
    if (!this.utf8.allows(tokenId)) return false;
    const ok = this.matcher.AcceptToken(tokenId, false);
    if (!ok) return false;
    this.utf8.accept(tokenId);
    this.terminated = this.matcher.IsTerminated();
    return true;
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
