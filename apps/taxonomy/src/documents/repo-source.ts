import { DocumentSourceError } from './document-error';

export type RepoScheme = 'https' | 'http' | 'ssh' | 'git' | 'file';

/** A `document.repo` value understood well enough to apply the source policy and pick credentials. */
export interface RepoSource {
  scheme: RepoScheme;
  /** What git is given: scp-like `user@host:path` stays as written, a bare local path becomes file://. */
  gitUrl: string;
  /** Host name or IP literal (no brackets); empty for file URLs. */
  host: string;
  port: number | null;
  /** The path on the host ('/org/repo.git'; scp-like `host:org/repo` reads as '/org/repo'), for credential bindings. */
  path: string;
  /** The URL with any user:password removed, for messages and logs. */
  display: string;
}

const SCP_LIKE = /^(?:([^@/\s]+)@)?([a-zA-Z0-9.-]+|\[[0-9a-fA-F:.]+\]):(?!\/\/)(.+)$/;
const SCHEMES: ReadonlySet<string> = new Set(['https', 'http', 'ssh', 'git', 'file']);

/**
 * Parses the URL forms git accepts for the transports we allow: https/http, ssh (`ssh://` and the scp-like
 * `git@host:org/repo.git`), `git://` and `file://` (a bare absolute path counts as file). Anything else,
 * notably `ext::` or other remote helpers that run commands, is refused here, and `GIT_ALLOW_PROTOCOL`
 * enforces the same list inside git.
 */
export function parseRepoSource(repo: string): RepoSource {
  const value = repo.trim();
  if (value === '' || value.startsWith('-') || /[\s\0]/.test(value)) throw invalid(repo);
  if (value.startsWith('/'))
    return { scheme: 'file', gitUrl: `file://${value}`, host: '', port: null, path: value, display: `file://${value}` };

  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    const scp = SCP_LIKE.exec(value);
    if (!scp) throw invalid(repo);
    const host = scp[2].replace(/^\[|\]$/g, '');
    return { scheme: 'ssh', gitUrl: value, host, port: null, path: `/${scp[3].replace(/^\/+/, '')}`, display: value };
  }
  if (!SCHEMES.has(scheme)) {
    throw new DocumentSourceError(
      `document.repo uses "${scheme}://"; only https, http, ssh, git and file URLs are supported`,
      'document-source',
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(repo);
  }
  const display = redact(url);
  if (scheme === 'file') {
    if (url.host !== '' && url.host !== 'localhost')
      throw new DocumentSourceError(`document.repo ${display}: a file URL cannot name a host`, 'document-source');
    return { scheme: 'file', gitUrl: value, host: '', port: null, path: url.pathname, display };
  }
  if (url.hostname === '') throw invalid(repo);
  return {
    scheme: scheme as RepoScheme,
    // http(s): git gets the URL as parsed here (curl reads it the same way), so the host and path that credential
    // bindings were checked against are the ones git connects to, whatever tricks the text held (`\`, `..`, case).
    gitUrl: scheme === 'https' || scheme === 'http' ? url.href : value,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? null : Number(url.port),
    path: url.pathname,
    display,
  };
}

/** The port git will connect to, for pinning the resolved address. */
export function defaultPort(source: RepoSource): number {
  if (source.port !== null) return source.port;
  return { https: 443, http: 80, ssh: 22, git: 9418, file: 0 }[source.scheme];
}

function redact(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

function invalid(repo: string): DocumentSourceError {
  // The raw value may hold credentials: never echo it.
  const hint = repo.length > 0 && !/[@]/.test(repo) ? ` "${repo.slice(0, 200)}"` : '';
  return new DocumentSourceError(
    `document.repo${hint} is not a git URL (https://, ssh://, git@host:path, git:// or file://)`,
    'document-source',
  );
}
