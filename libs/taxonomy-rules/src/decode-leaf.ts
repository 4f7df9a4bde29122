import type { FileIssue } from './leaf-issue';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a qna.yaml as UTF-8; the replacement characters a lenient decode would insert end up in training data. */
export function decodeLeaf(data: Uint8Array): { text: string } | { issue: FileIssue } {
  try {
    return { text: utf8.decode(data) };
  } catch {
    return { issue: { line: 1, rule: 'encoding', message: 'the file is not valid UTF-8 text' } };
  }
}
