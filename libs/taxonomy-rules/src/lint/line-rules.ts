import type { FileIssue } from '../leaf-issue';

/**
 * yamllint's "relaxed" preset as InstructLab runs it (strict, so its warnings refuse the file; line-length
 * disabled): the rules that look at raw lines. Blank lines inside block scalars count too, as in yamllint;
 * the classic surprise is a blank last line, which InstructLab refuses as well.
 */
const MAX_BLANK_LINES = 2;

export function lineRuleIssues(text: string): FileIssue[] {
  if (text.length === 0) return [];
  const issues: FileIssue[] = [];
  const crlf = text.indexOf('\r\n');
  if (crlf >= 0) {
    issues.push({
      line: lineOfOffset(text, crlf),
      rule: 'new-lines',
      message: 'Windows line endings (\\r\\n): save the file with Unix line endings (\\n) (new-lines)',
    });
  }
  if (!text.endsWith('\n')) {
    issues.push({
      line: text.split('\n').length,
      rule: 'new-line-at-end-of-file',
      message: 'the file does not end with a newline (new-line-at-end-of-file)',
    });
  }

  // A final "\n" ends the last line rather than starting an empty one.
  const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  let blankRun = 0;
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    if (/[ \t]$/.test(line))
      issues.push({ line: lineNo, rule: 'trailing-spaces', message: 'trailing whitespace at the end of the line (trailing-spaces)' });
    blankRun = line === '' ? blankRun + 1 : 0;
    // Reported once per run of blank lines, on its last line, like yamllint.
    const runEnds = line === '' && (i === lines.length - 1 || lines[i + 1] !== '');
    if (!runEnds) return;
    const atStart = lineNo === blankRun;
    const atEnd = i === lines.length - 1;
    if (atStart || atEnd) {
      issues.push({
        line: lineNo,
        rule: 'empty-lines',
        message: `blank line${blankRun > 1 ? 's' : ''} at the ${atStart ? 'start' : 'end'} of the file (empty-lines)`,
      });
    } else if (blankRun > MAX_BLANK_LINES) {
      issues.push({
        line: lineNo,
        rule: 'empty-lines',
        message: `${blankRun} blank lines in a row; at most ${MAX_BLANK_LINES} are allowed (empty-lines)`,
      });
    }
  });
  return issues;
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
