import type { CompiledGrammar, GrammarCompiler } from '@mlc-ai/web-xgrammar';
import { loadXgrammar, type XgrammarInstance } from '../xgrammar-loader';

/**
 * For specs: asks xgrammar itself whether a grammar takes a text, over a vocabulary of one token per character
 * (every ASCII character and the non-ASCII ones listed), so a grammar is checked as the engine will run it.
 */

const EXTRA = ['é', '中', '😀', 'Ā'];

export type Verdict = 'full' | 'prefix' | 'reject';

export class GrammarOracle {
  private constructor(
    private readonly xg: XgrammarInstance,
    private readonly compiler: GrammarCompiler,
    private readonly ids: Map<string, number>,
    private readonly eos: number,
  ) {}

  static async create(): Promise<GrammarOracle> {
    const xg = await loadXgrammar();
    const vocab = [...Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)), ...EXTRA, '</s>'];
    const eos = vocab.length - 1;
    const info = await xg.api.TokenizerInfo.createTokenizerInfo(vocab, 'raw', false, vocab.length, [eos]);
    const compiler = await xg.api.GrammarCompiler.createGrammarCompiler(info, false);
    return new GrammarOracle(xg, compiler, new Map(vocab.map((t, i) => [t, i])), eos);
  }

  /** Compiles EBNF; throws with xgrammar's message if it does not parse. */
  async compile(ebnf: string): Promise<Matcher> {
    const made = await this.xg.capture(async () => this.compiler.compileGrammar(await this.xg.api.Grammar.fromEBNF(ebnf, 'root')));
    if (!made.ok) throw new Error(`xgrammar refused the grammar: ${made.printed.join(' ')} ${String(made.error)}\n${ebnf}`);
    return new Matcher(this.xg, made.value, this.ids, this.eos);
  }
}

export class Matcher {
  constructor(
    private readonly xg: XgrammarInstance,
    private readonly compiled: CompiledGrammar,
    private readonly ids: Map<string, number>,
    private readonly eos: number,
  ) {}

  /** full: the grammar takes the whole text; prefix: only as the start of a longer one; reject: neither. */
  verdict(text: string): Verdict {
    const m = this.xg.createMatcher(this.compiled);
    const size = this.eos + 1;
    const mask = new Int32Array(Math.ceil(size / 32));
    // The mask first: the matcher prints a warning for every token it refuses.
    const take = (id: number): boolean => {
      this.xg.fillBitmask(m, size, mask);
      return ((mask[id >> 5] >>> (id & 31)) & 1) === 1 && m.AcceptToken(id, false);
    };
    try {
      for (const ch of text) {
        const id = this.ids.get(ch);
        if (id === undefined) throw new Error(`no token for ${JSON.stringify(ch)}`);
        if (!take(id)) return 'reject';
      }
      return take(this.eos) ? 'full' : 'prefix';
    } finally {
      m.delete();
    }
  }

  accepts(text: string): boolean {
    return this.verdict(text) === 'full';
  }
}
