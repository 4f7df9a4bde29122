import type { CodePointSet } from './code-point-set';

/**
 * A parsed regex. Groups leave no node of their own (captures do not change the language), and lazy quantifiers
 * read as greedy ones (same language).
 */
export type RegexNode =
  | { type: 'char'; cp: number }
  /**
   * A class, a shorthand or `.`. `open` marks sets meant as "anything but …" (negated classes, `\D \W \S`, `.`):
   * where such a set's non-ASCII part cannot be matched exactly, its ASCII part is a safe stand-in.
   */
  | { type: 'set'; set: CodePointSet; open: boolean; source: string }
  | { type: 'seq'; items: RegexNode[] }
  | { type: 'alt'; options: RegexNode[] }
  | { type: 'repeat'; body: RegexNode; min: number; max: number | null }
  | { type: 'anchor'; at: 'start' | 'end'; source: string; pos: number };
