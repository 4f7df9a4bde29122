import { isMap, isNode, isSeq, type YAMLMap } from 'yaml';
import type { FileIssue } from '../leaf-issue';

/**
 * A skill leaf is grounded (every seed has a `context`) or freeform (none has). The data generator picks
 * one pipeline per leaf from its first seed, so a mixed leaf would feed some seeds to the wrong pipeline;
 * InstructLab's SDG FAQ asks for uniform leaves, and this makes it a rule.
 */
export function groundingIssues(root: YAMLMap, lineAt: (offset: number) => number): FileIssue[] {
  const seeds = root.get('seed_examples', true);
  if (!isSeq(seeds)) return [];
  const maps = seeds.items.flatMap((item, i) => (isMap(item) ? [{ item, i }] : []));
  if (maps.length === 0) return [];
  const first = maps[0];
  const grounded = first.item.has('context');
  return maps
    .filter(({ item }) => item.has('context') !== grounded)
    .map(({ item, i }) => ({
      line: isNode(item) && item.range ? lineAt(item.range[0]) : 1,
      rule: 'grounding',
      message: `seed_examples[${i}] ${grounded ? 'has no context' : 'has a context'} but seed_examples[${first.i}] ${grounded ? 'has one' : 'has none'}: the seeds of a skill must be all grounded (with context) or all freeform (without)`,
    }));
}
