import type { TaxonomyJson } from '@platform/api-types';
import { LEAF_ROOTS, misnamedLeafIssues, packTar, validateLeaf, type LeafIssue, type TarFile } from '@platform/taxonomy-rules';
import { api } from '../../api/client';
import { archiveLocation } from './taxonomy-name';

/** A .tar.gz of in-memory files (the browser's own gzip). */
export async function tarGzOf(files: readonly TarFile[]): Promise<Blob> {
  const tar = new Blob([packTar(files) as Uint8Array<ArrayBuffer>]);
  return new Response(tar.stream().pipeThrough(new CompressionStream('gzip'))).blob();
}

/**
 * The archive goes into the project's storage (`PUT /v2/asset_files/taxonomies/<name>.tgz`), then the taxonomy is
 * created from it (`POST /v1/projects/{id}/taxonomies`); the service checks every leaf and refuses the whole archive,
 * one `file:line: problem` per error, if any is wrong.
 */
export async function createTaxonomy(projectId: string, name: string, archive: Blob): Promise<TaxonomyJson> {
  const { path, key } = archiveLocation(projectId, name);
  await api(`/v2/asset_files/${path}`, {
    method: 'PUT',
    query: { project_id: projectId },
    body: archive,
    headers: { 'content-type': 'application/gzip' },
  });
  return api<TaxonomyJson>(`/v1/projects/${projectId}/taxonomies`, { method: 'POST', body: { name, taxonomy_path_cos: key } });
}

export interface FolderArchive {
  archive: Blob;
  /** Leaves found (paths from the taxonomy root). */
  leaves: string[];
  /** Problems the service would refuse the archive for, found before uploading it. */
  issues: LeafIssue[];
}

/**
 * A chosen folder (its files carry `webkitRelativePath`, "taxonomy/knowledge/…/qna.yaml") packed as a .tar.gz, its
 * leaves checked here with the taxonomy service's own rules first. The folder itself is the wrapper the service
 * strips, as `tar czf t.tgz taxonomy/` makes it.
 */
export async function folderArchive(files: readonly File[]): Promise<FolderArchive> {
  const entries: TarFile[] = [];
  const issues: LeafIssue[] = [];
  const leaves: string[] = [];
  for (const file of files) {
    const path = file.webkitRelativePath || file.name;
    const data = new Uint8Array(await file.arrayBuffer());
    entries.push({ path, data });
    const inRoot = path.slice(path.indexOf('/') + 1);
    if (LEAF_ROOTS.some((root) => inRoot.startsWith(`${root}/`)) && inRoot.endsWith('/qna.yaml')) {
      leaves.push(inRoot);
      issues.push(...validateLeaf(inRoot, data).map((issue) => ({ file: inRoot, ...issue })));
    }
  }
  issues.push(...misnamedLeafIssues(entries.map((e) => e.path.slice(e.path.indexOf('/') + 1))));
  return { archive: await tarGzOf(entries), leaves: leaves.sort(), issues };
}
