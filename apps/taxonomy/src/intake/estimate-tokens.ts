import { leafText } from './leaf-text';
import { countTokens } from './tokenizer';

export interface TaxonomyTokenEstimate {
  /** Sum of perLeaf. */
  dataTokensEstimated: number;
  /** Tokens of each leaf's training text, keyed by leaf path. */
  perLeaf: Record<string, number>;
  /** Leaves whose YAML did not parse into a mapping and were counted from their raw text. */
  rawTextLeaves: string[];
}

/**
 * Estimates the tokens of seed data a taxonomy contributes, leaf by leaf. Each string is tokenized on its
 * own, as the data generator will see it. A leaf missing from `files` counts 0 (it cannot come from
 * readTaxonomyArchive, whose leaves are always keys of its files).
 */
export function estimateTaxonomyTokens(files: ReadonlyMap<string, Buffer>, leaves: readonly string[]): TaxonomyTokenEstimate {
  const perLeaf: Record<string, number> = {};
  const rawTextLeaves: string[] = [];
  let dataTokensEstimated = 0;
  for (const leaf of leaves) {
    const data = files.get(leaf);
    const { texts, parsed } = data === undefined ? { texts: [], parsed: true } : leafText(data.toString('utf8'));
    if (!parsed) rawTextLeaves.push(leaf);
    const tokens = texts.reduce((sum, text) => sum + countTokens(text), 0);
    perLeaf[leaf] = tokens;
    dataTokensEstimated += tokens;
  }
  return { dataTokensEstimated, perLeaf, rawTextLeaves };
}
