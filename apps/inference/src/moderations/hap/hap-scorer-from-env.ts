import type { HapScorer } from '../types';
import { ClassifierHapScorer } from './classifier-scorer';
import { LexiconHapScorer } from './lexicon-scorer';

/** The classifier endpoint when the operator configured one, otherwise the lexicon baseline. */
export function hapScorerFromEnv(env: NodeJS.ProcessEnv = process.env): HapScorer {
  const url = env.PLATFORM_HAP_CLASSIFIER_URL;
  if (!url) return new LexiconHapScorer();
  return new ClassifierHapScorer(
    url,
    env.PLATFORM_HAP_CLASSIFIER_LABEL || 'LABEL_1',
    Number(env.PLATFORM_HAP_CLASSIFIER_TIMEOUT_MS) || 2000,
  );
}
