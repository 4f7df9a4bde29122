import { watch } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchLeafDocuments, type FetchDocumentsOptions } from './fetch-leaf-documents';
import type { KnowledgeSource } from './knowledge-sources';
import { createGitFixture, minimalPdf, waitFor, type GitFixture } from '@platform/test-fixtures';

const LIMITS = { gitTimeoutMs: 30_000, maxFileBytes: 1024 * 1024, maxFilesPerLeaf: 10, maxTotalBytes: 4 * 1024 * 1024 };
const ALLOW: FetchDocumentsOptions = { allowPrivate: true, credential: null, limits: LIMITS };

describe('fetchLeafDocuments against real git repositories', () => {
  let repo: GitFixture;
  let first: string;
  let second: string;

  const leaf = (repoUrl: string, commit: string, patterns: string[], path = 'knowledge/astronomy/sun/qna.yaml'): KnowledgeSource => ({
    leaf: path,
    line: 4,
    repo: repoUrl,
    commit,
    patterns,
  });

  beforeAll(async () => {
    repo = await createGitFixture();
    first = await repo.commit(
      { 'sun.md': '# The Sun\n\nFirst version.\n', 'docs/sun.pdf': minimalPdf(['The Sun in PDF, first version.']), 'notes.rtf': 'x' },
      'first',
    );
    second = await repo.commit(
      { 'sun.md': '# The Sun\n\nSecond version.\n', 'docs/sun.pdf': minimalPdf(['The Sun in PDF, second version.']) },
      'second',
    );
  });

  afterAll(async () => {
    if (repo) await rm(repo.dir, { recursive: true, force: true });
  });

  it('fetches the pinned commit over file://, Markdown as-is and PDF as text', async () => {
    const { documents, issues } = await fetchLeafDocuments([leaf(`file://${repo.dir}`, first, ['*.md', 'docs/*.pdf'])], ALLOW);
    expect(issues).toEqual([]);
    expect(documents.map((d) => d.sourcePath)).toEqual(['docs/sun.pdf', 'sun.md']);
    expect(documents.find((d) => d.sourcePath === 'sun.md')?.text).toBe('# The Sun\n\nFirst version.\n');
    expect(documents.find((d) => d.sourcePath === 'docs/sun.pdf')?.text).toContain('The Sun in PDF, first version.');
    const latest = await fetchLeafDocuments([leaf(`file://${repo.dir}`, second, ['*.md'])], ALLOW);
    expect(latest.documents[0].text).toContain('Second version.');
  });

  it('accepts an abbreviated commit through the full-fetch fallback', async () => {
    const { documents, issues } = await fetchLeafDocuments([leaf(repo.dir, first.slice(0, 10), ['sun.md'])], ALLOW);
    expect(issues).toEqual([]);
    expect(documents[0].text).toContain('First version.');
  });

  it('names the leaf and the problem: unknown commit, nothing matching, unsupported type, unreachable repo', async () => {
    const { issues } = await fetchLeafDocuments(
      [
        leaf(`file://${repo.dir}`, 'f'.repeat(40), ['*.md'], 'knowledge/a/qna.yaml'),
        leaf(`file://${repo.dir}`, first, ['*.rst'], 'knowledge/b/qna.yaml'),
        leaf(`file://${repo.dir}`, first, ['*.rtf'], 'knowledge/c/qna.yaml'),
        leaf('file:///nonexistent/repo', first, ['*.md'], 'knowledge/d/qna.yaml'),
      ],
      ALLOW,
    );
    expect(issues.map((i) => [i.file, i.rule])).toEqual([
      ['knowledge/a/qna.yaml', 'unknown-commit'],
      ['knowledge/b/qna.yaml', 'no-matching-document'],
      ['knowledge/c/qna.yaml', 'unsupported-document'],
      ['knowledge/d/qna.yaml', 'unreachable-repo'],
    ]);
    expect(issues[0].message).toMatch(/f{40} was not found/);
  });

  it('refuses file and loopback sources when private sources are not allowed', async () => {
    const refused = { ...ALLOW, allowPrivate: false };
    const { documents, issues } = await fetchLeafDocuments(
      [leaf(`file://${repo.dir}`, first, ['*.md']), leaf('http://127.0.0.1:9/docs.git', first, ['*.md'], 'knowledge/x/qna.yaml')],
      refused,
    );
    expect(documents).toEqual([]);
    expect(issues.map((i) => i.rule)).toEqual(['private-source', 'private-source']);
  });

  it('connects to the addresses the policy checked, not to a second DNS answer', async () => {
    const server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://localhost:${(server.address() as AddressInfo).port}/docs.git`;
    try {
      const reached = await fetchLeafDocuments([leaf(url, first, ['*.md'])], { ...ALLOW, resolve: async () => ['127.0.0.1'] });
      expect(reached.issues[0].message).toMatch(/the repository was not found/);
      const pinnedAway = await fetchLeafDocuments([leaf(url, first, ['*.md'])], { ...ALLOW, resolve: async () => ['127.0.0.2'] });
      expect(pinnedAway.issues[0].message).toMatch(/cannot be reached/);
    } finally {
      server.close();
    }
  });

  it('leaves no temp folder behind', async () => {
    // A temporary directory of its own (os.tmpdir() follows TMPDIR): other tests and processes share the system one,
    // so counting folders there races with them. Watching it proves the checkouts really went there.
    const own = await mkdtemp(join(tmpdir(), 'fetch-docs-spec-'));
    const previous = process.env.TMPDIR;
    const created = new Set<string>();
    const watcher = watch(own, (_event, name) => void (name && created.add(name.toString())));
    process.env.TMPDIR = own;
    try {
      const fetched = await fetchLeafDocuments([leaf(`file://${repo.dir}`, first, ['*.md'])], ALLOW);
      expect(fetched.documents.map((d) => d.sourcePath)).toEqual(['sun.md']);
      const failed = await fetchLeafDocuments([leaf(`file://${repo.dir}`, 'e'.repeat(40), ['*.md'])], ALLOW);
      expect(failed.issues.map((i) => i.rule)).toEqual(['unknown-commit']);
      await waitFor(() => [...created].filter((n) => n.startsWith('taxonomy-docs-')).length >= 2, 15_000);
      expect(await readdir(own)).toEqual([]);
    } finally {
      watcher.close();
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      await rm(own, { recursive: true, force: true });
    }
  });
});
