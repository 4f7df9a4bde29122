import { execFile } from 'node:child_process';
import { DocumentSourceError } from './document-error';

export interface GitRun {
  /** Variables added to the minimal environment git runs with (credentials helpers, ssh command, pins). */
  env?: Record<string, string>;
  timeoutMs: number;
  /** stdout beyond this fails the command (bounds what a listing or blob read can make us hold). */
  maxBuffer?: number;
}

export class GitCommandError extends Error {
  constructor(
    readonly stderr: string,
    readonly timedOut: boolean,
  ) {
    super(timedOut ? 'git timed out' : `git failed: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    this.name = 'GitCommandError';
  }
}

/**
 * Runs the system git without a shell, isolated from the host's configuration: no system or global config
 * (so no credential helpers or URL rewrites of the machine), no terminal prompts, only the allowed transports.
 */
export function runGit(args: readonly string[], opts: GitRun): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...args],
      {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: opts.env?.HOME ?? '/nonexistent',
          LANG: 'C',
          LC_ALL: 'C',
          GIT_TERMINAL_PROMPT: '0',
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: '/dev/null',
          GIT_ALLOW_PROTOCOL: 'https:http:ssh:git:file',
          GIT_SSH_COMMAND: 'ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=/dev/null',
          ...opts.env,
        },
        encoding: 'buffer',
        timeout: opts.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: opts.maxBuffer ?? 16 * 1024 * 1024,
        windowsHide: true,
      },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const timedOut = (err as NodeJS.ErrnoException & { killed?: boolean }).killed === true;
        reject(new GitCommandError(stderr.toString('utf8').slice(-4000), timedOut));
      },
    );
  });
}

/** Turns a failed fetch into what the taxonomy's author needs to hear; `display` is the redacted URL. */
export function fetchProblem(err: unknown, display: string): DocumentSourceError {
  if (!(err instanceof GitCommandError)) return new DocumentSourceError(`document.repo ${display}: ${String(err)}`, 'unreachable-repo');
  if (err.timedOut) return new DocumentSourceError(`document.repo ${display}: fetching took too long and was stopped`, 'unreachable-repo');
  const text = err.stderr;
  if (
    /Authentication failed|could not read (Username|Password)|terminal prompts disabled|Permission denied \(|HTTP Basic: Access denied|returned error: 40[13]|Invalid username or password/i.test(
      text,
    )
  ) {
    return new DocumentSourceError(
      `document.repo ${display}: authentication failed (check the secret named by secrets_manager_config.git_id)`,
      'auth-failed',
    );
  }
  if (/not found|does not appear to be a git repository|returned error: 404|Repository not found/i.test(text)) {
    return new DocumentSourceError(`document.repo ${display}: the repository was not found`, 'unreachable-repo');
  }
  if (/returned error: 30[1278]/.test(text)) {
    return new DocumentSourceError(
      `document.repo ${display}: the server redirects elsewhere; redirects are not followed when credentials are sent or private sources are refused, so give the repository's final URL`,
      'unreachable-repo',
    );
  }
  if (
    /Could not resolve host|Connection refused|Connection timed out|unable to access|Network is unreachable|No route to host|Failed to connect/i.test(
      text,
    )
  ) {
    return new DocumentSourceError(`document.repo ${display}: the repository cannot be reached`, 'unreachable-repo');
  }
  return new DocumentSourceError(`document.repo ${display}: git could not fetch it (${lastLine(text)})`, 'unreachable-repo');
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^hint:/.test(l));
  // git's messages quote the URL as given, which may carry a password.
  return (lines.at(-1) ?? 'unknown error').replace(/\/\/[^/@\s]*@/g, '//').slice(0, 300);
}
