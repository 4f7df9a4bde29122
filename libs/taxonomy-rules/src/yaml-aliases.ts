import { isAlias, visit, type Alias, type Document } from 'yaml';

/**
 * Most aliases (`*name`) one qna.yaml may use. Each alias read can re-read its whole anchored value, and the yaml
 * package finds an alias's anchor by walking the document, so their number must stay small for reading a leaf to
 * stay linear in its size. InstructLab leaves rarely use any; the yaml package's own expansion limit is also 100.
 */
export const MAX_YAML_ALIASES = 100;

export interface AliasScan {
  /** True when the document uses more than MAX_YAML_ALIASES aliases; the scan stopped at the first one over. */
  tooMany: boolean;
  /** The first alias over the limit, when there is one. */
  overLimit?: Alias;
  /** Aliases (up to the limit) whose anchor is not defined before them. */
  unresolved: Alias[];
}

/**
 * One walk over the document in source order, remembering the anchors seen so far: an alias refers to the last
 * anchor of its name before it. (The yaml package's `alias.resolve(doc)` walks the whole document for each alias,
 * quadratic in their number: 20,000 aliases, 140 KB of YAML, took 30 seconds.)
 */
export function scanAliases(doc: Document): AliasScan {
  const anchors = new Set<string>();
  const scan: AliasScan = { tooMany: false, unresolved: [] };
  let aliases = 0;
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        if (++aliases > MAX_YAML_ALIASES) {
          scan.tooMany = true;
          scan.overLimit = node;
          return visit.BREAK;
        }
        if (!anchors.has(node.source)) scan.unresolved.push(node);
      } else if (node.anchor) {
        anchors.add(node.anchor);
      }
      return undefined;
    },
  });
  return scan;
}
