import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type { RepoSource } from './repo-source';

/**
 * Where a secret may be sent, fixed when the secret is created: a fetch hands its value only to a repository that
 * one of the secret's bindings allows, so a project member cannot point a taxonomy at a host of her own and receive
 * the credential there.
 */
export interface CredentialBinding {
  /** null: an entry naming only a host, which allows https and ssh. */
  scheme: 'https' | 'ssh' | null;
  /** Lowercase ASCII (IDN as punycode), no trailing dot; IPv6 without brackets. */
  host: string;
  /** null: the scheme's default port (443, 22). */
  port: number | null;
  /** '' allows any path; else a path prefix without a trailing slash, matched whole segments at a time. */
  path: string;
}

export class BindingSyntaxError extends Error {}

const MAX_ENTRY = 2048;
const DEFAULT_PORT = { https: 443, ssh: 22 } as const;

/**
 * Reads one `allowed_urls` entry: `https://host[:port][/path]`, `ssh://[user@]host[:port][/path]`, or a bare
 * `host[:port]`. Plain http is refused (credentials never travel unencrypted), and so are user names with passwords,
 * queries and fragments, which have no place in a prefix and would only hide what the entry means.
 */
export function parseCredentialBinding(entry: string): CredentialBinding {
  const text = entry.trim();
  if (text === '' || text.length > MAX_ENTRY || /[\s\0\\]/.test(text))
    throw new BindingSyntaxError(`must be an https:// or ssh:// URL or a host name of at most ${MAX_ENTRY} characters`);
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'http') throw new BindingSyntaxError('cannot be http://: credentials are never sent over plain http; use https://');
  if (scheme !== undefined && scheme !== 'https' && scheme !== 'ssh')
    throw new BindingSyntaxError(`uses "${scheme}://"; only https:// and ssh:// URLs (or a bare host name) can be allowed`);
  if (scheme === undefined && /[@/?#]/.test(text))
    throw new BindingSyntaxError('a bare entry is a host name with an optional :port; write a path prefix as an https:// or ssh:// URL');
  let url: URL;
  try {
    url = new URL(scheme === undefined ? `https://${text}` : text);
  } catch {
    throw new BindingSyntaxError('is not a valid URL or host name');
  }
  if (url.password !== '' || (url.username !== '' && scheme !== 'ssh'))
    throw new BindingSyntaxError('must not contain a user name or password');
  if (url.search !== '' || url.hash !== '') throw new BindingSyntaxError('must not contain a query or fragment');
  const host = canonicalHost(url.hostname);
  if (host === '') throw new BindingSyntaxError('does not name a valid host');
  const path = url.pathname.replace(/\/+$/, '');
  // The URL parser would quietly resolve "/org/../x" to "/x": an entry should mean what it says.
  if (hasHiddenSegments(path) || hasHiddenSegments(text.split('/').slice(3).join('/')))
    throw new BindingSyntaxError('must not contain ".", ".." or encoded "/", "\\" or "." in its path');
  return { scheme: scheme ?? null, host, port: url.port === '' ? null : Number(url.port), path };
}

/** The canonical text of a binding, as stored and shown. */
export function formatCredentialBinding(b: CredentialBinding): string {
  const host = b.host.includes(':') ? `[${b.host}]` : b.host;
  const hostPort = b.port === null ? host : `${host}:${b.port}`;
  return b.scheme === null ? hostPort : `${b.scheme}://${hostPort}${b.path || '/'}`;
}

/**
 * Whether a secret with this binding may be sent to `source`. Only https and ssh repositories can match; the host
 * is compared in canonical form (case, IDN, trailing dot), the port after defaults, and the path by whole segments
 * (`/org` allows `/org`, `/org.git` and `/org/...`, never `/org-evil`). Hosts and paths git could read differently
 * from us (percent-encoded hosts, encoded separators, dot segments) never match.
 */
export function credentialBindingAllows(b: CredentialBinding, source: RepoSource): boolean {
  if (source.scheme !== 'https' && source.scheme !== 'ssh') return false;
  if (b.scheme !== null && b.scheme !== source.scheme) return false;
  const host = canonicalHost(source.host);
  if (host === '' || host !== b.host) return false;
  if ((source.port ?? DEFAULT_PORT[source.scheme]) !== (b.port ?? DEFAULT_PORT[source.scheme])) return false;
  if (b.path === '') return true;
  const path = source.path;
  if (hasHiddenSegments(path)) return false;
  return [b.path, `${b.path}.git`].some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** Lowercase ASCII host, or '' when it is not a plain DNS name or IP literal (e.g. a percent-encoded opaque host). */
export function canonicalHost(raw: string): string {
  const bare = raw.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 6) return new URL(`https://[${bare}]`).hostname.replace(/^\[|\]$/g, '');
  if (bare.includes('%')) return '';
  const ascii = domainToASCII(bare).replace(/\.$/, '');
  return /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(ascii) && !ascii.includes('..') ? ascii : '';
}

function hasHiddenSegments(path: string): boolean {
  return /%2e|%2f|%5c/i.test(path) || path.split('/').some((segment) => segment === '.' || segment === '..');
}
