import type { FileIssue } from '@platform/taxonomy-rules';

/** The qna.yaml being written, line-numbered, the lines with a problem marked (the issues list names them). */
export function YamlPreview({ text, issues }: { text: string; issues: readonly FileIssue[] }) {
  const bad = new Set(issues.map((i) => i.line));
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  return (
    <pre className="yaml-preview" aria-label="qna.yaml preview" tabIndex={0}>
      {lines.map((line, i) => (
        <span key={i} className={bad.has(i + 1) ? 'yaml-preview__line yaml-preview__line--bad' : 'yaml-preview__line'}>
          <span className="yaml-preview__number" aria-hidden="true">
            {i + 1}
          </span>
          {line}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}
