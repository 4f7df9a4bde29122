import { isScalar, type YAMLMap } from 'yaml';
import type { FileIssue } from '../leaf-issue';
import { COMPOSITIONAL_SKILLS_V2_V3, KNOWLEDGE_V3 } from './instructlab-schemas';
import type { ObjectShape } from './shape';

export type LeafKind = 'knowledge' | 'compositional_skills';

const SUPPORTED: Record<LeafKind, { versions: number[]; shape: ObjectShape; wording: string }> = {
  knowledge: { versions: [3], shape: KNOWLEDGE_V3, wording: 'knowledge files use version 3' },
  compositional_skills: { versions: [2, 3], shape: COMPOSITIONAL_SKILLS_V2_V3, wording: 'compositional skill files use version 2 or 3' },
};

/**
 * Picks the schema from the file's `version`, as InstructLab does. An unsupported version is one problem,
 * not dozens: the rest of the file was written for another schema, so it is not checked further.
 */
export function selectSchema(
  kind: LeafKind,
  root: YAMLMap,
  lineAt: (offset: number) => number,
): { shape: ObjectShape } | { issue: FileIssue } {
  const { versions, shape, wording } = SUPPORTED[kind];
  const pair = root.items.find((p) => isScalar(p.key) && p.key.value === 'version');
  const version = isScalar(pair?.value) ? pair.value.value : undefined;
  const line = pair?.key && isScalar(pair.key) && pair.key.range ? lineAt(pair.key.range[0]) : root.range ? lineAt(root.range[0]) : 1;
  if (!pair) return { issue: { line, rule: 'version', message: `the key "version" is missing; ${wording}` } };
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    return { issue: { line, rule: 'version', message: `version must be a whole number; ${wording}` } };
  }
  if (!versions.includes(version)) {
    const why = version < Math.min(...versions) ? 'is no longer supported' : 'does not exist';
    return { issue: { line, rule: 'version', message: `version ${version} ${why}; ${wording}` } };
  }
  return { shape };
}
