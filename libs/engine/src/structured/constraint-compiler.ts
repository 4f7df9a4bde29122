import type { CompiledGrammar, GrammarCompiler, TokenizerInfo } from '@mlc-ai/web-xgrammar';
import { type ConstraintSpec, InvalidConstraintError, type OutputConstraint } from '../contract';
import { buildGrammar, checkSpec, describeFailure } from './grammar-source';
import { GrammarConstraint } from './output-constraint';
import { Utf8TokenGuard } from './utf8-guard';
import type { XgrammarVocabulary } from './vocabulary';
import { loadXgrammar, type XgrammarInstance } from './xgrammar-loader';

export interface ConstraintCompilerOptions {
  /** Compiled grammars kept per model (least recently used evicted). */
  cacheSize?: number;
}

interface MainInstance {
  xg: XgrammarInstance;
  info: TokenizerInfo;
  compiler: GrammarCompiler;
  /** The same vocabulary's UTF-8 guard, ANDed into every constraint's mask. */
  utf8: Utf8TokenGuard;
}

const DEFAULT_CACHE_SIZE = 64;

/**
 * Compiles constraint specs for one model's vocabulary and starts per-sequence constraints over them.
 *
 * Two wasm instances: a long-lived one holding the vocabulary, the compiled grammars and every live matcher, and a
 * disposable probe that parses each new spec first. xgrammar reports a bad spec by aborting, which leaks the
 * instance's stack (see xgrammar-loader.ts), so a spec reaches the long-lived instance only once the probe parsed
 * it; a probe that aborted is dropped and a fresh one (a few milliseconds) parses the next spec. All native work is
 * serialised: it is synchronous underneath, and eviction must not free a grammar a matcher is being made from.
 */
export class ConstraintCompiler {
  private main?: Promise<MainInstance>;
  private probe?: XgrammarInstance;
  /** Insertion order = recency: a hit is moved to the end, the first entry is the one evicted. */
  private readonly cache = new Map<string, CompiledGrammar>();
  private readonly cacheSize: number;
  /** Messages of specs xgrammar refused, so a repeated bad spec costs no new probe instance. */
  private readonly refused = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Constraints created and not yet released. */
  live = 0;
  /** Probe instances replaced after an abort (each bad spec that reached native code costs one). */
  probesReplaced = 0;

  constructor(
    private readonly vocabulary: () => XgrammarVocabulary,
    private readonly vocabSize: number,
    opts: ConstraintCompilerOptions = {},
  ) {
    this.cacheSize = Math.max(1, opts.cacheSize ?? DEFAULT_CACHE_SIZE);
  }

  /** Throws InvalidConstraintError for a spec that is malformed, over the limits, or refused by xgrammar. */
  async create(spec: ConstraintSpec): Promise<OutputConstraint> {
    const key = checkSpec(spec);
    return this.serial(async () => {
      if (this.closed) throw new Error('model is closed');
      const known = this.refused.get(key);
      if (known !== undefined) throw new InvalidConstraintError(known);
      const main = await this.mainInstance();
      const compiled = this.cache.get(key) ?? (await this.compile(main, key, spec));
      this.cache.delete(key);
      this.cache.set(key, compiled);
      const matcher = main.xg.createMatcher(compiled);
      this.live++;
      return new GrammarConstraint(main.xg, matcher, this.vocabSize, main.utf8.start(), () => this.live--);
    });
  }

  get cachedGrammars(): number {
    return this.cache.size;
  }

  /** Bytes of wasm memory of the long-lived instance (0 before the first spec). */
  async heapBytes(): Promise<number> {
    return this.main ? (await this.main).xg.heapBytes() : 0;
  }

  /** Frees the compiled grammars; live constraints keep working until released (matchers hold their grammar). */
  async close(): Promise<void> {
    await this.serial(async () => {
      this.closed = true;
      const main = this.main && (await this.main);
      this.main = undefined;
      if (!main || main.xg.aborted) return;
      for (const compiled of this.cache.values()) compiled.dispose();
      this.cache.clear();
      main.compiler.dispose();
      main.info.dispose();
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private mainInstance(): Promise<MainInstance> {
    this.main ??= (async () => {
      const xg = await loadXgrammar();
      const v = this.vocabulary();
      const made = await xg.capture(async () => {
        const info = await xg.api.TokenizerInfo.createTokenizerInfo(v.encoded, v.vocabType, false, this.vocabSize, v.stopTokenIds);
        return { info, compiler: await xg.api.GrammarCompiler.createGrammarCompiler(info, false) };
      });
      if (!made.ok)
        throw new Error(`structured output is unavailable for this vocabulary: ${made.printed.join(' ') || String(made.error)}`);
      return { xg, ...made.value, utf8: new Utf8TokenGuard(v, this.vocabSize) };
    })();
    // A failed start is not remembered: the next spec tries again.
    this.main.catch(() => (this.main = undefined));
    return this.main;
  }

  private async compile(main: MainInstance, key: string, spec: ConstraintSpec): Promise<CompiledGrammar> {
    try {
      await this.parseOnProbe(spec);
    } catch (err) {
      if (err instanceof InvalidConstraintError) {
        this.refused.set(key, err.message);
        if (this.refused.size > this.cacheSize) this.refused.delete(this.refused.keys().next().value as string);
      }
      throw err;
    }
    const made = await main.xg.capture(async () => {
      const grammar = await buildGrammar(main.xg.api, spec);
      try {
        return await main.compiler.compileGrammar(grammar);
      } finally {
        grammar.dispose();
      }
    });
    if (!made.ok) {
      // The probe accepted it, so this should not happen; if the instance aborted, start over with a fresh one
      // (live matchers keep the old one alive until they are released).
      if (main.xg.aborted) {
        this.main = undefined;
        this.cache.clear();
      }
      throw new InvalidConstraintError(describeFailure(spec, made.printed, made.error));
    }
    this.cache.set(key, made.value);
    while (this.cache.size > this.cacheSize) {
      const [oldest, compiled] = this.cache.entries().next().value as [string, CompiledGrammar];
      this.cache.delete(oldest);
      compiled.dispose();
    }
    return made.value;
  }

  private async parseOnProbe(spec: ConstraintSpec): Promise<void> {
    this.probe ??= await loadXgrammar();
    const probe = this.probe;
    const parsed = await probe.capture(() => buildGrammar(probe.api, spec));
    if (parsed.ok) {
      parsed.value.dispose();
      return;
    }
    if (probe.aborted) {
      this.probe = undefined;
      this.probesReplaced++;
    }
    throw new InvalidConstraintError(describeFailure(spec, parsed.printed, parsed.error));
  }
}
