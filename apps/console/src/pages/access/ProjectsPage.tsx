import {
  Button,
  Form,
  InlineLoading,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableHeader,
  TableRow,
  TextArea,
  TextInput,
} from '@carbon/react';
import type { ProjectJson, ProjectListJson } from '@platform/api-types';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { useSession } from '../../api/session';
import { useRequest } from '../../api/use-request';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { projectsChanged } from '../../layout/projects-version';
import { lengthProblem } from './field-limits';

/** The caller's projects (`GET /v2/projects`), switching to one, and creating one (`POST /v2/projects`). */
export default function ProjectsPage() {
  const { projectId, setProjectId } = useSession();
  const list = useRequest((signal) => api<ProjectListJson>('/v2/projects', { query: { limit: 200 }, signal }), []);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [createError, setCreateError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const nameProblem = lengthProblem('Name', name, 100, true);
  const descriptionProblem = lengthProblem('Description', description, 1000);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (nameProblem || descriptionProblem) return;
    setBusy(true);
    setCreateError(null);
    try {
      const project = await api<ProjectJson>('/v2/projects', {
        method: 'POST',
        body: { name: name.trim(), ...(description.trim() ? { description: description.trim() } : {}) },
      });
      setName('');
      setDescription('');
      setProjectId(project.metadata.guid);
      projectsChanged();
      list.reload();
    } catch (err) {
      setCreateError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title="Projects">Every job, taxonomy, deployment and prompt belongs to a project; its members share them.</PageHeader>
      <Stack gap={8}>
        {list.error !== null && <ErrorNotice error={list.error} title="The projects could not be loaded" />}
        {list.loading && !list.data ? (
          <InlineLoading description="Loading projects…" />
        ) : (
          <TableContainer title="Your projects" description={`${list.data?.total_results ?? 0} in all`}>
            <Table aria-label="Your projects" size="md">
              <TableHead>
                <TableRow>
                  <TableHeader>Name</TableHeader>
                  <TableHeader>Description</TableHeader>
                  <TableHeader>Created</TableHeader>
                  <TableHeader>
                    <span className="visually-hidden">Actions</span>
                  </TableHeader>
                </TableRow>
              </TableHead>
              <TableBody>
                {(list.data?.resources ?? []).map((p) => (
                  <TableRow key={p.metadata.guid} data-project-id={p.metadata.guid}>
                    <TableCell>{p.entity.name}</TableCell>
                    <TableCell>{p.entity.description ?? ''}</TableCell>
                    <TableCell>{new Date(p.metadata.created_at).toLocaleString()}</TableCell>
                    <TableCell>
                      {p.metadata.guid === projectId ? (
                        <span className="current-marker">Current project</span>
                      ) : (
                        <Button kind="ghost" size="sm" onClick={() => setProjectId(p.metadata.guid)}>
                          Switch to {p.entity.name}
                        </Button>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
        <Form onSubmit={create} aria-label="Create a project" className="narrow-form">
          <Stack gap={6}>
            <h2 className="cds--type-heading-03">Create a project</h2>
            <TextInput
              id="project-name"
              labelText="Name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              invalid={name !== '' && nameProblem !== null}
              invalidText={nameProblem ?? ''}
            />
            <TextArea
              id="project-description"
              labelText="Description (optional)"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              invalid={descriptionProblem !== null}
              invalidText={descriptionProblem ?? ''}
              rows={2}
            />
            {createError !== null && (
              <ErrorNotice error={createError} title="The project could not be created" onClose={() => setCreateError(null)} />
            )}
            <Button type="submit" disabled={busy || nameProblem !== null || descriptionProblem !== null}>
              {busy ? 'Creating…' : 'Create project'}
            </Button>
          </Stack>
        </Form>
      </Stack>
    </>
  );
}
