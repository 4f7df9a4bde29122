import { isScalar, visit, type Document, type Node } from 'yaml';

/**
 * Most keys one mapping of a qna.yaml may have. The schemas name fewer than ten; extra keys are tolerated in a Q&A
 * pair, but the yaml package (used by every later reader of the leaf) checks each new key against all earlier ones
 * of its mapping, so a mapping's cost is quadratic in its keys: 64,000 keys took 54 seconds.
 */
export const MAX_MAPPING_KEYS = 100;

export interface MappingKeyProblems {
  /** Keys that repeat an earlier key of their mapping. */
  duplicates: Node[];
  /** Mappings with more than MAX_MAPPING_KEYS keys. */
  oversized: Node[];
}

/**
 * Duplicate keys, as the yaml package's `uniqueKeys` finds them (scalars of equal value) but with one set per mapping
 * instead of a scan of its earlier keys; and mappings that are too large.
 */
export function mappingKeyProblems(doc: Document): MappingKeyProblems {
  const problems: MappingKeyProblems = { duplicates: [], oversized: [] };
  visit(doc, {
    Map(_key, map) {
      if (map.items.length > MAX_MAPPING_KEYS) problems.oversized.push(map);
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        // Only scalar keys can repeat: other keys equal only themselves. NaN is no repeat of NaN (=== for yaml).
        if (!isScalar(key) || key.value !== key.value) continue;
        if (seen.has(key.value)) problems.duplicates.push(key);
        seen.add(key.value);
      }
    },
  });
  return problems;
}
