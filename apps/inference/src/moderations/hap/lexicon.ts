/**
 * The built-in HAP lexicon: a transparent baseline, not a classifier. Each entry is a word (after normalisation)
 * with its category and a weight, the probability this word alone makes a sentence hateful, abusive or profane.
 * Weights were set by hand: strong expletives and threats near 1, insults around 0.55, mild words below the
 * default threshold so that they flag only together with something else.
 */
export type HapCategory = 'hate' | 'abuse' | 'profanity';

export interface LexiconEntry {
  category: HapCategory;
  weight: number;
}

const entries: [HapCategory, number, string][] = [
  ['profanity', 0.95, 'fuck fucking fucked fucker fuckers motherfucker motherfucking cunt cunts'],
  ['profanity', 0.75, 'shit shitty bullshit bitch bitches asshole assholes bastard bastards dick dickhead prick wanker twat pussy cock'],
  ['profanity', 0.45, 'ass damn damned goddamn crap crappy piss pissed bloody hell screw'],
  ['abuse', 0.6, 'idiot idiots moron morons imbecile cretin retard retarded scum scumbag loser losers worthless pathetic jerk dumbass'],
  ['abuse', 0.45, 'stupid dumb ugly fat disgusting useless freak trash garbage'],
  ['hate', 0.75, 'vermin subhuman subhumans savages parasites infestation'],
  ['hate', 0.3, 'hate hateful despise loathe'],
];

export const LEXICON: ReadonlyMap<string, LexiconEntry> = new Map(
  entries.flatMap(([category, weight, words]) => words.split(' ').map((w) => [w, { category, weight }] as const)),
);

/** Phrases whose words are harmless alone: threats and wishes of harm. Matched on the normalised word sequence. */
export const PHRASES: readonly { words: readonly string[]; category: HapCategory; weight: number }[] = [
  { words: ['kill', 'yourself'], category: 'abuse', weight: 0.95 },
  { words: ['go', 'die'], category: 'abuse', weight: 0.9 },
  { words: ['shut', 'up'], category: 'abuse', weight: 0.5 },
  { words: ['piece', 'of', 'shit'], category: 'abuse', weight: 0.95 },
];

/** Groups protected from hate speech; "hate"/"kill"/"exterminate" aimed at one is hate speech, not a mood. */
export const GROUPS: ReadonlySet<string> = new Set(
  'immigrants migrants refugees foreigners jews muslims christians hindus sikhs buddhists atheists blacks whites asians latinos hispanics arabs gays lesbians homosexuals transgender trans women men disabled'.split(
    ' ',
  ),
);
export const HOSTILE_VERBS: ReadonlySet<string> = new Set('hate despise kill exterminate eradicate deport gas lynch ban'.split(' '));
export const HOSTILE_TARGET_WEIGHT = 0.9;
