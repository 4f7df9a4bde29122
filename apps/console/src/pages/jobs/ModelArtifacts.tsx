import { type MouseEvent, useState } from 'react';
import { Button, Link, Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@carbon/react';
import type { ModelArtifactJson, ModelArtifactListJson } from '@platform/api-types';
import { api } from '../../api/client';
import { useRequest } from '../../api/use-request';
import { ErrorNotice } from '../../components/ErrorNotice';
import { downloadWithToken, fileNameOf, formatBytes } from './download';

const PAGE = 100;

/**
 * A model job's files (`GET …/models/{id}/artifacts`, a page at a time), each a link that downloads it with the
 * session's token. `version` changes when the job saved something new (a checkpoint, the model), to list again.
 */
export function ModelArtifacts({ jobPath, version }: { jobPath: string; version: string }) {
  const first = useRequest(
    (signal) => api<ModelArtifactListJson>(`${jobPath}/artifacts`, { signal, query: { limit: PAGE } }),
    [jobPath, version],
  );
  const [more, setMore] = useState<{ key: string; artifacts: ModelArtifactJson[]; next?: string }>();
  const [error, setError] = useState<unknown>();
  const key = `${jobPath}@${version}`;
  const extra = more?.key === key ? more : undefined;
  const artifacts = [...(first.data?.artifacts ?? []), ...(extra?.artifacts ?? [])];
  const next = extra ? extra.next : first.data?.next?.start;

  const loadMore = async () => {
    if (!next) return;
    try {
      const page = await api<ModelArtifactListJson>(`${jobPath}/artifacts`, { query: { limit: PAGE, start: next } });
      setMore({ key, artifacts: [...(extra?.artifacts ?? []), ...page.artifacts], next: page.next?.start });
    } catch (err) {
      setError(err);
    }
  };
  const download = async (a: ModelArtifactJson) => {
    setError(undefined);
    try {
      await downloadWithToken(`${jobPath}/artifacts/${a.path.split('/').map(encodeURIComponent).join('/')}`, fileNameOf(a.path));
    } catch (err) {
      setError(err);
    }
  };

  if (first.error && !first.data) return <ErrorNotice error={first.error} title="The model job's files could not be listed" />;
  return (
    <>
      {error !== undefined && <ErrorNotice error={error} title="The file could not be downloaded" onClose={() => setError(undefined)} />}
      {first.data && artifacts.length === 0 ? (
        <p>No files yet: the first checkpoint and the run log appear at the end of the first epoch.</p>
      ) : (
        <Table aria-label="Files of the model job" size="sm">
          <TableHead>
            <TableRow>
              <TableHeader>File</TableHeader>
              <TableHeader>Size</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {artifacts.map((a) => (
              <TableRow key={a.path} data-testid="artifact-row">
                <TableCell>
                  <Link
                    href={a.href}
                    onClick={(e: MouseEvent) => {
                      e.preventDefault();
                      void download(a);
                    }}
                    aria-label={`Download ${a.path}`}
                  >
                    {a.path}
                  </Link>
                </TableCell>
                <TableCell>{formatBytes(a.size)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {next && (
        <Button kind="tertiary" size="sm" onClick={loadMore}>
          Show more files
        </Button>
      )}
    </>
  );
}
