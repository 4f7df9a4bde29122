import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentSourceError } from './document-error';
import { fetchProblem, GitCommandError, runGit } from './git-command';
import { credentialEnv, type BoundCredential } from './git-credentials';
import { defaultPort, type RepoSource } from './repo-source';

/** A file of the fetched commit's tree. */
export interface TreeFile {
  path: string;
  size: number;
  blob: string;
}

/** One commit of one repository, fetched into a private bare repository. */
export interface CommitCheckout {
  commit: string;
  files: TreeFile[];
  readBlob(file: TreeFile): Promise<Buffer>;
}

export interface FetchOptions {
  credential: BoundCredential | null;
  /** Addresses the policy checked; http(s) connections are pinned to them so a second DNS answer cannot differ. */
  pinnedAddresses: readonly string[];
  /**
   * False when private sources are refused (a redirect could lead to one); never followed when a credential is
   * sent, whatever this says, since the credential is bound to the repository's own host.
   */
  followRedirects: boolean;
  /** PEM bundle of the certificate authorities https repositories are checked against (instead of the system's). */
  caFile?: string;
  timeoutMs: number;
  maxFileBytes: number;
}

const COMMIT = /^[0-9a-f]{7,64}$/;

/**
 * Fetches exactly `commit` of `source` (by sha with depth 1; servers that refuse unadvertised objects get a
 * full fetch instead), lets `use` read its tree, and always removes the temp folder, which also holds any
 * key file or askpass script.
 */
export async function withCommit<T>(
  source: RepoSource,
  commit: string,
  opts: FetchOptions,
  use: (checkout: CommitCheckout) => Promise<T>,
): Promise<T> {
  const wanted = commit.trim().toLowerCase();
  if (!COMMIT.test(wanted)) throw new DocumentSourceError(`document.commit "${commit.slice(0, 80)}" is not a commit SHA`, 'unknown-commit');
  const dir = await mkdtemp(join(tmpdir(), 'taxonomy-docs-'));
  try {
    const repo = join(dir, 'repo.git');
    const env = { HOME: dir, ...(await credentialEnv(source, opts.credential, dir)), ...connectionConfig(source, opts) };
    const git = (args: string[], maxBuffer?: number) => runGit(['-C', repo, ...args], { env, timeoutMs: opts.timeoutMs, maxBuffer });
    await runGit(['init', '--bare', '--quiet', repo], { env, timeoutMs: opts.timeoutMs });
    await fetchCommit(git, source, wanted);
    const resolved = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${wanted}^{commit}`]).then(
      (out) => out.toString('utf8').trim(),
      () => null,
    );
    if (!resolved) throw new DocumentSourceError(`document.commit ${commit} was not found in ${source.display}`, 'unknown-commit');
    const files = parseTree(await git(['ls-tree', '-r', '-z', '--long', '--full-tree', resolved], 64 * 1024 * 1024));
    return await use({
      commit: resolved,
      files,
      readBlob: async (file) => {
        if (file.size > opts.maxFileBytes) {
          throw new DocumentSourceError(
            `${file.path} is ${file.size} bytes, more than the ${opts.maxFileBytes} allowed for one document`,
            'document-too-large',
          );
        }
        return git(['cat-file', 'blob', file.blob], opts.maxFileBytes + 1);
      },
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function fetchCommit(git: (args: string[]) => Promise<Buffer>, source: RepoSource, commit: string): Promise<void> {
  if (commit.length >= 40) {
    try {
      await git(['fetch', '--quiet', '--no-tags', '--depth', '1', source.gitUrl, commit]);
      return;
    } catch (err) {
      const problem = fetchProblem(err, source.display);
      // A wrong password or a dead host will not improve with a bigger fetch.
      if (problem.rule === 'auth-failed' || (err instanceof GitCommandError && err.timedOut)) throw problem;
    }
  }
  try {
    await git(['fetch', '--quiet', '--no-tags', source.gitUrl, '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*']);
  } catch (err) {
    throw fetchProblem(err, source.display);
  }
}

/** `git -c` would show in `ps`; GIT_CONFIG_* variables do not. */
function connectionConfig(source: RepoSource, opts: FetchOptions): Record<string, string> {
  const entries: [string, string][] = [];
  if (source.scheme === 'https' || source.scheme === 'http') {
    entries.push(['http.followRedirects', opts.followRedirects && opts.credential === null ? 'initial' : 'false']);
    if (opts.caFile) entries.push(['http.sslCAInfo', opts.caFile]);
    // Every checked address, so curl can still fall back from one address family to the other.
    const addresses = opts.pinnedAddresses.filter((a) => a !== source.host).map((a) => (a.includes(':') ? `[${a}]` : a));
    if (addresses.length > 0) entries.push(['http.curloptResolve', `${source.host}:${defaultPort(source)}:${addresses.join(',')}`]);
  }
  // Only the repository's own transport: an https fetch cannot be redirected to http, file or ssh.
  const env: Record<string, string> = { GIT_ALLOW_PROTOCOL: source.scheme, GIT_CONFIG_COUNT: String(entries.length) };
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

/** Regular files only: symlinks (mode 120000) could point outside the tree, submodules (160000) have no blob here. */
function parseTree(out: Buffer): TreeFile[] {
  const files: TreeFile[] = [];
  for (const record of out.toString('utf8').split('\0')) {
    const match = /^(\d{6}) (\w+) ([0-9a-f]+) +(-|\d+)\t(.+)$/s.exec(record);
    if (!match || match[2] !== 'blob' || !(match[1] === '100644' || match[1] === '100755')) continue;
    // git never writes such names, but a hostile server can send them; they would become object keys.
    if (match[5].split('/').some((segment) => segment === '' || segment === '.' || segment === '..') || match[5].includes('\\')) continue;
    files.push({ path: match[5], size: Number(match[4]), blob: match[3] });
  }
  return files;
}
