import { ApiError } from '../../api/client';

/** Each problem as `file:line: problem` (the taxonomy service's own wording), one per line. */
export function IssueList({ messages, label }: { messages: readonly string[]; label: string }) {
  if (messages.length === 0) return null;
  return (
    <ul className="taxonomy-issues" aria-label={label}>
      {messages.map((m, i) => (
        <li key={i}>
          <code>{m}</code>
        </li>
      ))}
    </ul>
  );
}

/** The per-file problems of a refused taxonomy (every entry of the envelope), empty for any other error. */
export function taxonomyProblems(error: unknown): string[] {
  if (!(error instanceof ApiError) || error.code !== 'invalid_taxonomy') return [];
  return error.errors.filter((e) => e.code === 'invalid_taxonomy').map((e) => e.message);
}
