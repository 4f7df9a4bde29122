import { Button, InlineLoading, Stack, Table, TableBody, TableCell, TableContainer, TableHead, TableHeader, TableRow } from '@carbon/react';
import type { TaxonomyJson } from '@platform/api-types';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api/client';
import { useProjectId } from '../../api/session';
import { useRequest } from '../../api/use-request';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { NEW_LEAF_PATH, taxonomyPath } from './paths';
import { UploadTaxonomyForm } from './UploadTaxonomyForm';

/** The project's taxonomies (`GET /v1/projects/{id}/taxonomies`) and the upload that creates one. */
export default function TaxonomiesPage() {
  const projectId = useProjectId();
  const navigate = useNavigate();
  const list = useRequest(
    (signal) => api<{ taxonomies: TaxonomyJson[] }>(`/v1/projects/${projectId}/taxonomies`, { query: { limit: 500 }, signal }),
    [projectId],
  );
  const taxonomies = list.data?.taxonomies ?? [];

  return (
    <>
      <PageHeader title="Taxonomies">
        InstructLab taxonomies: trees of qna.yaml files whose seed examples become synthetic training data.
      </PageHeader>
      <Stack gap={8}>
        <div>
          <Button kind="tertiary" onClick={() => void navigate(NEW_LEAF_PATH)}>
            Write a qna.yaml
          </Button>
        </div>
        {list.error !== null && <ErrorNotice error={list.error} title="The taxonomies could not be loaded" />}
        {list.loading && !list.data ? (
          <InlineLoading description="Loading taxonomies…" />
        ) : (
          <TableContainer title="Taxonomies of this project" description={`${taxonomies.length} shown, newest first`}>
            <Table aria-label="Taxonomies of this project" size="md">
              <TableHead>
                <TableRow>
                  <TableHeader>Name</TableHeader>
                  <TableHeader>Archive</TableHeader>
                  <TableHeader>Created</TableHeader>
                </TableRow>
              </TableHead>
              <TableBody>
                {taxonomies.map((t) => (
                  <TableRow key={t.id} data-taxonomy-id={t.id}>
                    <TableCell>
                      <Link to={taxonomyPath(t.id)} className="cds--link">
                        {t.name}
                      </Link>
                    </TableCell>
                    <TableCell>
                      <code>{t.taxonomy_path_cos}</code>
                    </TableCell>
                    <TableCell>{new Date(t.created_at).toLocaleString()}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
        <UploadTaxonomyForm
          projectId={projectId}
          takenNames={new Set(taxonomies.map((t) => t.name))}
          onCreated={(t) => void navigate(taxonomyPath(t.id))}
        />
      </Stack>
    </>
  );
}
