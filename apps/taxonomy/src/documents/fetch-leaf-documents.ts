import type { LeafIssue } from '@platform/taxonomy-rules';
import { checkSourceAllowed, type ResolveHost } from './address-policy';
import { withCommit, type CommitCheckout } from './commit-checkout';
import { DocumentSourceError } from './document-error';
import type { DocumentLimits } from './document-limits';
import { extractText } from './extract-text';
import type { BoundCredential } from './git-credentials';
import type { KnowledgeSource } from './knowledge-sources';
import { matchDocuments } from './pattern-match';
import { parseRepoSource } from './repo-source';

/** One extracted document of one leaf. */
export interface FetchedDocument {
  leaf: string;
  sourcePath: string;
  text: string;
}

export interface FetchDocumentsOptions {
  allowPrivate: boolean;
  /** Sent only where its binding allows (see credentialEnv). */
  credential: BoundCredential | null;
  limits: DocumentLimits;
  /** PLATFORM_GIT_CA_FILE: the certificate authorities https repositories are checked against. */
  caFile?: string;
  resolve?: ResolveHost;
}

/**
 * Fetches the documents of every knowledge leaf. Leaves sharing a repository and commit share one fetch.
 * Every failing leaf is reported (like schema problems, all of them in one refusal), so when `issues` is not
 * empty the caller stores nothing.
 */
export async function fetchLeafDocuments(
  sources: readonly KnowledgeSource[],
  opts: FetchDocumentsOptions,
): Promise<{ documents: FetchedDocument[]; issues: LeafIssue[] }> {
  const documents: FetchedDocument[] = [];
  const issues: LeafIssue[] = [];
  const budget = { bytesLeft: opts.limits.maxTotalBytes };
  const groups = new Map<string, KnowledgeSource[]>();
  for (const source of sources) {
    const key = `${source.repo.trim()}\n${source.commit.trim().toLowerCase()}`;
    groups.set(key, [...(groups.get(key) ?? []), source]);
  }
  for (const group of groups.values()) {
    const report = (leaf: KnowledgeSource, err: unknown) => {
      if (!(err instanceof DocumentSourceError)) throw err;
      issues.push({ file: leaf.leaf, line: leaf.line, rule: err.rule, message: err.message });
    };
    try {
      await withRepository(group[0], opts, async (checkout) => {
        for (const leaf of group) {
          try {
            documents.push(...(await leafDocuments(leaf, checkout, opts.limits, budget)));
          } catch (err) {
            report(leaf, err);
          }
        }
      });
    } catch (err) {
      for (const leaf of group) report(leaf, err);
    }
  }
  return { documents, issues };
}

async function withRepository(
  first: KnowledgeSource,
  opts: FetchDocumentsOptions,
  use: (checkout: CommitCheckout) => Promise<void>,
): Promise<void> {
  const source = parseRepoSource(first.repo);
  const addresses = await checkSourceAllowed(source, { allowPrivate: opts.allowPrivate, resolve: opts.resolve });
  await withCommit(
    source,
    first.commit,
    {
      credential: opts.credential,
      pinnedAddresses: addresses,
      followRedirects: opts.allowPrivate,
      caFile: opts.caFile,
      timeoutMs: opts.limits.gitTimeoutMs,
      maxFileBytes: opts.limits.maxFileBytes,
    },
    use,
  );
}

async function leafDocuments(
  leaf: KnowledgeSource,
  checkout: CommitCheckout,
  limits: DocumentLimits,
  budget: { bytesLeft: number },
): Promise<FetchedDocument[]> {
  const byPath = new Map(checkout.files.map((f) => [f.path, f]));
  const matched = matchDocuments([...byPath.keys()], leaf.patterns);
  if (matched.length === 0) {
    throw new DocumentSourceError(
      `no file of ${parseRepoSource(leaf.repo).display} at commit ${leaf.commit} matches document.patterns ${JSON.stringify(leaf.patterns)}`,
      'no-matching-document',
    );
  }
  if (matched.length > limits.maxFilesPerLeaf) {
    throw new DocumentSourceError(
      `document.patterns match ${matched.length} files; at most ${limits.maxFilesPerLeaf} are allowed per leaf`,
      'document-too-large',
    );
  }
  const documents: FetchedDocument[] = [];
  for (const path of matched) {
    const file = byPath.get(path);
    if (!file) continue;
    budget.bytesLeft -= file.size;
    if (budget.bytesLeft < 0)
      throw new DocumentSourceError(`the taxonomy's documents exceed ${limits.maxTotalBytes} bytes in all`, 'document-too-large');
    documents.push({ leaf: leaf.leaf, sourcePath: path, text: await extractText(path, await checkout.readBlob(file)) });
  }
  return documents;
}
