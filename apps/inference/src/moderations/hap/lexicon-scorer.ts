import type { HapScorer } from '../types';
import { GROUPS, HOSTILE_TARGET_WEIGHT, HOSTILE_VERBS, LEXICON, PHRASES } from './lexicon';
import { spellings, tokens } from './normalize';

/** The lexicon word a token stands for, if any; `*` in a word is a masked letter ("f*ck", "sh*t"). */
function lookup(raw: string): string | undefined {
  const forms = spellings(raw);
  const direct = forms.find((f) => LEXICON.has(f));
  if (direct || !raw.includes('*')) return direct;
  for (const form of forms) {
    const re = new RegExp(`^${form.replace(/[^a-z*]/g, '').replace(/\*/g, '[a-z]')}$`);
    for (const word of LEXICON.keys()) if (re.test(word)) return word;
  }
  return undefined;
}

/** The plain-letter form used for phrase and group matching. */
function plain(raw: string): string {
  return spellings(raw)[0];
}

/**
 * Scores one sentence: each lexicon word, phrase or hostile-verb-at-a-group found is independent evidence with its
 * weight as a probability, combined as a noisy-OR, 1 - prod(1 - w). One weak word stays under 0.5; two together or
 * one strong word go over it.
 */
export function scoreSentence(sentence: string): number {
  const toks = tokens(sentence);
  const words = toks.map((t) => plain(t.raw));
  const weights: number[] = [];
  for (const t of toks) {
    const hit = lookup(t.raw);
    if (hit) weights.push(LEXICON.get(hit)!.weight);
  }
  for (const p of PHRASES) {
    for (let i = 0; i + p.words.length <= words.length; i++) {
      if (p.words.every((w, j) => words[i + j] === w)) weights.push(p.weight);
    }
  }
  // "kill all immigrants", "I hate muslims": a hostile verb with a protected group within the next three words.
  words.forEach((w, i) => {
    if (HOSTILE_VERBS.has(w) && words.slice(i + 1, i + 4).some((x) => GROUPS.has(x))) weights.push(HOSTILE_TARGET_WEIGHT);
  });
  return 1 - weights.reduce((keep, w) => keep * (1 - w), 1);
}

/** The built-in scorer: the lexicon baseline, synchronous underneath. */
export class LexiconHapScorer implements HapScorer {
  async score(sentences: readonly string[], _signal?: AbortSignal): Promise<number[]> {
    return sentences.map(scoreSentence);
  }
}
