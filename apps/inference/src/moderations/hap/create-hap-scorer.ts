import type { InferenceSettings } from '../../inference.config';
import type { HapScorer } from '../types';
import { ClassifierHapScorer } from './classifier-scorer';
import { LexiconHapScorer } from './lexicon-scorer';

/** The classifier endpoint when the operator configured one (PLATFORM_HAP_CLASSIFIER_*), otherwise the lexicon baseline. */
export function createHapScorer(hap: InferenceSettings['hap']): HapScorer {
  if (!hap.classifierUrl) return new LexiconHapScorer();
  return new ClassifierHapScorer(hap.classifierUrl, hap.label, hap.timeoutMs);
}
