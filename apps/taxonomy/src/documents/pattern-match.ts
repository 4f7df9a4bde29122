import picomatch from 'picomatch';

/**
 * The repository files a leaf's `document.patterns` select. Patterns are globs relative to the repository
 * root, as InstructLab globs them: `*` stays within one folder, `**` crosses folders, and dot-files are only
 * matched when a pattern names the dot. A leading "./" is ignored.
 */
export function matchDocuments(paths: readonly string[], patterns: readonly string[]): string[] {
  const normalized = patterns.map((p) => p.trim().replace(/^(\.\/)+/, '')).filter((p) => p !== '');
  if (normalized.length === 0) return [];
  const isMatch = picomatch(normalized, { dot: false, strictSlashes: true });
  return paths.filter((path) => isMatch(path)).sort();
}
