/** Nest injection token of the HapScorer the service moderates with (lexicon baseline or classifier endpoint). */
export const HAP_SCORER = Symbol('HAP_SCORER');
